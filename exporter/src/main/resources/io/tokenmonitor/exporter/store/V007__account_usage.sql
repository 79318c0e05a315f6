-- Usage per API key, user and group (issue 15): exact budgets and rules scoped to a key, a user or a
-- group over any window, as usage_minute/usage_day do per channel and model.
-- The gateway's logs.token_id on each raw row. NULL on rows synced before this migration until the
-- exporter has filled it from the gateway; 0 where the gateway wrote none (One API: looked up from
-- tokens by user_id and token_name, 0 when that is not exactly one key).
ALTER TABLE logs ADD COLUMN token_id INTEGER;
-- The rows still to fill (sync/TokenIdUpgrade): found at every start without scanning the table. Empty on a
-- store created with this migration, and once the upgrade is done; a synced row (token_id set) never enters it.
CREATE INDEX logs_token_id_unfilled ON logs (id) WHERE token_id IS NULL;

-- Per-minute and per-day (UTC) sums per key, user and group. Same columns in both tables.
-- Grafana's SQLite datasource reads both: their names and columns are part of the public contract.
CREATE TABLE usage_account_minute (
    minute             INTEGER NOT NULL,         -- unix seconds at the start of the minute
    token_id           INTEGER NOT NULL,         -- 0: no key (channel tests, One API rows not matched)
    user_id            INTEGER NOT NULL,
    "group"            TEXT    NOT NULL,
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,         -- failed attempts
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    quota              INTEGER NOT NULL,         -- net: quota_consumed - quota_refunded
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    PRIMARY KEY (token_id, minute, user_id, "group")
) WITHOUT ROWID;
CREATE INDEX usage_account_minute_user ON usage_account_minute (user_id, minute);
CREATE INDEX usage_account_minute_group ON usage_account_minute ("group", minute);
CREATE INDEX usage_account_minute_time ON usage_account_minute (minute);

CREATE TABLE usage_account_day (
    day                INTEGER NOT NULL,         -- unix seconds at the start of the UTC day
    token_id           INTEGER NOT NULL,
    user_id            INTEGER NOT NULL,
    "group"            TEXT    NOT NULL,
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    quota              INTEGER NOT NULL,
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    PRIMARY KEY (token_id, day, user_id, "group")
) WITHOUT ROWID;
CREATE INDEX usage_account_day_user ON usage_account_day (user_id, day);
CREATE INDEX usage_account_day_group ON usage_account_day ("group", day);
CREATE INDEX usage_account_day_time ON usage_account_day (day);
