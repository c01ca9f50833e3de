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
units AS (SELECT unit, kind AS unit_kind, unit_order AS unit_ord FROM ref_units WHERE division = $division)
SELECT u.unit, u.unit_kind, d.domain, count(i.index_no) AS items
FROM units u CROSS JOIN domains d
LEFT JOIN items i ON i.unit = u.unit AND i.category = d.domain
GROUP BY u.unit, u.unit_kind, u.unit_ord, d.domain, d.ord
ORDER BY u.unit_ord, d.ord;
