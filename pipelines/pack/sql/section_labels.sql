-- How the year's plan sections are headed (一、公开透明).
SELECT DISTINCT section, section_label
FROM plan_tasks
WHERE division = $division AND year = $year;
