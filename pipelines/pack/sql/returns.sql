-- Each responsible unit × reporting month already due, as the build judged it; a unit is
-- shown as its office today, so a unit renamed during the year keeps one line.
SELECT coalesce(l.office_label, r.unit) AS unit, r.period, r.due_on, r.submitted_on, r.result
FROM return_periods r
LEFT JOIN ref_unit_lineage l ON l.division = r.division AND l.unit = r.unit
WHERE r.division = $division AND r.year = $year
ORDER BY r.period, unit;
