-- Items per unit × key domain, every registered unit included (0 where none), units in the
-- registry's order.
WITH items AS (
    SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
),
domains AS (
    -- The plan's key domains ($domains, in the plan's order) and where the plan names them.
    SELECT unnest($domains) AS domain, unnest($plan_refs) AS plan_ref,
           unnest(range(len($domains))) AS ord
),
units AS (
    -- the offices of the year's end, labelled with today's name (县自然资源局（原县国土资源局）);
    -- an item counts for the office that carries its unit's work on
    SELECT u.unit, l.unit_current, coalesce(l.office_label, u.unit) AS office, u.kind AS unit_kind,
           u.unit_order AS unit_ord
    FROM ref_units u LEFT JOIN ref_unit_lineage l USING (division, unit)
    WHERE u.division = $division
      AND coalesce(u.valid_from, DATE '1900-01-01') <= make_date($year, 12, 31)
      AND coalesce(u.valid_to, DATE '9999-12-31') >= make_date($year, 12, 31)
)
SELECT u.office AS unit, u.unit_kind, d.domain, count(i.index_no) AS items
FROM units u CROSS JOIN domains d
LEFT JOIN items i ON coalesce(i.unit_current, i.unit) = coalesce(u.unit_current, u.unit)
                 AND i.category = d.domain
GROUP BY u.office, u.unit_kind, u.unit_ord, d.domain, d.ord
ORDER BY u.unit_ord, d.ord;
