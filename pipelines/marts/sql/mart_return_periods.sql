-- Every responsible unit × reporting month of a plan already due at GONGKAI_AS_OF, and how its
-- return came in: the first file's date against the due date (a resubmission does not make a
-- late return on time; a return without a date counts as late). Due on the plan's reporting
-- day of the following month, as in return_submissions.
CREATE OR REPLACE TABLE return_periods AS
WITH months AS (
    SELECT p.division, p.year, p.due_day, strftime(m, '%Y-%m') AS period,
           m + INTERVAL 1 MONTH AS next_month
    FROM plan_reporting p,
         generate_series(CAST(strptime(p.first_period, '%Y-%m') AS DATE),
                         CAST(strptime(p.last_period, '%Y-%m') AS DATE), INTERVAL 1 MONTH) AS g(m)
),
periods AS (
    SELECT division, year, period,
           CAST(make_date(year(next_month), month(next_month),
                          least(due_day, day(last_day(next_month)))) AS DATE) AS due_on
    FROM months
),
expected AS (
    -- The unit due to report a month is the assigned unit as named then: a plan's task of
    -- 县国土资源局 is reported by 县自然资源局 after the 2019 rename (unit_on).
    SELECT DISTINCT p.division, p.year, p.period, p.due_on,
           unit_on(p.division, u.unit, last_day(CAST(strptime(p.period, '%Y-%m') AS DATE))) AS unit
    FROM periods p
    JOIN (SELECT DISTINCT division, year, unit FROM plan_task_units) u
        ON u.division = p.division AND u.year = p.year
),
first_return AS (
    SELECT division, period,
           unit_on(division, unit, last_day(CAST(strptime(period, '%Y-%m') AS DATE))) AS unit,
           min(submitted_on) AS submitted_on
    FROM return_submissions
    GROUP BY ALL
)
SELECT p.division, p.year, p.unit, p.period, p.due_on, f.submitted_on,
       CASE WHEN f.period IS NULL THEN 'missing'
            WHEN f.submitted_on IS NULL OR f.submitted_on > p.due_on THEN 'late'
            ELSE 'on_time' END AS result,
       unit_current(p.division, p.unit) AS unit_current
FROM expected p
LEFT JOIN first_return f ON f.division = p.division AND f.unit = p.unit AND f.period = p.period
WHERE p.due_on < getvariable('as_of')
ORDER BY p.division, p.year, p.period, p.unit;
