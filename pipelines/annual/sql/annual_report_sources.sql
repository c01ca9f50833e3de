-- Lineage of the annual tables: one row per cell × contributing record. A cell's source
-- (ref_annual_cells) picks the records of its kind placed in the year by its date, and every
-- condition of the cell (ref_annual_conditions) must hold. The division's cell (unit NULL)
-- takes every record that counts for the division, a unit's cell that unit's own records (a
-- record naming the division itself, e.g. a facts total of 中宁县, has no unit's cell).
-- Cell values are sums over this table, so a figure and its records cannot disagree.
CREATE OR REPLACE TABLE annual_report_sources AS
WITH cells AS (
    SELECT y.division, y.year, c.*
    FROM staging.annual_years y
    JOIN ref_annual_cells c ON c.template = y.template AND c.kind = 'data'
),
-- A cell's conditions read only a record's attributes, and a ledger of a million requests has
-- a few hundred distinct attribute sets: judge the conditions once per set (signature), then
-- join the records by it. Judging them per cell × record spilled 13 GB for 1,000,000 requests.
signatures AS (
    SELECT DISTINCT division, year, source, year_by, attrs, CAST(attrs AS VARCHAR) AS signature
    FROM staging.annual_records
),
cell_signatures AS (
    SELECT c.division, c.year, c.template, c.table_code, c.row_code, c.col_code, c.measure, c.scale,
           c.lineage_source, c.source, c.year_by, s.signature
    FROM cells c
    JOIN signatures s
        ON s.division = c.division AND s.year = c.year AND s.source = c.source AND s.year_by = c.year_by
    WHERE NOT EXISTS (
        SELECT 1 FROM ref_annual_conditions k
        WHERE k.template = c.template AND k.table_code = c.table_code
          AND k.row_code = c.row_code AND k.col_code = c.col_code
          AND coalesce(list_contains(k.vals, s.attrs[k.attr]), false) = k.negate
    )
),
matched AS (
    SELECT c.division, c.year, c.template, c.table_code, c.row_code, c.col_code,
           c.lineage_source AS source, r.record_id, r.record_unit, r.for_division, r.whole_division,
           CASE WHEN c.measure = 'count' THEN 1.0 ELSE r.nums[c.measure] * c.scale END AS amount
    FROM cell_signatures c
    JOIN staging.annual_records r
        ON r.division = c.division AND r.year = c.year AND r.source = c.source
       AND r.year_by = c.year_by AND CAST(r.attrs AS VARCHAR) = c.signature
),
-- A sum (fees, trainees) lists only the records that add something to it; a fact reported
-- as 0 is kept, as the record that the unit did report.
kept AS (
    SELECT * FROM matched WHERE amount IS NOT NULL AND (amount <> 0 OR source = 'facts')
),
scoped AS (
    SELECT *, NULL::VARCHAR AS unit FROM kept WHERE for_division
    UNION ALL BY NAME
    -- A unit's table of a year is the unit as named at the year's end: the records of a
    -- unit renamed or merged during the year count in its successor's table (units.csv).
    SELECT *, unit_on(division, record_unit, make_date(year, 12, 31)) AS unit
    FROM kept WHERE NOT whole_division
)
-- An item on two "other" channels is one record of its cell: count it once.
SELECT division, unit, year, template, table_code, row_code, col_code, source,
       record_id, record_unit, max(amount) AS amount
FROM scoped
GROUP BY division, unit, year, template, table_code, row_code, col_code, source, record_id, record_unit
ORDER BY division, year, unit NULLS FIRST, template, table_code, row_code, col_code, source,
         record_unit, record_id;
