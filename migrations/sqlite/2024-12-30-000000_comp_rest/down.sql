DROP TABLE comp_rest_reasons;
DROP TABLE comp_rest_grants;
