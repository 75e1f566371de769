-- The 面接指導 record on the MHLW form (issue 13 §5-6; 厚労省「面接指導結果
-- 及び意見書」様式例): the physician's structured opinion, one row per
-- interview, written in the same transaction as the interview's record and
-- never changed in place. Corrections of it, of the interview's report and
-- of the measures taken are dated addenda (追記) with a reason and their
-- author; the original stays. Both are health records, kept five years.
CREATE TABLE interview_opinions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interview_id INTEGER NOT NULL UNIQUE REFERENCES interviews (id),
    guidance TEXT NOT NULL,
    reinterview_when TEXT,
    work_class TEXT NOT NULL,
    overtime_limit_hours INTEGER,
    overtime_forbidden INTEGER NOT NULL DEFAULT 0,
    night_duty_limit INTEGER,
    change_workplace INTEGER NOT NULL DEFAULT 0,
    change_work INTEGER NOT NULL DEFAULT 0,
    fewer_late_night INTEGER NOT NULL DEFAULT 0,
    day_shift INTEGER NOT NULL DEFAULT 0,
    other_measure TEXT,
    period_from DATE,
    period_until DATE,
    environment TEXT,
    medical_care TEXT,
    physician_login TEXT NOT NULL,
    physician_name TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retention_until DATE NOT NULL
);

CREATE TABLE record_addenda (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    reason TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    retention_until DATE NOT NULL
);
CREATE INDEX record_addenda_record ON record_addenda (record_kind, record_id);

-- One measures case per doctor-month: when the physician's opinion and
-- over 155 h both call for measures, the second reason joins the case.
ALTER TABLE measures ADD COLUMN extra_reason TEXT;
