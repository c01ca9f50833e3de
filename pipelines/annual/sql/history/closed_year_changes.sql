-- Published cells of a closed year (as-of after 31 January of the next year) this build
-- changes: the division's own cells first, then by table, row and column.
SELECT division, year, unit_label, table_code, row_code, label, col_code, col_label, old_value, new_value,
       added, removed, previous_build_id
FROM staging.annual_changes
WHERE had_previous AND getvariable('as_of') > make_date(year + 1, 1, 31)
ORDER BY division, year, unit NULLS FIRST, unit, table_order, row_order, col_order;
