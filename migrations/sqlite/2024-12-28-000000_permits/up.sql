-- The 宿日直許可 register (rules §13.1, formats.md R.3): one row per permit,
-- keyed by its permit number. `kind` is 'night' (宿直) or 'day' (日直);
-- `departments` the department names one per line (empty: every
-- department); `band_start` / `band_end` 'HH:MM' (`band_end` may be
-- '24:00'; at or before the start: the next day); `weekdays` 'sun,mon,…'
-- (empty: every day); no occurrence is dated on or after `revoked_on`.
-- A re-import of a permit number updates the row (the audit log keeps the
-- old values).
CREATE TABLE permits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    permit_no TEXT NOT NULL UNIQUE,
    granted_on DATE NOT NULL,
    kind TEXT NOT NULL,
    departments TEXT NOT NULL DEFAULT '',
    band_start TEXT NOT NULL,
    band_end TEXT NOT NULL,
    weekdays TEXT NOT NULL DEFAULT '',
    revoked_on DATE,
    note TEXT,
    updated_at TIMESTAMP NOT NULL
);
