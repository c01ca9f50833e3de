-- Every task × unit whose deadline has passed (at GONGKAI_AS_OF) reported done on time, with
-- an evidence link.
WITH due AS (
    SELECT s.*
    FROM task_status s
    WHERE s.past_due AND s.state <> 'not_applicable'
)
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '到期任务均按时完成并附佐证' AS target,
       count(d.task_code) FILTER (WHERE d.state = 'done_on_time' AND d.evidence_url IS NOT NULL)
           || '/' || count(d.task_code) || ' 项（任务×单位）达标' AS actual,
       count(d.task_code)::DOUBLE AS target_value,
       count(d.task_code) FILTER (WHERE d.state = 'done_on_time' AND d.evidence_url IS NOT NULL)::DOUBLE
           AS actual_value,
       count(d.task_code)::DOUBLE AS actual_base, '项' AS value_unit,
       coalesce(list(d.task_code || ' ' || d.unit || '：'
                     || CASE d.state WHEN 'overdue' THEN '逾期未完成'
                                     WHEN 'done_late' THEN '逾期完成（' || d.completed_on || '）'
                                     ELSE '完成但无佐证链接' END
                     ORDER BY string_split(d.task_code, '.')::INTEGER[], d.unit)
                -- a plan with nothing due yet joins one empty row: it is no shortfall
                FILTER (WHERE d.task_code IS NOT NULL
                          AND NOT (d.state = 'done_on_time' AND d.evidence_url IS NOT NULL)), [])
           AS shortfalls,
       [count(d.task_code) || ' 项到期'] AS evidence
FROM plan_targets t
LEFT JOIN due d ON d.division = t.division AND d.year = t.year
WHERE t.metric = 'tasks_done_by_deadline'
GROUP BY ALL
