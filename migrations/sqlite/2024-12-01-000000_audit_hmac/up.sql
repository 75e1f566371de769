-- The access log's entries are signed with a key kept outside the database
-- (HMAC-SHA256 of the entry's hash; see src/audit/key.rs). Entries written
-- before the key existed keep NULL and are verified by the chain only.
ALTER TABLE audit_log ADD COLUMN hmac TEXT;
