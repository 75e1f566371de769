-- Accounts an inspector can check (MHLW checklist 2-(4), 2-(5)): when each
-- account last signed in, lock-out after repeated failures, leavers with a
-- date, why an account was disabled; sessions that expire when idle; and an
-- access log the database itself keeps append-only (2-(6)).

ALTER TABLE users ADD COLUMN last_sign_in_at TIMESTAMP;
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMP;
ALTER TABLE users ADD COLUMN leaves_on DATE;
ALTER TABLE users ADD COLUMN disabled_reason TEXT;
-- From when an unused account's 90 days count: creation, or re-enabling.
ALTER TABLE users ADD COLUMN active_since TIMESTAMP;
UPDATE users SET active_since = created_at;

ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
UPDATE sessions SET last_seen_at = created_at;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only / アクセスログは追記のみです';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
