-- The cells of a year that differ between two snapshots of annual_report_history ($old may
-- be NULL: then every cell of $new is new): the division's own cells first.
WITH o AS (
    SELECT * FROM annual_report_history WHERE division = $division AND year = $year AND build_id = $old
),
n AS (
    SELECT * FROM annual_report_history WHERE division = $division AND year = $year AND build_id = $new
)
SELECT coalesce(n.unit, o.unit) AS unit, coalesce(n.unit_label, o.unit_label) AS unit_label,
       coalesce(n.template, o.template) AS template, coalesce(n.table_code, o.table_code) AS table_code,
       coalesce(n.table_title, o.table_title) AS table_title, coalesce(n.row_code, o.row_code) AS row_code,
       coalesce(n.label, o.label) AS label, coalesce(n.col_code, o.col_code) AS col_code,
       coalesce(n.col_label, o.col_label) AS col_label, coalesce(n.col_group, o.col_group) AS col_group,
       coalesce(n.measure_unit, o.measure_unit) AS measure_unit,
       o.value AS old_value, n.value AS new_value, o.division IS NULL AS added, n.division IS NULL AS removed
FROM n
FULL JOIN o
    ON n.unit IS NOT DISTINCT FROM o.unit AND n.template = o.template AND n.table_code = o.table_code
   AND n.row_code = o.row_code AND n.col_code = o.col_code
WHERE n.value IS DISTINCT FROM o.value OR n.division IS NULL OR o.division IS NULL
ORDER BY coalesce(n.unit, o.unit) NULLS FIRST, coalesce(n.table_order, o.table_order),
         coalesce(n.row_order, o.row_order), coalesce(n.col_order, o.col_order);
