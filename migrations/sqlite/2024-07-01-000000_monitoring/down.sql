DROP TABLE job_runs;
DROP TABLE outbox;
DROP TABLE measures;
DROP TABLE prechecks;
DROP TABLE interviews;
DROP TABLE sessions;
DROP TABLE users;
