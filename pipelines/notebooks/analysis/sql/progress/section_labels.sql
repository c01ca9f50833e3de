-- How the year's plan sections are headed (一、公开透明), from the catalogue in the marts.
SELECT DISTINCT section, section_label
FROM plan_tasks
WHERE division = $division AND year = $year;
