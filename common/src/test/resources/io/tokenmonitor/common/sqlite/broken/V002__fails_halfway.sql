-- The first statement succeeds, the second fails: the transaction must take the first back with it.
CREATE TABLE b (y INTEGER);
INSERT INTO no_such_table VALUES (1);
