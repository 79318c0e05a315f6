-- The gateway's API keys (tokens) and users as last read from its main database (issue 15), for the
-- Tokens & users dashboard, key/user budgets given by name, and One API's rows (which carry no
-- token_id). Never a secret or personal column: no tokens.key, users.password, users.access_token,
-- e-mail or third-party id is read, so none can be here.
-- Grafana's SQLite datasource reads both tables: their names and columns are part of the public contract.
CREATE TABLE tokens (
    id                 INTEGER PRIMARY KEY,      -- tokens.id (= logs.token_id)
    user_id            INTEGER NOT NULL,
    name               TEXT    NOT NULL,         -- what logs.token_name copies
    status             INTEGER NOT NULL,         -- 1 enabled, 2 disabled, 3 expired, 4 exhausted
    "group"            TEXT    NOT NULL,         -- '' where the gateway has no tokens.group (One API)
    remain_quota       INTEGER NOT NULL,         -- gateway units; meaningless when unlimited_quota = 1
    used_quota         INTEGER NOT NULL,
    unlimited_quota    INTEGER NOT NULL,         -- 0 or 1
    created_time       INTEGER NOT NULL,         -- unix seconds
    accessed_time      INTEGER NOT NULL,         -- unix seconds; 0 never used
    expired_time       INTEGER NOT NULL,         -- unix seconds; -1 never expires
    deleted            INTEGER NOT NULL          -- 1 when soft-deleted (deleted_at set): gone for the gateway
);
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_name ON tokens (name);

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,      -- users.id (= logs.user_id)
    username           TEXT    NOT NULL,
    role               INTEGER NOT NULL,         -- 1 common, 10 admin, 100 root
    status             INTEGER NOT NULL,         -- 1 enabled, 2 disabled
    "group"            TEXT    NOT NULL,
    quota              INTEGER NOT NULL,         -- remaining, gateway units
    used_quota         INTEGER NOT NULL,
    request_count      INTEGER NOT NULL,         -- the gateway's own counter
    deleted            INTEGER NOT NULL          -- 1 when soft-deleted (New API's deleted_at set)
);
CREATE INDEX users_username ON users (username);
