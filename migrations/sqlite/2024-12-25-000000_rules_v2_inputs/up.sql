-- The inputs of rule book v2's counting (formats.md, "Additions of rule
-- book v2", C.1–C.3). Every column has a default or is nullable, so the
-- rows stored before stay valid and mean what they meant: a doctor with the
-- hospital's schedule, a fixed statutory holiday and the standard regime,
-- full time here; unconfirmed self-study; external rows of the doctor's main
-- employer (or "(未記入)"), 所定 there.

-- The doctor's profile (rules §2.1, §4.1, §5a.1, §5b.1). Codes as
-- domain::profile writes them; scheduled_days like `mon,tue,wed`,
-- scheduled_end `HH:MM`; NULL = the config's value.
ALTER TABLE doctors ADD COLUMN holiday_period_start DATE;
ALTER TABLE doctors ADD COLUMN scheduled_end TEXT;
ALTER TABLE doctors ADD COLUMN scheduled_days TEXT;
ALTER TABLE doctors ADD COLUMN regime TEXT NOT NULL DEFAULT 'standard';
ALTER TABLE doctors ADD COLUMN variable_period_start DATE;
ALTER TABLE doctors ADD COLUMN variable_period TEXT NOT NULL DEFAULT 'month';
ALTER TABLE doctors ADD COLUMN employment_type TEXT NOT NULL DEFAULT 'full_time';
ALTER TABLE doctors ADD COLUMN main_employer TEXT;
ALTER TABLE doctors ADD COLUMN contract_date DATE;

-- Self-study status and its confirmation (rules §2.3; a confirmation is a
-- new version of the row), the other employer and 所定区分 of an external
-- row (rules §5b.2; employer NULL = blank in the file).
ALTER TABLE timecard_rows ADD COLUMN study_status TEXT NOT NULL DEFAULT 'unconfirmed';
ALTER TABLE timecard_rows ADD COLUMN confirmed_by TEXT;
ALTER TABLE timecard_rows ADD COLUMN confirmed_at TIMESTAMP;
ALTER TABLE timecard_rows ADD COLUMN employer TEXT;
ALTER TABLE timecard_rows ADD COLUMN schedule_class TEXT NOT NULL DEFAULT 'scheduled';
ALTER TABLE roster_rows ADD COLUMN study_status TEXT NOT NULL DEFAULT 'unconfirmed';
ALTER TABLE roster_rows ADD COLUMN confirmed_by TEXT;
ALTER TABLE roster_rows ADD COLUMN confirmed_at TIMESTAMP;
ALTER TABLE roster_rows ADD COLUMN employer TEXT;
ALTER TABLE roster_rows ADD COLUMN schedule_class TEXT NOT NULL DEFAULT 'scheduled';

-- The employers file (formats.md C.3): one row per doctor and employer.
-- dispatched is 0/1, as the other flags of the schema.
CREATE TABLE doctor_employers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    employer TEXT NOT NULL,
    contract_date DATE,
    dispatched INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (doctor_id, employer)
);

-- The roster as it stood at an instant (rules §2.1, §5a.2, readings 10).
-- A roster import replaces, per doctor it names, the dates from the
-- doctor's first to last date in the file. Kept for that:
-- * roster_ranges: per import and doctor, the dates it replaced;
-- * import_batches.published_at: when the roster was published to the
--   doctors (`--published-at`, not after the import); the import's instant
--   is published_at, else imported_at;
-- * roster_rows.superseded_batch_id: the import that withdrew a row, so a
--   row's life is [its batch, the batch that withdrew it). An import id,
--   without a foreign key, as timecard_rows.superseded_batch_id.
-- A row current right after import k, on a date k replaced, is k's plan
-- for that date (rows a re-import leaves unchanged keep their first batch).
ALTER TABLE import_batches ADD COLUMN published_at TIMESTAMP;
ALTER TABLE roster_rows ADD COLUMN superseded_batch_id INTEGER;
CREATE TABLE roster_ranges (
    batch_id INTEGER NOT NULL REFERENCES import_batches (id),
    doctor_id INTEGER NOT NULL REFERENCES doctors (id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    PRIMARY KEY (batch_id, doctor_id)
);
CREATE INDEX roster_ranges_doctor ON roster_ranges (doctor_id, last_day);

-- Rosters imported before this migration: the import that withdrew a row
-- is the roster import made at the very time it was withdrawn (an import
-- withdraws at its own time); each import's range is taken from the dates
-- of the rows it stored or withdrew (a lower bound of the range it
-- replaced, the best that can be known now).
UPDATE roster_rows SET superseded_batch_id = (
    SELECT MIN(b.id) FROM import_batches b
    WHERE b.kind = 'roster' AND b.imported_at = roster_rows.superseded_at
) WHERE superseded_at IS NOT NULL;
INSERT INTO roster_ranges (batch_id, doctor_id, first_day, last_day)
SELECT b, doctor_id, MIN(d), MAX(d) FROM (
    SELECT batch_id AS b, doctor_id, date(start_at) AS d FROM roster_rows WHERE batch_id IS NOT NULL
    UNION ALL
    SELECT superseded_batch_id AS b, doctor_id, date(start_at) AS d FROM roster_rows WHERE superseded_batch_id IS NOT NULL
) AS lived
WHERE b IN (SELECT id FROM import_batches)
GROUP BY b, doctor_id;
