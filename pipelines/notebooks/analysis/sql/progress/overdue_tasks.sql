-- Pairs overdue (not done after their deadline), then pairs done late, most urgent first.
SELECT s.state, s.task_code, t.title AS task_title, s.unit, s.due_on, s.status, s.last_period,
       s.completed_on,
       CASE WHEN s.state = 'done_late' THEN s.completed_on - s.due_on END AS days_late
FROM task_status s
JOIN plan_tasks t USING (division, year, task_code)
WHERE s.division = $division AND s.year = $year AND s.state IN ('overdue', 'done_late')
ORDER BY s.state = 'done_late', s.due_on, string_split(s.task_code, '.')::INTEGER[], s.unit;
