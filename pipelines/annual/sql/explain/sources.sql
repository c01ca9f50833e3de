-- The lineage of one cell: one row per contributing record.
SELECT *
FROM annual_report_sources
WHERE division = $division AND year = $year AND unit IS NOT DISTINCT FROM $unit
  AND template = $template AND table_code = $table_code AND row_code = $row_code
  AND col_code = $col_code;
