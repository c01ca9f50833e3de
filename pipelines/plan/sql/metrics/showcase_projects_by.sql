-- 2.2.2: every responsible department publishes at least N showcase items of the category
-- by the date.
WITH counts AS (
    SELECT tu.division, tu.year, tu.task_code, tu.unit, count(d.index_no) AS n
    FROM staging.target_units tu
    JOIN plan_targets t USING (division, year, task_code, metric)
    LEFT JOIN disclosures d
        ON d.division = tu.division
       -- the office today: a unit renamed during the year counts under either name
       AND unit_current(d.division, d.unit) = unit_current(tu.division, tu.unit) AND d.category = t.params->>'category'
       AND d.published_on <= CAST(t.params->>'by' AS DATE) AND year(d.published_on) = tu.year
    WHERE tu.metric = 'showcase_projects_by'
    GROUP BY ALL
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '每个责任单位 ' || (t.params->>'by') || ' 前至少 ' || (t.params->>'min_per_unit') || ' 个示范项目信息' AS target,
       count(*) FILTER (WHERE c.n >= CAST(t.params->>'min_per_unit' AS INTEGER)) || '/' || count(*) || ' 个单位达标' AS actual,
       count(*)::DOUBLE AS target_value,
       count(*) FILTER (WHERE c.n >= CAST(t.params->>'min_per_unit' AS INTEGER))::DOUBLE AS actual_value,
       count(*)::DOUBLE AS actual_base, '个单位' AS value_unit,
       coalesce(list(c.unit ORDER BY c.unit) FILTER (WHERE c.n < CAST(t.params->>'min_per_unit' AS INTEGER)), [])
           AS shortfalls,
       list(c.unit || ' ' || c.n || ' 条' ORDER BY c.unit) AS evidence
FROM plan_targets t
JOIN counts c USING (division, year, task_code)
WHERE t.metric = 'showcase_projects_by'
GROUP BY ALL
