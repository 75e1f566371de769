DROP TABLE anei_notices;
DROP TABLE monthly_checks;
