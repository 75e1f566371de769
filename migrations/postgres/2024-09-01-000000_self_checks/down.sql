DROP TABLE self_checks;
