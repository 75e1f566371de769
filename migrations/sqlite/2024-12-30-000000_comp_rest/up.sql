-- 代償休息 given (rules §11.11, formats.md R.4): one row per grant record,
-- keyed by (doctor, start). `start_at` is ceiled and `end_at` floored to
-- the minute when counted, kept as written here. `method` is
-- 'time_off' (時間休) or 'interval_extension' (インターバル延長), shown only.
-- Two grants of one doctor never overlap (checked on input). A corrected
-- row keeps its id; the audit log keeps the old values.
CREATE TABLE comp_rest_grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id BIGINT NOT NULL REFERENCES doctors(id),
    start_at TIMESTAMP NOT NULL,
    end_at TIMESTAMP NOT NULL,
    method TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, start_at)
);
CREATE INDEX comp_rest_grants_start ON comp_rest_grants (start_at);

-- HR's reason on a ledger entry (rules §11.9, formats.md R.4): the entries
-- are computed from the rows, so the reason is kept by what names an entry
-- for good — the doctor, the cause and the minute it arose.
CREATE TABLE comp_rest_reasons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id BIGINT NOT NULL REFERENCES doctors(id),
    cause TEXT NOT NULL,
    arose_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, cause, arose_at)
);
