-- The plan whose reporting months cover $period in $division (the latest plan if two do).
SELECT p.year, p.title, p.due_day, p.first_period, p.last_period,
       coalesce(d.name, p.division) AS division_name, d.office
FROM plan_reporting p
LEFT JOIN ref_divisions d ON d.division = p.division
WHERE p.division = $division AND $period BETWEEN p.first_period AND p.last_period
ORDER BY p.year DESC
LIMIT 1;
