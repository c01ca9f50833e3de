-- Monthly returns in on time from every responsible unit, for every period already due: the
-- build's verdict per unit × month is the return_periods mart.
WITH t AS (SELECT * FROM plan_targets WHERE metric = 'returns_on_time'),
judged AS (
    SELECT division, year, unit, period,
           CASE WHEN result = 'missing' THEN '未报送'
                WHEN submitted_on IS NULL THEN '报送日期不详'
                WHEN result = 'late' THEN '迟报（' || submitted_on || '，截止 ' || due_on || '）'
           END AS problem
    FROM return_periods
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '每月 ' || (SELECT due_day FROM plan_reporting r WHERE r.division = t.division AND r.year = t.year)
           || ' 日前报送上月进展' AS target,
       count(j.unit) FILTER (WHERE j.problem IS NULL) || '/' || count(j.unit) || ' 份按时' AS actual,
       count(j.unit)::DOUBLE AS target_value,
       count(j.unit) FILTER (WHERE j.problem IS NULL)::DOUBLE AS actual_value,
       count(j.unit)::DOUBLE AS actual_base, '份' AS value_unit,
       coalesce(list(j.unit || ' ' || j.period || ' ' || j.problem ORDER BY j.period, j.unit)
                FILTER (WHERE j.problem IS NOT NULL), []) AS shortfalls,
       [count(j.unit) || ' 份应报'] AS evidence
FROM t
LEFT JOIN judged j USING (division, year)
GROUP BY ALL
