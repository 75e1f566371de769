-- Monitoring: people and roles, interviews (面接指導) with the manager's
-- pre-check, measures (就業上の措置), the mail outbox and job runs.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    name TEXT,
    staff_id TEXT,
    email TEXT,
    department TEXT,
    password_hash TEXT NOT NULL,
    -- Physicians: the date the MHLW training course (講習) was completed.
    trained_on DATE,
    -- 1 when this user is the hospital's 管理者 (never an interview physician).
    is_administrator INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

-- Signed-in sessions: bearer tokens of the API and cookies of the screens.
-- Only a SHA-256 of the token is stored; csrf_token guards the forms.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- One interview per doctor and month. Status is derived: done when held_on
-- is set, overdue when the deadline has passed, scheduled otherwise.
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    month TEXT NOT NULL,
    reason TEXT NOT NULL,
    reach_100_date DATE NOT NULL,
    deadline DATE NOT NULL,
    physician_id INTEGER REFERENCES users (id),
    previous_physician_id INTEGER REFERENCES users (id),
    held_on DATE,
    check_work TEXT,
    check_sleep TEXT,
    check_fatigue TEXT,
    check_mental_physical TEXT,
    opinion TEXT,
    recorded_by TEXT,
    recorded_at TIMESTAMP,
    retention_until DATE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, month)
);

-- The manager's pre-check (事前確認, 規則第63条) of a doctor's month, from
-- 80 h on, before or after an interview is opened; the latest one counts.
CREATE TABLE prechecks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    month TEXT NOT NULL,
    work_status TEXT NOT NULL,
    previous_month_minutes INTEGER NOT NULL,
    sleep_average_minutes INTEGER NOT NULL,
    fatigue_symptom TEXT NOT NULL,
    fatigue_score INTEGER NOT NULL,
    mental_physical TEXT NOT NULL,
    doctor_requests_interview INTEGER NOT NULL,
    recorded_by TEXT,
    recorded_at TIMESTAMP NOT NULL,
    retention_until DATE NOT NULL
);
CREATE INDEX prechecks_doctor_month ON prechecks (doctor_id, month);

-- Measures: after an interview (on the opinion), or over 155 h (mandatory).
CREATE TABLE measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    month TEXT NOT NULL,
    reason TEXT NOT NULL,
    interview_id INTEGER REFERENCES interviews (id),
    shorter_hours INTEGER NOT NULL DEFAULT 0,
    fewer_night_duties INTEGER NOT NULL DEFAULT 0,
    other INTEGER NOT NULL DEFAULT 0,
    other_text TEXT,
    recorded_by TEXT,
    recorded_at TIMESTAMP,
    retention_until DATE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, month, reason)
);

-- Every mail is written here in the transaction of the event that causes
-- it, then sent by the job. dedupe_key makes "never twice" a constraint.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    doctor_id INTEGER REFERENCES doctors (id),
    month TEXT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    ics TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- What the scheduled jobs did (the monthly check is the 「毎月定期的に確認」 record).
CREATE TABLE job_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    as_of DATE NOT NULL,
    month TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL
);
