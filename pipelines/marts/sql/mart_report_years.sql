-- The years readers report on, per division: every plan's year and every year of the annual
-- tables (an item published on 3 January opens no report of its own). The template in force
-- is the one the annual tables were built in, else the one templates.csv assigns to the year.
CREATE OR REPLACE TABLE report_years AS
WITH plans AS (
    SELECT DISTINCT division, year FROM plan_tasks
),
annual AS (
    SELECT division, year, min(template) AS template
    FROM annual_report
    WHERE unit IS NULL
    GROUP BY ALL
),
years AS (
    SELECT division, year FROM plans
    UNION
    SELECT division, year FROM annual
),
chosen AS (
    SELECT y.division, CAST(y.year AS INTEGER) AS year,
           coalesce(a.template, (
               SELECT r.template FROM ref_templates r
               WHERE coalesce(r.first_year, 0) <= y.year AND y.year <= coalesce(r.last_year, 9999)
               ORDER BY r.first_year DESC NULLS LAST
               LIMIT 1)) AS template,
           p.year IS NOT NULL AS has_plan,
           a.year IS NOT NULL AS has_annual
    FROM years y
    LEFT JOIN plans p ON p.division = y.division AND p.year = y.year
    LEFT JOIN annual a ON a.division = y.division AND a.year = y.year
    WHERE y.division IS NOT NULL AND y.year IS NOT NULL
)
SELECT c.division, c.year, c.template,
       CASE WHEN c.template IS NULL THEN NULL
            WHEN t.template IS NULL THEN c.template || ' 年模板'
            WHEN coalesce(t.basis, '') <> '' THEN t.name || '（' || t.basis || '）'
            ELSE t.name END AS template_name,
       c.has_plan, c.has_annual
FROM chosen c
LEFT JOIN ref_templates t ON t.template = c.template
ORDER BY c.division, c.year;
