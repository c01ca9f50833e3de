-- The units' own rows of indicators the division reported a total of: not counted in the
-- division's cell (the total replaces their sum).
SELECT unit, indicator, value
FROM facts
WHERE division = $division AND year = $year AND list_contains($indicators, indicator) AND NOT division_total
ORDER BY indicator, unit;
