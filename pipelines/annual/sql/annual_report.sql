-- Every cell of every table, for the division (unit NULL) and each of its units, in every
-- report year with the template in force. A data cell's value is the sum of its lineage
-- (annual_report_sources), 0 without any; header rows and cells no input holds are NULL.
CREATE OR REPLACE TABLE annual_report AS
WITH division_units AS (
    -- each year's units are those in force at the year's end (a unit renamed during the
    -- year has one table, under its new name), and any unit a record names that year
    SELECT y.division, y.year, u.unit
    FROM staging.annual_years y
    JOIN ref_units u USING (division)
    WHERE coalesce(u.valid_from, DATE '1900-01-01') <= make_date(y.year, 12, 31)
      AND coalesce(u.valid_to, DATE '9999-12-31') >= make_date(y.year, 12, 31)
    UNION
    SELECT division, year, unit FROM annual_report_sources WHERE unit IS NOT NULL
),
tables_of AS (
    SELECT y.division, y.year, y.template, NULL::VARCHAR AS unit FROM staging.annual_years y
    UNION ALL
    SELECT y.division, y.year, y.template, u.unit
    FROM staging.annual_years y
    JOIN division_units u USING (division, year)
),
cell_values AS (
    SELECT division, unit, year, template, table_code, row_code, col_code,
           sum(amount) AS value, count(*) AS records
    FROM annual_report_sources
    GROUP BY ALL
)
SELECT o.division, o.unit, coalesce(o.unit, d.whole_label, '全' || o.division) AS unit_label,
       o.year, o.template, t.table_code, t.table_title, t.table_short, t.section, t.table_order,
       r.row_code, r.row_order, r.parent_code, r.level, r.label,
       c.col_code, c.col_label, c.col_group, c.col_order,
       CASE WHEN cell.kind = 'data' THEN coalesce(v.value, 0) END AS value,
       cell.measure_unit, cell.kind, coalesce(v.records, 0) AS records, cell.note,
       unit_current(o.division, o.unit) AS unit_current
FROM tables_of o
JOIN ref_annual_tables t ON t.template = o.template
JOIN ref_annual_rows r ON r.template = t.template AND r.table_code = t.table_code
JOIN ref_annual_columns c ON c.template = t.template AND c.table_code = t.table_code
JOIN ref_annual_cells cell
    ON cell.template = t.template AND cell.table_code = t.table_code
   AND cell.row_code = r.row_code AND cell.col_code = c.col_code
LEFT JOIN ref_divisions d ON d.division = o.division
LEFT JOIN cell_values v
    ON v.division = o.division AND v.unit IS NOT DISTINCT FROM o.unit AND v.year = o.year
   AND v.template = o.template AND v.table_code = t.table_code
   AND v.row_code = r.row_code AND v.col_code = c.col_code
ORDER BY o.division, o.year, o.unit NULLS FIRST, t.table_order, r.row_order, c.col_order;
