-- The doctor's own fatigue self-check (労働者の疲労蓄積度自己診断チェックリスト)
-- and sleep over the last two weeks, entered on /me/selfcheck. It feeds the
-- manager's pre-check (事前確認, 規則第63条). Health data: shown only to the
-- doctor, their manager and their interview physician, kept five years.
-- Rows are never changed: a new entry is a new row, the latest one counts.
CREATE TABLE self_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    -- YYYY-MM: the month the check was made in.
    month TEXT NOT NULL,
    -- 自覚症状 I–IV.
    symptom TEXT NOT NULL,
    -- 疲労蓄積度 (仕事による負担度) 0–7.
    score INTEGER NOT NULL,
    -- Average sleep a day over the last two weeks, in minutes.
    sleep_average_minutes INTEGER NOT NULL,
    -- 1 when the doctor asks for an interview (面接指導の希望).
    wants_interview INTEGER NOT NULL,
    -- The checklist's answers when it was filled in item by item
    -- ("0,1,3,…/0,1,…": 13 symptoms, then 7 work items); NULL when only
    -- the results were entered.
    answers TEXT,
    recorded_at TIMESTAMP NOT NULL,
    retention_until DATE NOT NULL
);
CREATE INDEX self_checks_doctor_month ON self_checks (doctor_id, month);
