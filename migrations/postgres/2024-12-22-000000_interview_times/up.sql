-- When an interview was held, to the minute, and when it is planned
-- (issue 13; rules §8.3). `held_at` decides "in time": it must be before the
-- minute the running total reached 100 h. An interview recorded before this
-- migration has only `held_on`, read as held at 24:00 of that day (the
-- protective reading of rules §8.3). `scheduled_at` is the 予定日時 the
-- physician or HR set; the invitation (.ics) follows it.
ALTER TABLE interviews ADD COLUMN held_at TIMESTAMP;
ALTER TABLE interviews ADD COLUMN scheduled_at TIMESTAMP;
