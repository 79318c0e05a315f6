-- Present while the store's first backfill runs (written with synchronous=NORMAL and without the
-- created_at index, which is built once at its end). A start that finds it discards the rows of the
-- unfinished backfill and begins it again: nothing of it was published, so starting over is exact.
CREATE TABLE first_backfill (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    started_at         INTEGER NOT NULL          -- unix seconds
);
