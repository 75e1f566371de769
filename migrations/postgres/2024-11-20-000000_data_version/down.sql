ALTER TABLE write_lock DROP COLUMN data_version;
