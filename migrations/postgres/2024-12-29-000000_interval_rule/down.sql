ALTER TABLE doctors DROP COLUMN clinical_trainee;
ALTER TABLE roster_rows DROP COLUMN interval_rule;
ALTER TABLE timecard_rows DROP COLUMN interval_rule;
