-- usage_minute by channel and by model: a channel or model budget (or rule) sums the minutes at the
-- edges of its window; with only the primary key (minute first) each such sum read every series'
-- rows of up to a day of minutes. 1,000 channel/model budgets took 5 s per evaluation on a 5M-row
-- store (exporter/BENCHMARKS.md, issue 15). usage_day has had the same two indexes since V001.
-- Built at the end of a first backfill instead of row by row during it (store/FirstBackfill).
CREATE INDEX usage_minute_channel ON usage_minute (channel_id, minute);
CREATE INDEX usage_minute_model ON usage_minute (model, minute);
