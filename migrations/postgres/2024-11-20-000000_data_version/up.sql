-- The version of the data the figures are computed from (doctors, timecard,
-- roster, PC sessions, discrepancy resolutions): bumped by every import,
-- resolution and deletion, so a computed report can be cached until it
-- changes. (write_lock.counter moves on every write, the access log's too.)
ALTER TABLE write_lock ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
