-- Each key domain of the plan: items, publishing units, timeliness, first and last item.
WITH items AS (
    SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
),
domains AS (
    -- The plan's key domains ($domains, in the plan's order) and where the plan names them.
    SELECT unnest($domains) AS domain, unnest($plan_refs) AS plan_ref,
           unnest(range(len($domains))) AS ord
)
SELECT d.domain, d.plan_ref, count(i.index_no) AS items, count(DISTINCT i.unit) AS units_publishing,
       count(i.index_no) FILTER (WHERE i.timely) / nullif(count(i.index_no), 0) AS on_time_rate,
       min(i.published_on) AS first_published_on, max(i.published_on) AS last_published_on
FROM domains d LEFT JOIN items i ON i.category = d.domain
GROUP BY d.domain, d.plan_ref, d.ord ORDER BY d.ord;
