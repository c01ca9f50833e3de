-- Items first published in the year, how many on time, by how many units and categories.
WITH items AS (
    SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
)
SELECT count(*) AS items, count(*) FILTER (WHERE timely) AS timely,
       count(*) FILTER (WHERE NOT timely) AS late, count(DISTINCT unit) AS units,
       count(DISTINCT category) AS categories, count(*) FILTER (WHERE normative) AS normative,
       count(*) FILTER (WHERE len(channels) > 1) AS multi_channel
FROM items;
