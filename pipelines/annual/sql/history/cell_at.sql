-- One cell as a snapshot of annual_report_history holds it.
SELECT value
FROM annual_report_history
WHERE division = $division AND year = $year AND unit IS NOT DISTINCT FROM $unit AND template = $template
  AND table_code = $table_code AND row_code = $row_code AND col_code = $col_code AND build_id = $build;
