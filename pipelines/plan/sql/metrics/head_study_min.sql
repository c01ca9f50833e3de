-- 7.1: every unit's head studies and deploys openness work at least N times in the year.
WITH per_unit AS (
    SELECT tu.division, tu.year, tu.task_code, tu.unit, count(a.activity_id) AS n
    FROM staging.target_units tu
    JOIN plan_targets t USING (division, year, task_code, metric)
    LEFT JOIN activities a
        ON a.division = tu.division AND year(a.activity_date) = tu.year
       -- the office today: a unit renamed during the year counts under either name
       AND unit_current(a.division, a.unit) = unit_current(tu.division, tu.unit)
       AND a.activity_type = t.params->>'activity_type'
    WHERE tu.metric = 'head_study_min'
    GROUP BY ALL
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '每个单位不少于 ' || (t.params->>'min_per_unit') || ' 次' AS target,
       count(*) FILTER (WHERE p.n >= CAST(t.params->>'min_per_unit' AS INTEGER)) || '/' || count(*)
           || ' 个单位达标' AS actual,
       count(*)::DOUBLE AS target_value,
       count(*) FILTER (WHERE p.n >= CAST(t.params->>'min_per_unit' AS INTEGER))::DOUBLE AS actual_value,
       count(*)::DOUBLE AS actual_base, '个单位' AS value_unit,
       coalesce(list(p.unit ORDER BY p.unit) FILTER (WHERE p.n < CAST(t.params->>'min_per_unit' AS INTEGER)), [])
           AS shortfalls,
       [count(*) || ' 个单位应研究部署'] AS evidence
FROM plan_targets t
JOIN per_unit p USING (division, year, task_code)
WHERE t.metric = 'head_study_min'
GROUP BY ALL
