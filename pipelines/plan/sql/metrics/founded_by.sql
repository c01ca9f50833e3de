-- 6.4: the county gazette founded by a date: its first item on that channel.
WITH first_item AS (
    SELECT t.division, t.year, t.task_code, t.metric, t.description, t.params,
           min(c.published_on) AS first_on, count(DISTINCT c.index_no) AS n,
           count(DISTINCT c.index_no) FILTER (WHERE c.published_on <= CAST(t.params->>'by' AS DATE)) AS n_by
    FROM plan_targets t
    LEFT JOIN disclosure_channels c
        ON c.division = t.division AND c.channel = t.params->>'channel' AND year(c.published_on) = t.year
    WHERE t.metric = 'founded_by'
    GROUP BY ALL
)
SELECT division, year, task_code, metric, description,
       (params->>'by') || ' 前创办' || (params->>'channel') AS target,
       coalesce('首期 ' || first_on || '，全年 ' || n || ' 条', '未见' || (params->>'channel') || '发布记录') AS actual,
       -- founded by the date: at least one item on the channel by then
       1::DOUBLE AS target_value, n_by::DOUBLE AS actual_value, NULL::DOUBLE AS actual_base,
       '条' AS value_unit,
       CASE WHEN first_on IS NULL THEN ['年内未见' || (params->>'channel') || '发布的信息']
            WHEN first_on > CAST(params->>'by' AS DATE)
            THEN ['首期于 ' || first_on || '，晚于 ' || (params->>'by')]
            ELSE []::VARCHAR[] END AS shortfalls,
       ['首期 ' || coalesce(CAST(first_on AS VARCHAR), '无')] AS evidence
FROM first_item
