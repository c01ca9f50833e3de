-- Identities of the annual tables that do not hold. ${cells}: cells (division, unit, year,
-- template, table_code, row_code, col_code, value); ${terms}: the identities, one row per
-- term (ref_annual_identity_terms). An identity over rows is checked in every column, one
-- over columns in every row. A line whose cells are all empty (a header row) is skipped; a
-- term missing or empty while others have figures breaks the identity.
WITH terms AS (
    SELECT *, count(*) OVER (PARTITION BY template, table_code, identity_no) AS n_terms
    FROM ${terms}
),
joined AS (
    SELECT c.division, c.unit, c.year, c.template, c.table_code, t.table_short, t.identity_no,
           t.over, t.op, t.n_terms, t.side, t.pos, t.code, t.code_label, c.value,
           CASE WHEN t.over = 'rows' THEN c.col_code ELSE c.row_code END AS other_code
    FROM terms t
    JOIN ${cells} c
        ON c.template = t.template AND c.table_code = t.table_code
       AND t.code = CASE WHEN t.over = 'rows' THEN c.row_code ELSE c.col_code END
),
sides AS (
    SELECT division, unit, year, template, table_code, table_short, identity_no, over, op,
           other_code, any_value(n_terms) AS n_terms, count(*) AS found, count(value) AS filled,
           coalesce(sum(value) FILTER (WHERE side = 'lhs'), 0) AS lhs_total,
           coalesce(sum(value) FILTER (WHERE side = 'rhs'), 0) AS rhs_total,
           list(code ORDER BY pos) FILTER (WHERE side = 'lhs') AS lhs_codes,
           list(code ORDER BY pos) FILTER (WHERE side = 'rhs') AS rhs_codes,
           list(code_label ORDER BY pos) FILTER (WHERE side = 'lhs') AS lhs_labels,
           list(code_label ORDER BY pos) FILTER (WHERE side = 'rhs') AS rhs_labels,
           list(value ORDER BY pos) FILTER (WHERE side = 'lhs') AS lhs_values,
           list(value ORDER BY pos) FILTER (WHERE side = 'rhs') AS rhs_values
    FROM joined
    GROUP BY division, unit, year, template, table_code, table_short, identity_no, over, op, other_code
)
SELECT s.*,
       coalesce(col.col_label, s.other_code) AS other_label, col.col_group AS other_group,
       CASE WHEN s.found < s.n_terms OR s.filled < s.n_terms THEN 'missing'
            WHEN s.op = '=' AND abs(s.lhs_total - s.rhs_total) > ${tolerance} THEN 'unequal'
            WHEN s.op = '>=' AND s.lhs_total < s.rhs_total - ${tolerance} THEN 'less'
       END AS problem
FROM sides s
LEFT JOIN ${columns} col
    ON s.over = 'rows' AND col.template = s.template AND col.table_code = s.table_code
   AND col.col_code = s.other_code
WHERE s.filled > 0
  AND (s.found < s.n_terms OR s.filled < s.n_terms
       OR (s.op = '=' AND abs(s.lhs_total - s.rhs_total) > ${tolerance})
       OR (s.op = '>=' AND s.lhs_total < s.rhs_total - ${tolerance}))
ORDER BY s.division, s.year, s.unit NULLS FIRST, s.template, s.table_code, s.identity_no, s.other_code;
