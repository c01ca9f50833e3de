-- Per rule in force: the statutory limit and the working days requests actually took.
WITH received AS (
    SELECT *, rule || '年条例（' || limit_days || '个工作日）' AS rule_label
    FROM requests WHERE division = $division AND year(received_on) = $year
)
SELECT rule_label AS rule, any_value(limit_days) AS limit_days, count(*) AS requests,
       count(*) FILTER (WHERE state = 'answered_on_time') AS answered_on_time,
       count(*) FILTER (WHERE state = 'answered_late') AS answered_late,
       count(*) FILTER (WHERE state = 'open_overdue') AS open_overdue,
       count(*) FILTER (WHERE extended) AS extended,
       median(working_days) FILTER (WHERE answered_on IS NOT NULL) AS median_working_days,
       max(working_days) AS max_working_days
FROM received GROUP BY rule_label ORDER BY rule_label;
