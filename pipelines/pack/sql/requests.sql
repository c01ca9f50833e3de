-- Requests of the year: a request belongs to the year it was received in. The limits are
-- BIGINT, like working_days beside them in the charts (and as the charts have always held them).
SELECT * REPLACE (CAST(limit_days AS BIGINT) AS limit_days,
                  CAST(final_limit_days AS BIGINT) AS final_limit_days)
FROM requests
WHERE division = $division AND year(received_on) = $year;
