-- Every action taken from the console or its API (test message, retry, discard, enable): who, when, what, outcome.
CREATE TABLE console_audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms      INTEGER NOT NULL,
    user_name  TEXT NOT NULL,
    client     TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('test', 'retry', 'discard', 'enable')),
    subject    TEXT NOT NULL,
    result     TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX console_audit_time ON console_audit (at_ms);
