-- The frozen result of the first monthly check of each agreement month
-- (rules §19): the staff ids of the doctors expected at ≥ 100 h — an
-- interview case opened for the month by a daily run, or the combined
-- actual 時間外・休日 of the month ≥ 6000 at the check — as a JSON array of
-- strings, their count, and when it was frozen. Later checks never change
-- the row; they report it again beside the same computation on today's data.
CREATE TABLE monthly_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL UNIQUE,
    month_first_day DATE NOT NULL,
    month_last_day DATE NOT NULL,
    expected_100 TEXT NOT NULL,
    expected_100_count INTEGER NOT NULL,
    frozen_at TIMESTAMP NOT NULL
);
