-- 1.1.4: at least N government meetings with invited attendees in the year.
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '不少于 ' || (t.params->>'min_count') || ' 次' AS target,
       count(a.activity_id) || ' 次' AS actual,
       CAST(t.params->>'min_count' AS DOUBLE) AS target_value,
       count(a.activity_id)::DOUBLE AS actual_value, NULL::DOUBLE AS actual_base, '次' AS value_unit,
       CASE WHEN count(a.activity_id) < CAST(t.params->>'min_count' AS INTEGER)
            THEN ['全年仅 ' || count(a.activity_id) || ' 次，差 '
                  || (CAST(t.params->>'min_count' AS INTEGER) - count(a.activity_id)) || ' 次']
            ELSE []::VARCHAR[] END AS shortfalls,
       coalesce(list(strftime(a.activity_date, '%Y-%m-%d') || ' ' || a.title ORDER BY a.activity_date)
                FILTER (WHERE a.activity_id IS NOT NULL), []) AS evidence
FROM plan_targets t
LEFT JOIN activities a
    ON a.division = t.division AND year(a.activity_date) = t.year
   AND a.activity_type = t.params->>'activity_type'
WHERE t.metric = 'open_meetings_min'
GROUP BY t.division, t.year, t.task_code, t.metric, t.description, t.params
