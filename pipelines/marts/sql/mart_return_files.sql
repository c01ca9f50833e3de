-- Every return file of the division, accepted or refused whole, with the unit and period read
-- from it where they could be (a file too large or of the wrong type cannot be opened, so
-- neither is known) and when it arrived: the reminder list names refused returns by unit.
CREATE OR REPLACE TABLE return_files AS
SELECT division, file, unit, period, submitted_on,
       error IS NULL AS accepted, error AS refused_reason,
       make_timestamp(CAST(mtime * 1000000 AS BIGINT)) AS arrived_at,
       unit_current(division, unit) AS unit_current
FROM staging.returns_files
ORDER BY division, arrived_at DESC, file;
