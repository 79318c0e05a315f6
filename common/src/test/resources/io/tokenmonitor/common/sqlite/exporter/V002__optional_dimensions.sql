-- Cumulative usage per group, token and user, for the optional families (OPTIONAL_LABELS).
CREATE TABLE dimension_totals (
    dimension          TEXT    NOT NULL,         -- GROUP, TOKEN or USER
    value              TEXT    NOT NULL,         -- the group, token name or user name, or __other__
    requests           INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    quota_consumed     INTEGER NOT NULL,
    quota_refunded     INTEGER NOT NULL,
    PRIMARY KEY (dimension, value)
) WITHOUT ROWID;
