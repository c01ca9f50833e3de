-- The year's quantitative targets as the build measured them: tasks' first, plan-wide last.
SELECT * FROM plan_metrics WHERE division = $division AND year = $year
ORDER BY task_code IS NULL, string_split(task_code, '.')::INTEGER[], metric;
