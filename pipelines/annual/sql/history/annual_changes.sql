-- Cells this build would publish differently from the last publication: a value that changed,
-- a cell that appeared or one that went. had_previous: the year was published before (a
-- year's first publication changes nothing anyone has seen).
CREATE OR REPLACE TABLE staging.annual_changes AS
WITH old AS (
    SELECT h.*
    FROM annual_report_history h
    JOIN staging.history_previous p
        ON p.division = h.division AND p.year = h.year AND p.annual_build_id = h.build_id
)
SELECT coalesce(n.division, o.division) AS division, coalesce(n.year, o.year) AS year,
       coalesce(n.unit, o.unit) AS unit, coalesce(n.unit_label, o.unit_label) AS unit_label,
       coalesce(n.template, o.template) AS template, coalesce(n.table_code, o.table_code) AS table_code,
       coalesce(n.table_title, o.table_title) AS table_title, coalesce(n.table_order, o.table_order) AS table_order,
       coalesce(n.row_code, o.row_code) AS row_code, coalesce(n.row_order, o.row_order) AS row_order,
       coalesce(n.label, o.label) AS label, coalesce(n.col_code, o.col_code) AS col_code,
       coalesce(n.col_label, o.col_label) AS col_label, coalesce(n.col_group, o.col_group) AS col_group,
       coalesce(n.col_order, o.col_order) AS col_order, coalesce(n.measure_unit, o.measure_unit) AS measure_unit,
       o.value AS old_value, n.value AS new_value,
       o.division IS NULL AS added, n.division IS NULL AS removed,
       p.annual_build_id IS NOT NULL AS had_previous, p.annual_build_id AS previous_build_id
FROM annual_report n
FULL JOIN old o
    ON n.division = o.division AND n.year = o.year AND n.unit IS NOT DISTINCT FROM o.unit
   AND n.template = o.template AND n.table_code = o.table_code AND n.row_code = o.row_code
   AND n.col_code = o.col_code
LEFT JOIN staging.history_previous p
    ON p.division = coalesce(n.division, o.division) AND p.year = coalesce(n.year, o.year)
WHERE n.value IS DISTINCT FROM o.value OR n.division IS NULL OR o.division IS NULL;
