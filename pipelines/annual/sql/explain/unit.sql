-- A unit named by its canonical name or an alias of the registry, else by the name the
-- annual tables carry (a unit since dropped from the registry).
SELECT unit FROM (
    SELECT unit, 0 AS ord FROM ref_units
    WHERE division = $division AND (unit = $unit OR list_contains(aliases, $unit))
    UNION ALL
    SELECT DISTINCT unit, 1 AS ord FROM annual_report
    WHERE division = $division AND unit = $unit
)
ORDER BY ord
LIMIT 1;
