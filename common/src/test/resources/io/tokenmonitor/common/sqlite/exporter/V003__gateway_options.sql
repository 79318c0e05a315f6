-- The gateway's QuotaPerUnit (quota units per USD), so the store's readers (Grafana's SQLite panels)
-- compute dollars without Prometheus. One row, present from the start with New API's default; the
-- exporter overwrites it with QUOTA_PER_UNIT or the gateway's options.QuotaPerUnit when it learns it.
-- Grafana's SQLite datasource reads this table: its name and columns are part of the public contract.
CREATE TABLE gateway_options (
    singleton          INTEGER PRIMARY KEY CHECK (singleton = 1),
    quota_per_unit     REAL    NOT NULL CHECK (quota_per_unit > 0)
);
INSERT INTO gateway_options (singleton, quota_per_unit) VALUES (1, 500000);
