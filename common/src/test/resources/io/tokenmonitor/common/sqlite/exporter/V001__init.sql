-- Raw gateway log rows (requests, errors, refunds, settlements, channel tests) for the retention period.
-- Grafana's SQLite datasource reads this table: its name and columns are part of the public contract.
CREATE TABLE logs (
    id                 INTEGER PRIMARY KEY,      -- the gateway's logs.id
    created_at         INTEGER NOT NULL,         -- unix seconds, as the gateway wrote it
    type               INTEGER NOT NULL,         -- the gateway's log type (2 consume, 5 error/test, 6 refund)
    kind               TEXT    NOT NULL,         -- request, settlement, error, refund, channel_test
    channel_id         TEXT    NOT NULL,
    channel_name       TEXT,                     -- filled from the gateway's channels table when known
    model              TEXT    NOT NULL,
    token_name         TEXT    NOT NULL,
    username           TEXT    NOT NULL,
    user_id            INTEGER NOT NULL,
    "group"            TEXT    NOT NULL,
    prompt_tokens      INTEGER NOT NULL,
    completion_tokens  INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    quota              INTEGER NOT NULL,
    use_time_seconds   REAL,                     -- NULL when the gateway recorded none
    ttft_seconds       REAL,                     -- time to first token; NULL unless streamed and measured
    is_stream          INTEGER NOT NULL,         -- 0 or 1
    status_class       TEXT    NOT NULL,         -- 4xx, 5xx, other for errors; '' otherwise
    request_id         TEXT    NOT NULL,
    ip                 TEXT    NOT NULL,
    content            TEXT    NOT NULL,
    other              TEXT    NOT NULL          -- the gateway's JSON, unchanged
);
CREATE INDEX logs_created_at ON logs (created_at);

-- Per-minute and per-day (UTC) sums per channel, model and stream: exact usage over any window
-- (budgets, long-range panels, history export) without the raw rows. Same columns in both tables.
CREATE TABLE usage_minute (
    minute             INTEGER NOT NULL,         -- unix seconds at the start of the minute
    channel_id         TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    stream             INTEGER NOT NULL,         -- 0 or 1
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,         -- failed attempts (errors_4xx + errors_5xx + errors_other)
    errors_4xx         INTEGER NOT NULL,
    errors_5xx         INTEGER NOT NULL,
    errors_other       INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    quota              INTEGER NOT NULL,         -- net: quota_consumed - quota_refunded
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    duration_seconds_sum REAL  NOT NULL,
    duration_count     INTEGER NOT NULL,
    PRIMARY KEY (minute, channel_id, model, stream)
) WITHOUT ROWID;

CREATE TABLE usage_day (
    day                INTEGER NOT NULL,         -- unix seconds at the start of the UTC day
    channel_id         TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    stream             INTEGER NOT NULL,
    requests           INTEGER NOT NULL,
    errors             INTEGER NOT NULL,
    errors_4xx         INTEGER NOT NULL,
    errors_5xx         INTEGER NOT NULL,
    errors_other       INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    quota              INTEGER NOT NULL,
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    duration_seconds_sum REAL  NOT NULL,
    duration_count     INTEGER NOT NULL,
    PRIMARY KEY (day, channel_id, model, stream)
) WITHOUT ROWID;
CREATE INDEX usage_day_channel ON usage_day (channel_id, day);
CREATE INDEX usage_day_model ON usage_day (model, day);

-- Cumulative counters per series since the store was created; pruning never touches them.
CREATE TABLE usage_totals (
    channel_id         TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    stream             INTEGER NOT NULL,
    requests           INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cache_read_tokens  INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    duration_buckets   TEXT    NOT NULL,         -- comma-separated counts per bucket (not cumulative), +Inf last
    duration_sum       REAL    NOT NULL,
    ttft_buckets       TEXT    NOT NULL,
    ttft_sum           REAL    NOT NULL,
    created_at_ms      INTEGER NOT NULL,         -- when the series first appeared (created timestamp)
    PRIMARY KEY (channel_id, model, stream)
) WITHOUT ROWID;

CREATE TABLE error_totals (
    channel_id         TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    status_class       TEXT    NOT NULL,
    errors             INTEGER NOT NULL,
    PRIMARY KEY (channel_id, model, status_class)
) WITHOUT ROWID;

CREATE TABLE ingest_totals (
    log_type           TEXT    PRIMARY KEY,
    rows               INTEGER NOT NULL
) WITHOUT ROWID;

-- Where the sync stands. One row: the source it follows, the highest id synced, the newest created_at.
CREATE TABLE sync_position (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    source             TEXT    NOT NULL,         -- the gateway database this store follows (no password)
    last_id            INTEGER NOT NULL,
    last_created_at    INTEGER NOT NULL
);

-- Ids below last_id not yet seen: an insert that commits late fills one. Dropped after expires_at.
CREATE TABLE sync_gaps (
    from_id            INTEGER PRIMARY KEY,
    to_id              INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL          -- unix seconds
);

-- The gateway's channels as last read from its main database (never the key): names for the log views.
CREATE TABLE channels (
    id                 TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL,
    type               INTEGER NOT NULL,
    status             INTEGER NOT NULL,         -- 1 enabled, 2 manually disabled, 3 auto-disabled
    "group"            TEXT    NOT NULL,
    tag                TEXT    NOT NULL
) WITHOUT ROWID;
