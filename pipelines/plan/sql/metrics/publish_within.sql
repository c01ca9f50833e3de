-- 2.1.3, 5.3.1: every item of a category published within N (working) days of 成文日期.
WITH items AS (
    SELECT t.division, t.year, t.task_code, t.metric, t.description, t.params,
           d.index_no, d.title, d.formed_on, d.published_on,
           CASE WHEN t.params->>'day_kind' = 'working'
                THEN add_working_days(d.formed_on, CAST(t.params->>'limit_days' AS INTEGER))
                ELSE CAST(d.formed_on + CAST(t.params->>'limit_days' AS INTEGER) * INTERVAL 1 DAY AS DATE)
           END AS deadline
    FROM plan_targets t
    LEFT JOIN disclosures d
        ON d.division = t.division AND year(d.published_on) = t.year
       AND d.category = t.params->>'category'
    WHERE t.metric = 'publish_within'
)
SELECT division, year, task_code, metric, description,
       (params->>'category') || '：成文后 ' || (params->>'limit_days')
           || CASE WHEN params->>'day_kind' = 'working' THEN ' 个工作日' ELSE ' 日' END || '内公开' AS target,
       count(*) FILTER (WHERE published_on <= deadline) || '/' || count(index_no) || ' 条按时' AS actual,
       count(index_no)::DOUBLE AS target_value,
       count(*) FILTER (WHERE published_on <= deadline)::DOUBLE AS actual_value,
       count(index_no)::DOUBLE AS actual_base, '条' AS value_unit,
       coalesce(list(index_no || ' ' || left(title, 30) || '（成文 ' || formed_on || '，发布 ' || published_on
                     || '，时限 ' || deadline || '）' ORDER BY index_no)
                FILTER (WHERE published_on > deadline), []) AS shortfalls,
       [count(index_no) || ' 条' || (params->>'category') || '信息'] AS evidence
FROM items
GROUP BY division, year, task_code, metric, description, params
