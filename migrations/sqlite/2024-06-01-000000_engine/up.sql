-- The engine: doctors, imported rows (with versions), PC sessions,
-- discrepancy resolutions and the audit log. Timestamps are local hospital
-- wall-clock time ("YYYY-MM-DD HH:MM:SS"), as rules §1 counts them.

CREATE TABLE doctors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    department TEXT,
    level TEXT NOT NULL DEFAULT 'A',
    email TEXT,
    legal_holiday TEXT NOT NULL DEFAULT 'sun',
    pc_account TEXT,
    scheduled_start TEXT,
    manager_login TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX doctors_pc_account ON doctors (pc_account) WHERE pc_account IS NOT NULL;

CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    encoding TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT,
    inserted INTEGER NOT NULL,
    corrected INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    rejected INTEGER NOT NULL
);

-- Actual working-time rows. A correction is a new row pointing at the one it
-- replaces (replaces_id); the replaced row keeps its data and gets
-- superseded_at. Current rows are those with superseded_at IS NULL.
CREATE TABLE timecard_rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    kind TEXT NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    break_minutes INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    replaces_id INTEGER REFERENCES timecard_rows (id),
    superseded_at TIMESTAMP,
    batch_id INTEGER REFERENCES import_batches (id),
    source_line INTEGER,
    correction_reason TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX timecard_rows_current ON timecard_rows (doctor_id, start_at, kind) WHERE superseded_at IS NULL;
CREATE INDEX timecard_rows_start ON timecard_rows (start_at, doctor_id);

-- Planned rows (勤務予定), used only for projection. Re-importing a roster
-- supersedes the planned rows of the dates it covers; old plans are kept.
CREATE TABLE roster_rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    kind TEXT NOT NULL,
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    break_minutes INTEGER NOT NULL,
    superseded_at TIMESTAMP,
    batch_id INTEGER REFERENCES import_batches (id),
    source_line INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX roster_rows_start ON roster_rows (start_at, doctor_id) WHERE superseded_at IS NULL;
CREATE INDEX roster_rows_doctor ON roster_rows (doctor_id, start_at);

CREATE TABLE pc_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    pc_name TEXT NOT NULL DEFAULT '',
    logon_at TIMESTAMP NOT NULL,
    logoff_at TIMESTAMP NOT NULL,
    batch_id INTEGER REFERENCES import_batches (id),
    source_line INTEGER
);
CREATE UNIQUE INDEX pc_sessions_key ON pc_sessions (doctor_id, logon_at, logoff_at, pc_name);
CREATE INDEX pc_sessions_logon ON pc_sessions (logon_at);

-- HR's resolution of a discrepancy day (rules §9): work, self_study or not_work.
CREATE TABLE discrepancy_resolutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    day DATE NOT NULL,
    resolution TEXT NOT NULL,
    reason TEXT NOT NULL,
    resolved_by TEXT,
    resolved_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, day)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor TEXT,
    category TEXT NOT NULL,
    operation TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- One row, bumped first by every writing transaction (see db::write_transaction).
CREATE TABLE write_lock (
    id INTEGER PRIMARY KEY,
    counter BIGINT NOT NULL
);
INSERT INTO write_lock (id, counter) VALUES (1, 0);
