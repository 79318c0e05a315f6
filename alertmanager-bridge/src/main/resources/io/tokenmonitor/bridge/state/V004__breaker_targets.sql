-- The breaker switches off API keys (tokens) and users as well as channels (issue 15): every audit row names
-- what it acted on. Rows written before this version are all channels.
ALTER TABLE breaker_audit RENAME COLUMN channel_id TO target_id;
ALTER TABLE breaker_audit ADD COLUMN target TEXT NOT NULL DEFAULT 'channel'
    CHECK (target IN ('channel', 'token', 'user'));
DROP INDEX breaker_audit_channel;
CREATE INDEX breaker_audit_target ON breaker_audit (target, target_id, id);
