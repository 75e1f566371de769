DROP TABLE monthly_checks;
