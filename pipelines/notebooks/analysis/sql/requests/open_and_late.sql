-- Requests still open, and requests answered late: overdue ones first, then by deadline.
WITH received AS (
    SELECT *, rule || '年条例（' || limit_days || '个工作日）' AS rule_label
    FROM requests WHERE division = $division AND year(received_on) = $year
)
SELECT state, request_id, unit, received_on, rule_label AS rule, clock_start_on, due_on,
       extended, final_due_on, answered_on, working_days, outcome
FROM received
WHERE state IN ('open', 'open_overdue', 'answered_late')
ORDER BY CASE state WHEN 'open_overdue' THEN 0 WHEN 'answered_late' THEN 1 ELSE 2 END,
         final_due_on, request_id;
