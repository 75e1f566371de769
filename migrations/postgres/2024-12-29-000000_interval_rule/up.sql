-- The inputs of the rest engine (formats.md R.1, R.2; rules §11.1, §11.3,
-- §11.7). Nullable or defaulted, so the rows stored before stay valid and
-- mean what they meant: no special interval rule, not a clinical trainee.

-- interval_rule: `over15` or `c1_24h` (domain::shift::IntervalRule codes);
-- NULL = blank in the file. Used on roster rows; stored and ignored on
-- timecard rows.
ALTER TABLE timecard_rows ADD COLUMN interval_rule TEXT;
ALTER TABLE roster_rows ADD COLUMN interval_rule TEXT;

-- clinical_trainee: true only on a C-1 doctor (R.1: read only with level
-- C-1; false stored for the other levels).
ALTER TABLE doctors ADD COLUMN clinical_trainee BOOLEAN NOT NULL DEFAULT FALSE;
