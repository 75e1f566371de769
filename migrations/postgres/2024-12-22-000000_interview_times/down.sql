ALTER TABLE interviews DROP COLUMN a_level_exception;
ALTER TABLE interviews DROP COLUMN reach_100_at;
ALTER TABLE interviews DROP COLUMN scheduled_at;
ALTER TABLE interviews DROP COLUMN held_at;
