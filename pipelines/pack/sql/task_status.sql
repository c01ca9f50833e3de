-- Task × responsible unit of the year's plan, with the task's section and title.
SELECT s.*, t.section, t.title
FROM task_status s
JOIN plan_tasks t USING (division, year, task_code)
WHERE s.division = $division AND s.year = $year;
