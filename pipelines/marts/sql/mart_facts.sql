-- Yearly figures, one row per unit. A row whose unit is the division itself (the registry
-- resolves its name and 全县 to the division's name) is the division's explicit total:
-- division_total marks it, and the annual tables take it instead of the sum over the units.
CREATE OR REPLACE TABLE facts AS
SELECT f.division, f.year, f.unit, f.indicator, f.value,
       coalesce(f.unit = d.name, false) AS division_total,
       f._file AS source_file, f._row AS source_row, unit_current(f.division, f.unit) AS unit_current
FROM staging.facts_ranked f
LEFT JOIN ref_divisions d ON d.division = f.division
WHERE f.row_state = 'loaded'
ORDER BY f.division, f.year, f.unit, f.indicator;
