ALTER TABLE measures DROP COLUMN extra_reason;
DROP TABLE record_addenda;
DROP TABLE interview_opinions;
