-- Every 予定日時 set for an interview (issue 13 item 7): who set it, when,
-- and for which time. The newest row is `interviews.scheduled_at`; the
-- number of rows is the SEQUENCE of the invitation (.ics) re-sent with it
-- (RFC 5546: the same UID, a higher SEQUENCE replaces the earlier one).
CREATE TABLE interview_schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    interview_id BIGINT NOT NULL REFERENCES interviews (id),
    scheduled_at TIMESTAMP NOT NULL,
    set_by TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL
);
CREATE INDEX interview_schedules_interview ON interview_schedules (interview_id);
