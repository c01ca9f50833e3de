-- Every task × responsible unit of the year with the task's section and title and the
-- unit's kind: the rows the leaders' charts take.
-- A unit is shown as its office today (县自然资源局（原县国土资源局）).
SELECT s.* REPLACE (coalesce(l.office_label, s.unit) AS unit), t.section, t.title,
       t.title AS task_title, u.kind AS unit_kind
FROM task_status s
JOIN plan_tasks t USING (division, year, task_code)
LEFT JOIN ref_units u USING (division, unit)
LEFT JOIN ref_unit_lineage l ON l.division = s.division AND l.unit = s.unit
WHERE s.division = $division AND s.year = $year
-- units merged since share one office: its line takes the first of them (registry order)
QUALIFY row_number() OVER (PARTITION BY s.task_code, coalesce(l.office_label, s.unit)
                           ORDER BY u.unit_order, s.unit) = 1
ORDER BY string_split(s.task_code, '.')::INTEGER[], u.unit_order, s.unit;
