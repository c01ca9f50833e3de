-- Where each cell of one division, year and unit (NULL: the whole division) sits: the map a
-- row or column given on the command line is looked up in.
SELECT DISTINCT table_code, table_order, row_code, row_order, col_code, col_order
FROM annual_report
WHERE division = $division AND year = $year AND unit IS NOT DISTINCT FROM $unit;
