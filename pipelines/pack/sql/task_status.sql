-- Task × responsible unit of the year's plan, with the task's section and title. A unit is
-- shown as its office today (县自然资源局（原县国土资源局）): one line per office across years.
SELECT s.* REPLACE (coalesce(l.office_label, s.unit) AS unit), t.section, t.title
FROM task_status s
JOIN plan_tasks t USING (division, year, task_code)
LEFT JOIN ref_unit_lineage l ON l.division = s.division AND l.unit = s.unit
WHERE s.division = $division AND s.year = $year;
