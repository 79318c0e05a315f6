-- One row per digest period and target, written in the transaction that queues the digest: a period is sent once.
-- sent = 0 marks the period that was already due when digests were first configured (a baseline, not sent).
CREATE TABLE digest_runs (
    target   TEXT NOT NULL,
    period   TEXT NOT NULL CHECK (period IN ('daily', 'weekly')),
    due_ms   INTEGER NOT NULL,
    sent     INTEGER NOT NULL,
    done_ms  INTEGER NOT NULL,
    PRIMARY KEY (target, period, due_ms)
);

-- Alerts the policy accepted (not duplicates), for the digests' "alerts that fired"; pruned after the longest period.
CREATE TABLE received_alerts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    alertname  TEXT NOT NULL,
    status     TEXT NOT NULL,
    severity   TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
);
CREATE INDEX received_alerts_time ON received_alerts (at_ms);
