-- When an interview was held, to the minute, when it is planned, and what
-- decides whether it is in time (issue 13; rules §8.2–§8.5).
-- `held_at` must be before `reach_100_at`, the minute the actual month
-- reached 100 h (computed from the rows by the daily job and the re-check of
-- changed months). An interview recorded before this migration has only
-- `held_on`, read as held at 24:00 of that day (the protective reading of
-- rules §8.3). `a_level_exception` is the state of rules §8.4 as last
-- judged (not_applicable, none, provisional, established, due_now; NULL
-- until judged). `scheduled_at` is the 予定日時 the physician or HR set; the
-- invitation (.ics) follows it.
ALTER TABLE interviews ADD COLUMN held_at TIMESTAMP;
ALTER TABLE interviews ADD COLUMN scheduled_at TIMESTAMP;
ALTER TABLE interviews ADD COLUMN reach_100_at TIMESTAMP;
ALTER TABLE interviews ADD COLUMN a_level_exception TEXT;
