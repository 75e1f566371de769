-- The frozen result of the first monthly check of each agreement month
-- (rules §19): the staff ids of the doctors expected at ≥ 100 h — an
-- interview case opened for the month by a daily run, or the combined
-- actual 時間外・休日 of the month ≥ 6000 at the check — as a JSON array of
-- strings, their count, and when it was frozen. Later checks never change
-- the row; they report it again beside the same computation on today's data.
CREATE TABLE monthly_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL UNIQUE,
    month_first_day DATE NOT NULL,
    month_last_day DATE NOT NULL,
    expected_100 TEXT NOT NULL,
    expected_100_count INTEGER NOT NULL,
    frozen_at TIMESTAMP NOT NULL
);

-- The 安衛法 80 h notices (rules §16, 安衛則52条の2第3項, 14条の2第1項): one
-- row per doctor and agreement month, so a notice is never made twice.
-- `status` is 'queued' (the doctor's mail went to the outbox; its
-- `mail_key` is the outbox row's dedupe key, which says whether it was sent)
-- or 'not_sent' (the doctor has no e-mail address: shown to HR).
-- `physician_listed_at` is when the notice went to the 産業医 in a list
-- (config occupational_physician_email); NULL while it has not.
CREATE TABLE anei_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id BIGINT NOT NULL REFERENCES doctors (id),
    month TEXT NOT NULL,
    total_minutes INTEGER NOT NULL,
    excess_minutes INTEGER NOT NULL,
    status TEXT NOT NULL,
    mail_key TEXT,
    recorded_at TIMESTAMP NOT NULL,
    physician_listed_at TIMESTAMP,
    UNIQUE (doctor_id, month)
);
CREATE INDEX anei_notices_month ON anei_notices (month);
