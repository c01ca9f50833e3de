-- Units with tasks in each due period of the year.
SELECT period, count(DISTINCT unit) AS units_due
FROM return_periods
WHERE division = $division AND period LIKE CAST($year AS VARCHAR) || '-%'
GROUP BY period
ORDER BY period;
