ALTER TABLE self_checks DROP COLUMN checklist_version;
DROP TABLE interview_schedules;
