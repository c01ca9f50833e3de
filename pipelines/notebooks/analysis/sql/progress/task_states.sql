-- Every task × responsible unit of the year with the task's section and title and the
-- unit's kind: the rows the leaders' charts take.
SELECT s.*, t.section, t.title, t.title AS task_title, u.kind AS unit_kind
FROM task_status s
JOIN plan_tasks t USING (division, year, task_code)
LEFT JOIN ref_units u USING (division, unit)
WHERE s.division = $division AND s.year = $year
ORDER BY string_split(s.task_code, '.')::INTEGER[], u.unit_order, s.unit;
