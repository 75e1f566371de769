-- How far the re-check of changed months has read (issue 13): every month
-- whose data an import batch or a discrepancy resolution changed is
-- recomputed and its interviews and measures cases opened, late data
-- included. `source` is the table read ('import_batches',
-- 'discrepancy_resolutions'), `last_id` the newest of its ids whose months
-- were re-checked. A missing row reads as 0: on the first run every month
-- with data inside the retention is checked.
CREATE TABLE recheck_marks (
    source TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL,
    checked_at TIMESTAMP NOT NULL
);
