-- Each responsible unit × reporting month already due, as the build judged it.
SELECT unit, period, due_on, submitted_on, result
FROM return_periods
WHERE division = $division AND year = $year
ORDER BY period, unit;
