DROP TABLE write_lock;
DROP TABLE audit_log;
DROP TABLE discrepancy_resolutions;
DROP TABLE pc_sessions;
DROP TABLE roster_rows;
DROP TABLE timecard_rows;
DROP TABLE import_batches;
DROP TABLE doctors;
