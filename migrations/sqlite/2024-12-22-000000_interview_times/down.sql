ALTER TABLE interviews DROP COLUMN scheduled_at;
ALTER TABLE interviews DROP COLUMN held_at;
