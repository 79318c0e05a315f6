-- Alert events already seen (fingerprint|status|startsAt), to absorb Alertmanager HA duplicates and retries.
CREATE TABLE intake_seen (
    event_key  TEXT PRIMARY KEY,
    seen_ms    INTEGER NOT NULL
);
CREATE INDEX intake_seen_time ON intake_seen (seen_ms);

-- Alerts received outside their active window, announced when it opens (latest status wins).
CREATE TABLE deferred_alerts (
    alert_key      TEXT PRIMARY KEY,
    status         TEXT NOT NULL,
    event_json     TEXT NOT NULL,
    deferred_ms    INTEGER NOT NULL,
    last_seen_ms   INTEGER NOT NULL
);

-- Per alert × target: when it was last announced as firing (cooldown) and whether a resolved message is owed.
CREATE TABLE notified (
    alert_key       TEXT NOT NULL,
    target          TEXT NOT NULL,
    last_firing_ms  INTEGER NOT NULL,
    announced       INTEGER NOT NULL,
    PRIMARY KEY (alert_key, target)
);

-- The outbox: one row per rendered message part; pending -> sent | dead, each move in one transaction.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    target           TEXT NOT NULL,
    alert_key        TEXT NOT NULL,
    alert_status     TEXT NOT NULL,
    part             INTEGER NOT NULL,
    parts            INTEGER NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    created_ms       INTEGER NOT NULL,
    next_attempt_ms  INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    done_ms          INTEGER
);
CREATE INDEX outbox_pending ON outbox (target, id) WHERE state = 'pending';
CREATE INDEX outbox_done ON outbox (done_ms) WHERE state <> 'pending';

-- Firing alerts that asked for the breaker; the breaker worker trips, audits and then announces.
CREATE TABLE breaker_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_json  TEXT NOT NULL,
    held_since_ms INTEGER,
    created_ms  INTEGER NOT NULL
);

-- Every breaker attempt and every manual re-enable, with the channel status before and after.
CREATE TABLE breaker_audit (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms          INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('disable', 'enable')),
    channel_id     INTEGER NOT NULL,
    alert_key      TEXT,
    alertname      TEXT,
    status_before  INTEGER,
    status_after   INTEGER,
    result         TEXT NOT NULL,
    detail         TEXT
);
CREATE INDEX breaker_audit_channel ON breaker_audit (channel_id, id);
CREATE INDEX breaker_audit_time ON breaker_audit (at_ms);
