-- The general rule: items without a category rule of their own published within N working
-- days of 成文日期.
WITH items AS (
    SELECT t.division, t.year, t.task_code, t.metric, t.description, t.params, d.index_no, d.title,
           d.formed_on, d.published_on,
           add_working_days(d.formed_on, CAST(t.params->>'limit_days' AS INTEGER)) AS deadline
    FROM plan_targets t
    LEFT JOIN disclosures d
        ON d.division = t.division AND year(d.published_on) = t.year AND d.timeliness_rule = '*'
    WHERE t.metric = 'disclosure_timeliness'
)
SELECT division, year, task_code, metric, description,
       '成文后 ' || (params->>'limit_days') || ' 个工作日内公开' AS target,
       count(*) FILTER (WHERE published_on <= deadline) || '/' || count(index_no) || ' 条按时' AS actual,
       count(index_no)::DOUBLE AS target_value,
       count(*) FILTER (WHERE published_on <= deadline)::DOUBLE AS actual_value,
       count(index_no)::DOUBLE AS actual_base, '条' AS value_unit,
       coalesce(list(index_no || ' ' || left(title, 30) || '（成文 ' || formed_on || '，发布 ' || published_on || '）'
                     ORDER BY index_no) FILTER (WHERE published_on > deadline), []) AS shortfalls,
       [count(index_no) || ' 条适用一般时限'] AS evidence
FROM items
GROUP BY division, year, task_code, metric, description, params
