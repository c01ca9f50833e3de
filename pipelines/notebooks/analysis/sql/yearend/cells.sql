-- The year's cells for the whole division in the template's order, each with last year's
-- value of the same cell and the difference. Only the same cell compares: same template,
-- table, row and column (the 2019 and 2021 templates do not continue the 2008 one).
SELECT c.template, c.table_code, concat_ws(' ', c.section, c.table_title) AS table_title, c.row_code,
       c.col_code, c.label,
       CASE WHEN c.col_group IS NULL THEN coalesce(c.col_label, c.col_code)
            ELSE c.col_group || '：' || coalesce(c.col_label, c.col_code) END AS col_label,
       c.measure_unit, c.value, p.value AS previous, c.value - p.value AS change
FROM annual_report c
LEFT JOIN annual_report p
    ON p.division = c.division AND p.unit IS NULL AND p.year = c.year - 1
   AND p.template = c.template AND p.table_code = c.table_code
   AND p.row_code = c.row_code AND p.col_code = c.col_code
WHERE c.division = $division AND c.year = $year AND c.unit IS NULL
ORDER BY c.table_order, c.table_code, c.row_order, c.row_code, c.col_order, c.col_code;
