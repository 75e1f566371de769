DROP TABLE interview_schedules;
