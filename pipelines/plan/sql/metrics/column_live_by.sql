-- 2.1.1: the budget column live by a date: items of the category published by then, and the
-- task reported done (with its completion date) by every responsible unit by then.
WITH t AS (SELECT * FROM plan_targets WHERE metric = 'column_live_by'),
items AS (
    SELECT t.division, t.year, t.task_code, count(d.index_no) AS n
    FROM t LEFT JOIN disclosures d
        ON d.division = t.division AND d.category = t.params->>'category'
       AND d.published_on <= CAST(t.params->>'by' AS DATE) AND year(d.published_on) = t.year
    GROUP BY ALL
),
units AS (
    SELECT t.division, t.year, t.task_code,
           list(s.unit || '：' || coalesce(s.status, '未报送') || coalesce('（完成 ' || s.completed_on || '）', ''))
               FILTER (WHERE s.completed_on IS NULL OR s.completed_on > CAST(t.params->>'by' AS DATE))
               AS not_done
    FROM t JOIN task_status s USING (division, year, task_code)
    GROUP BY ALL
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       (t.params->>'by') || ' 前专栏上线（' || (t.params->>'category') || '信息可查）' AS target,
       i.n || ' 条' || (t.params->>'category') || '信息；任务'
           || CASE WHEN len(coalesce(u.not_done, [])) = 0 THEN '已完成' ELSE '未按时完成' END AS actual,
       1::DOUBLE AS target_value, i.n::DOUBLE AS actual_value, NULL::DOUBLE AS actual_base,
       '条' AS value_unit,
       list_concat(CASE WHEN i.n = 0 THEN ['截至 ' || (t.params->>'by') || ' 未见' || (t.params->>'category') || '信息']
                        ELSE []::VARCHAR[] END, coalesce(u.not_done, [])) AS shortfalls,
       [i.n || ' 条' || (t.params->>'category') || '信息于 ' || (t.params->>'by') || ' 前发布'] AS evidence
FROM t
JOIN items i USING (division, year, task_code)
LEFT JOIN units u USING (division, year, task_code)
