DROP TABLE pc_review_resolutions;
