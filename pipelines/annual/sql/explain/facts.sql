-- A cell's yearly figures, one per reporting unit (a division_total row: the division's own).
SELECT s.record_id, s.amount, s.record_unit AS unit, f.value, coalesce(f.division_total, false) AS division_total,
       f.source_file, f.source_row
FROM ${sources} s
LEFT JOIN facts f ON f.division = s.division AND f.year = s.year AND f.unit = s.record_unit
     AND f.indicator = s.record_id
WHERE s.source = 'facts'
ORDER BY s.record_unit;
