ALTER TABLE import_batches DROP COLUMN superseded;
ALTER TABLE timecard_rows DROP COLUMN superseded_batch_id;
ALTER TABLE timecard_rows DROP COLUMN superseded_reason;
ALTER TABLE timecard_rows DROP COLUMN superseded_by;
