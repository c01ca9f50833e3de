-- Task × unit pairs of the year: a unit that reported a task 不适用 counts in no rate.
SELECT (SELECT count(*) FROM plan_tasks WHERE division = $division AND year = $year) AS tasks,
       count(DISTINCT unit) AS units,
       count(*) FILTER (WHERE state <> 'not_applicable') AS pairs,
       count(*) FILTER (WHERE due_on IS NOT NULL AND state <> 'not_applicable') AS with_deadline,
       count(*) FILTER (WHERE state = 'done_on_time') AS done_on_time,
       count(*) FILTER (WHERE state = 'done_late') AS done_late,
       count(*) FILTER (WHERE state = 'overdue') AS overdue,
       count(*) FILTER (WHERE state IN ('in_progress', 'not_due')) AS not_yet_due
FROM task_status
WHERE division = $division AND year = $year;
