-- Requests received in the year answered within the statutory clock (rules.md).
SELECT t.division, t.year, t.task_code, t.metric, t.description,
       '全部在法定期限内答复' AS target,
       count(r.request_id) FILTER (WHERE r.state IN ('answered_on_time', 'open')) || '/' || count(r.request_id)
           || ' 件按时或未到期' AS actual,
       count(r.request_id)::DOUBLE AS target_value,
       count(r.request_id) FILTER (WHERE r.state IN ('answered_on_time', 'open'))::DOUBLE AS actual_value,
       count(r.request_id)::DOUBLE AS actual_base, '件' AS value_unit,
       coalesce(list(r.request_id || ' ' || r.unit || '：'
                     || CASE r.state WHEN 'answered_late' THEN '逾期答复（' || r.answered_on || '，期限 '
                                                              || r.final_due_on || '）'
                                     ELSE '逾期未答复（期限 ' || r.final_due_on || '）' END
                     ORDER BY r.request_id)
                FILTER (WHERE r.state IN ('answered_late', 'open_overdue')), []) AS shortfalls,
       [count(r.request_id) || ' 件收到'] AS evidence
FROM plan_targets t
LEFT JOIN requests r ON r.division = t.division AND year(r.received_on) = t.year
WHERE t.metric = 'requests_within_clock'
GROUP BY ALL
