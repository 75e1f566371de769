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

-- The edition of the fatigue checklist each self-check answered (issue 13
-- item 8): `2023` (2023年改正版, asked now) or `2004`, the edition of every
-- self-check stored before this column.
ALTER TABLE self_checks ADD COLUMN checklist_version TEXT NOT NULL DEFAULT '2004';
