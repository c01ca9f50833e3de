-- 2.1.1, 5.3.1: a county-wide inspection (专项检查 whose title names the field) held by a date.
WITH held AS (
    SELECT t.division, t.year, t.task_code, t.metric, t.description, t.params,
           min(a.activity_date) AS first_on,
           count(a.activity_id) FILTER (WHERE a.activity_date <= CAST(t.params->>'by' AS DATE)) AS n_by,
           list(strftime(a.activity_date, '%Y-%m-%d') || ' ' || a.title ORDER BY a.activity_date)
               FILTER (WHERE a.activity_id IS NOT NULL) AS evidence
    FROM plan_targets t
    LEFT JOIN activities a
        ON a.division = t.division AND year(a.activity_date) = t.year
       AND a.activity_type = t.params->>'activity_type'
       AND contains(a.title, t.params->>'keyword')
    WHERE t.metric = 'inspection_by'
    GROUP BY ALL
)
SELECT division, year, task_code, metric, description,
       (params->>'by') || ' 前开展' || (params->>'keyword') || '专项检查' AS target,
       coalesce(strftime(first_on, '%Y-%m-%d') || ' 开展', '未开展') AS actual,
       -- held by the date: at least one such inspection by then
       1::DOUBLE AS target_value, n_by::DOUBLE AS actual_value, NULL::DOUBLE AS actual_base,
       '次' AS value_unit,
       CASE WHEN first_on IS NULL THEN ['年内未见' || (params->>'keyword') || '专项检查记录']
            WHEN first_on > CAST(params->>'by' AS DATE)
            THEN ['于 ' || first_on || ' 开展，晚于 ' || (params->>'by')]
            ELSE []::VARCHAR[] END AS shortfalls,
       coalesce(evidence, []) AS evidence
FROM held
