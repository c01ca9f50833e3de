-- 7.1: every unit's openness staff trained by a date: the unit is among the trainees
-- (参加单位) of a training, or held one itself, on or before the date.
WITH per_unit AS (
    SELECT tu.division, tu.year, tu.task_code, tu.unit,
           (SELECT min(a.activity_date) FROM activities a, plan_targets t
             WHERE t.division = tu.division AND t.year = tu.year AND t.task_code IS NOT DISTINCT FROM tu.task_code
               AND t.metric = tu.metric AND a.division = tu.division AND year(a.activity_date) = tu.year
               AND a.activity_type = t.params->>'activity_type'
               -- 参加单位 are named as on the day: compare with the unit's name then
               AND (list_contains(a.units_involved, unit_on(tu.division, tu.unit, a.activity_date))
                    OR unit_current(a.division, a.unit) = unit_current(tu.division, tu.unit))) AS first_trained
    FROM staging.target_units tu
    WHERE tu.metric = 'training_by'
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       (t.params->>'by') || ' 前各单位均完成培训' AS target,
       count(*) FILTER (WHERE p.first_trained <= CAST(t.params->>'by' AS DATE)) || '/' || count(*)
           || ' 个单位按时培训' AS actual,
       count(*)::DOUBLE AS target_value,
       count(*) FILTER (WHERE p.first_trained <= CAST(t.params->>'by' AS DATE))::DOUBLE AS actual_value,
       count(*)::DOUBLE AS actual_base, '个单位' AS value_unit,
       coalesce(list(p.unit || coalesce('（' || p.first_trained || ' 才培训）', '（未培训）') ORDER BY p.unit)
                FILTER (WHERE coalesce(p.first_trained > CAST(t.params->>'by' AS DATE), true)), [])
           AS shortfalls,
       [count(*) || ' 个单位应培训'] AS evidence
FROM plan_targets t
JOIN per_unit p USING (division, year, task_code)
WHERE t.metric = 'training_by'
GROUP BY ALL
