SELECT *
FROM annual_report
WHERE division = $division AND year = $year AND unit IS NOT DISTINCT FROM $unit
  AND table_code = $table_code AND row_code = $row_code AND col_code = $col_code;
