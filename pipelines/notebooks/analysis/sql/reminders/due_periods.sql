-- The year's periods whose returns were due at the build's as-of (return_periods holds a
-- period once it is due).
SELECT DISTINCT period
FROM return_periods
WHERE division = $division AND period LIKE CAST($year AS VARCHAR) || '-%'
ORDER BY period;
