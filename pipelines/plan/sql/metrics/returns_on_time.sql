-- Monthly returns in on time from every responsible unit, for every period already due.
WITH t AS (SELECT * FROM plan_targets WHERE metric = 'returns_on_time'),
periods AS (
    SELECT t.division, t.year, strftime(m, '%Y-%m') AS period,
           CAST(make_date(year(m + INTERVAL 1 MONTH), month(m + INTERVAL 1 MONTH), p.due_day) AS DATE) AS due_on
    FROM t
    JOIN plan_reporting p USING (division, year),
         generate_series(CAST(strptime(p.first_period, '%Y-%m') AS DATE),
                         CAST(strptime(p.last_period, '%Y-%m') AS DATE), INTERVAL 1 MONTH) AS g(m)
),
expected AS (
    SELECT DISTINCT p.division, p.year, p.period, p.due_on, u.unit
    FROM periods p JOIN plan_task_units u USING (division, year)
    WHERE p.due_on < getvariable('as_of')
),
first_return AS (
    SELECT division, unit, period, min(submitted_on) AS submitted_on
    FROM return_submissions GROUP BY ALL
),
judged AS (
    SELECT e.*, f.submitted_on,
           CASE WHEN f.period IS NULL THEN '未报送'
                WHEN f.submitted_on IS NULL THEN '报送日期不详'
                WHEN f.submitted_on > e.due_on THEN '迟报（' || f.submitted_on || '，截止 ' || e.due_on || '）'
           END AS problem
    FROM expected e
    LEFT JOIN first_return f USING (division, unit, period)
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '每月 ' || (SELECT due_day FROM plan_reporting r WHERE r.division = t.division AND r.year = t.year)
           || ' 日前报送上月进展' AS target,
       count(j.unit) FILTER (WHERE j.problem IS NULL) || '/' || count(j.unit) || ' 份按时' AS actual,
       count(j.unit) FILTER (WHERE j.problem IS NOT NULL)::DOUBLE AS actual_value,
       count(j.unit) FILTER (WHERE j.problem IS NOT NULL) = 0 AS passed,
       coalesce(list(j.unit || ' ' || j.period || ' ' || j.problem ORDER BY j.period, j.unit)
                FILTER (WHERE j.problem IS NOT NULL), []) AS shortfalls,
       [count(j.unit) || ' 份应报'] AS evidence
FROM t
LEFT JOIN judged j USING (division, year)
GROUP BY ALL
