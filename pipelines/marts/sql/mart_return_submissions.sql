-- One row per accepted return file. Due on the plan's reporting day of the following month.
CREATE OR REPLACE TABLE return_submissions AS
WITH f AS (
    SELECT r.*, CAST(strptime(r.period, '%Y-%m') AS DATE) + INTERVAL 1 MONTH AS next_month
    FROM staging.returns_file_rank r
)
SELECT f.division, f.unit, f.period,
       CAST(make_date(year(f.next_month), month(f.next_month),
                      least(p.due_day, day(last_day(f.next_month)))) AS DATE) AS due_on,
       f.submitted_on,
       f.submitted_on <= CAST(make_date(year(f.next_month), month(f.next_month),
                      least(p.due_day, day(last_day(f.next_month)))) AS DATE) AS on_time,
       f.file_rank > 1 AS superseded,
       f.file AS source_file,
       l.rows_loaded, l.rows_quarantined,
       unit_current(f.division, f.unit) AS unit_current
FROM f
LEFT JOIN plan_reporting p
    ON p.division = f.division AND p.year = CAST(left(f.period, 4) AS INTEGER)
LEFT JOIN staging.returns_log l ON l.division = f.division AND l.file = f.file
ORDER BY f.division, f.unit, f.period, f.file_rank DESC;
