-- Items, publishing units and timeliness per category, largest first.
WITH items AS (
    SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
)
SELECT category, count(*) AS items, count(DISTINCT unit) AS units_publishing,
       count(*) FILTER (WHERE timely) AS timely, count(*) FILTER (WHERE NOT timely) AS late,
       count(*) FILTER (WHERE timely) / count(*) AS on_time_rate
FROM items GROUP BY category ORDER BY items DESC, category;
