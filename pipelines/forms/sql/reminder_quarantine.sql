-- The quarantined rows of accepted returns of $period, first rows first.
SELECT s.unit, q.row_number, q.column_name, q.value_preview, q.reason
FROM return_submissions s
JOIN quarantine q ON q.source = 'returns' AND q.division = s.division AND q.file = s.source_file
WHERE s.division = $division AND s.period = $period AND NOT s.superseded
ORDER BY s.unit, q.row_number;
