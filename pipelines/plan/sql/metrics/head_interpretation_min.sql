-- 3.2: every department head interprets policy at least N times in the year: a press
-- conference, online interview or media interview with the head taking part, or a
-- 政策解读 article published by the unit (the plan's "撰写解读文章").
WITH per_unit AS (
    SELECT tu.division, tu.year, tu.task_code, tu.unit,
           (SELECT count(*) FROM activities a
             WHERE a.division = tu.division AND year(a.activity_date) = tu.year
               -- the office today: a unit renamed during the year counts under either name
               AND unit_current(a.division, a.unit) = unit_current(tu.division, tu.unit)
               AND a.head_attended AND a.activity_type IN ('新闻发布会', '在线访谈', '媒体采访')) AS by_head,
           (SELECT count(*) FROM disclosures d
             WHERE d.division = tu.division AND year(d.published_on) = tu.year
               AND unit_current(d.division, d.unit) = unit_current(tu.division, tu.unit)
               AND d.category = '政策解读') AS articles
    FROM staging.target_units tu
    WHERE tu.metric = 'head_interpretation_min'
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '每个部门不少于 ' || (t.params->>'min_per_unit') || ' 次' AS target,
       count(*) FILTER (WHERE p.by_head + p.articles >= CAST(t.params->>'min_per_unit' AS INTEGER))
           || '/' || count(*) || ' 个部门达标' AS actual,
       count(*)::DOUBLE AS target_value,
       count(*) FILTER (WHERE p.by_head + p.articles >= CAST(t.params->>'min_per_unit' AS INTEGER))::DOUBLE
           AS actual_value,
       count(*)::DOUBLE AS actual_base, '个部门' AS value_unit,
       coalesce(list(p.unit ORDER BY p.unit)
                FILTER (WHERE p.by_head + p.articles < CAST(t.params->>'min_per_unit' AS INTEGER)), [])
           AS shortfalls,
       list(p.unit || '：负责同志出席 ' || p.by_head || ' 次，解读稿 ' || p.articles || ' 篇' ORDER BY p.unit)
           AS evidence
FROM plan_targets t
JOIN per_unit p USING (division, year, task_code)
WHERE t.metric = 'head_interpretation_min'
GROUP BY ALL
