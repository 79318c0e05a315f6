-- Alert rules made in the console (issue 13), and every change of one. Not written by the sync: a
-- first backfill that is discarded and started again leaves both tables alone (store/FirstBackfill).
CREATE TABLE console_rules (
    name               TEXT    PRIMARY KEY,      -- [A-Za-z0-9_.:-]{1,100}; unique with the config file's rules
    version            INTEGER NOT NULL,         -- +1 at every change, never reused for a name (= its rows in rule_audit); the API's ETag
    spec               TEXT    NOT NULL,         -- the rule as JSON, in the config file's grammar, enabled included
    updated_at_ms      INTEGER NOT NULL,
    updated_by         TEXT    NOT NULL          -- the authenticated user of the last change
) WITHOUT ROWID;

CREATE TABLE rule_audit (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms              INTEGER NOT NULL,
    actor              TEXT    NOT NULL,
    action             TEXT    NOT NULL,         -- create, update, delete
    rule               TEXT    NOT NULL,
    before             TEXT,                     -- the spec before the change (JSON); NULL for create
    after              TEXT                      -- the spec after it (JSON); NULL for delete
);
CREATE INDEX rule_audit_rule ON rule_audit (rule, id);
