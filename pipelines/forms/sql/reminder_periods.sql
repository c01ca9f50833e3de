-- Every unit with tasks in $period and how its return came in (return_periods: the period
-- is there once it is due at the build's GONGKAI_AS_OF), with the accepted return, if any.
SELECT p.unit, coalesce(u.kind, '') AS unit_kind, p.due_on, p.submitted_on, p.result,
       s.source_file, coalesce(s.rows_quarantined, 0) AS rows_quarantined
FROM return_periods p
LEFT JOIN ref_units u ON u.division = p.division AND u.unit = p.unit
LEFT JOIN return_submissions s
    ON s.division = p.division AND s.unit = p.unit AND s.period = p.period AND NOT s.superseded
WHERE p.division = $division AND p.period = $period
ORDER BY coalesce(u.kind, '') = '乡镇', p.unit;
