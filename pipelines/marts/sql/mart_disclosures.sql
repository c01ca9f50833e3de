-- One row per item (索引号), with its timeliness judged by the rule for its category
-- (ref_timeliness: a category's own rule, else the general 20-working-day rule).
CREATE OR REPLACE TABLE disclosures AS
WITH first_row AS (
    SELECT DISTINCT ON (division, index_no) *
    FROM disclosure_channels
    ORDER BY division, index_no, published_on, channel
),
items AS (
    SELECT f.division, f.index_no, f.unit, f.title, f.category,
           c.channels, f.formed_on, c.published_on, c.normative, f.doc_no, f.url
    FROM first_row f
    JOIN (SELECT division, index_no, list_sort(list(channel)) AS channels,
                 min(published_on) AS published_on, bool_or(normative) AS normative
          FROM disclosure_channels GROUP BY ALL) c USING (division, index_no)
),
ruled AS (
    SELECT i.*, coalesce(own.category, '*') AS timeliness_rule,
           coalesce(own.clock_from, gen.clock_from) AS clock_from,
           coalesce(own.limit_days, gen.limit_days) AS limit_days,
           coalesce(own.day_kind, gen.day_kind) AS day_kind
    FROM items i
    LEFT JOIN ref_timeliness own ON own.category = i.category
    CROSS JOIN (SELECT * FROM ref_timeliness WHERE category = '*') gen
),
clocked AS (
    SELECT r.*,
           CASE WHEN r.clock_from LIKE 'event:%'
                THEN greatest(r.formed_on, e.event_on) ELSE r.formed_on END AS clock_start_on
    FROM ruled r
    LEFT JOIN ref_events e
        ON r.clock_from LIKE 'event:%' AND e.division = r.division
       AND e.event = substr(r.clock_from, 7) AND e.year = year(r.formed_on)
)
SELECT division, index_no, unit, title, category, channels, formed_on, published_on,
       normative, doc_no, url,
       working_days_between(formed_on, published_on) AS working_days_to_publish,
       timeliness_rule, limit_days, day_kind,
       CASE WHEN day_kind = 'working' THEN add_working_days(clock_start_on, limit_days)
            ELSE CAST(clock_start_on + limit_days * INTERVAL 1 DAY AS DATE) END AS deadline_on,
       published_on <= CASE WHEN day_kind = 'working' THEN add_working_days(clock_start_on, limit_days)
            ELSE CAST(clock_start_on + limit_days * INTERVAL 1 DAY AS DATE) END AS timely,
       unit_current(division, unit) AS unit_current
FROM clocked
ORDER BY division, index_no;
