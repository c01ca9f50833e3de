-- Report years of each division, with the template in force (ref_templates). A year is in
-- if any record falls in it (a request received or answered by GONGKAI_AS_OF, an item
-- published, an activity held, a case brought, a fact reported), and so is every year a
-- request is carried into (still unanswered on 1 January), up to the last year seen.
CREATE OR REPLACE TABLE staging.annual_years AS
WITH requests_as_of AS (
    SELECT division, received_on,
           CASE WHEN answered_on <= getvariable('as_of') THEN answered_on END AS answered_on
    FROM requests
),
seen AS (
    SELECT division, year(received_on) AS year FROM requests_as_of
    UNION SELECT division, year(answered_on) FROM requests_as_of
    UNION SELECT division, year(published_on) FROM disclosure_channels
    UNION SELECT division, year(activity_date) FROM activities
    UNION SELECT division, year(received_on) FROM appeals
    UNION SELECT division, year FROM facts
),
last_seen AS (
    SELECT division, max(year) AS last_year FROM seen GROUP BY division
),
carried AS (
    SELECT r.division,
           unnest(range(year(r.received_on) + 1, coalesce(year(r.answered_on), l.last_year) + 1)) AS year
    FROM requests_as_of r
    JOIN last_seen l USING (division)
),
years AS (
    SELECT division, year FROM seen WHERE year IS NOT NULL
    UNION
    SELECT division, year FROM carried
)
SELECT y.division, CAST(y.year AS INTEGER) AS year, t.template
FROM years y
JOIN ref_templates t ON y.year BETWEEN coalesce(t.first_year, 0) AND coalesce(t.last_year, 9999)
ORDER BY y.division, y.year;
