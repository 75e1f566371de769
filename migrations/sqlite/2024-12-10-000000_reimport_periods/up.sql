-- Re-exports replace a period (issue 12): a timecard row is superseded
-- either by a correction (a new version points at it through replaces_id) or
-- because a re-export of its period no longer contains it (no new version).
-- Either way who superseded it, why, and by which import are kept with the
-- row; rows superseded before this migration keep NULL here (their
-- correction, if any, still names them through replaces_id).
-- superseded_batch_id is an import_batches id (no foreign key, so that the
-- column can be dropped again on SQLite).
ALTER TABLE timecard_rows ADD COLUMN superseded_by TEXT;
ALTER TABLE timecard_rows ADD COLUMN superseded_reason TEXT;
ALTER TABLE timecard_rows ADD COLUMN superseded_batch_id INTEGER;
-- How many stored rows an import superseded without a new version.
ALTER TABLE import_batches ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
