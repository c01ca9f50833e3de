-- Month by month: pairs due so far, done so far, and due but not yet done. Only pairs with a
-- fixed deadline count (a task without one cannot be late); a pair is done in the month of
-- its completed_on.
WITH months AS (
    SELECT m AS month, last_day(make_date($year, m, 1)) AS month_end FROM range(1, 13) r(m)
),
pairs AS (
    SELECT due_on, completed_on FROM task_status
    WHERE division = $division AND year = $year AND due_on IS NOT NULL AND state <> 'not_applicable'
)
SELECT month || '月' AS month_label,
       count(p.due_on) FILTER (WHERE p.due_on <= month_end) AS due_cum,
       count(p.due_on) FILTER (WHERE p.completed_on <= month_end) AS done_cum,
       count(p.due_on) FILTER (
           WHERE p.due_on <= month_end AND (p.completed_on IS NULL OR p.completed_on > month_end))
           AS open_due
FROM months LEFT JOIN pairs p ON true
GROUP BY month ORDER BY month;
