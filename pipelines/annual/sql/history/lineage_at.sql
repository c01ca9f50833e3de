-- The records behind one cell as a publication ($at, its published_at) showed them.
SELECT division, year, source, record_id, record_unit, amount
FROM annual_report_sources_history
WHERE division = $division AND year = $year AND unit IS NOT DISTINCT FROM $unit AND template = $template
  AND table_code = $table_code AND row_code = $row_code AND col_code = $col_code
  AND added_at <= $at AND (removed_at IS NULL OR removed_at > $at)
ORDER BY source, record_id, record_unit;
