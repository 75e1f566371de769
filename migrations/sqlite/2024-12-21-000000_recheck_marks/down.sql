DROP TABLE recheck_marks;
