-- Requests received in the year (a request belongs to the year of receipt) and where they
-- stand at the build's as-of date.
WITH received AS (
    SELECT * FROM requests WHERE division = $division AND year(received_on) = $year
)
SELECT count(*) AS received,
       count(*) FILTER (WHERE state IN ('answered_on_time', 'answered_late')) AS answered,
       count(*) FILTER (WHERE state = 'answered_on_time') AS answered_on_time,
       count(*) FILTER (WHERE state = 'answered_late') AS answered_late,
       count(*) FILTER (WHERE state = 'open') AS open,
       count(*) FILTER (WHERE state = 'open_overdue') AS open_overdue,
       count(*) FILTER (WHERE extended) AS extended,
       median(working_days) FILTER (WHERE answered_on IS NOT NULL) AS median_working_days
FROM received;
