-- One row per publication and year: the snapshots it shows (this build's where the year
-- changed, else the one shown before; NULL where the year has no cells or metrics now) and
-- how many cells and metrics changed. A publication with unchanged figures is this row alone.
INSERT INTO figure_publications BY NAME
WITH years AS (
    SELECT DISTINCT division, year FROM annual_report
    UNION SELECT DISTINCT division, year FROM plan_metrics
    UNION SELECT division, year FROM staging.history_previous
),
annual_now AS (SELECT DISTINCT division, year FROM annual_report),
plan_now AS (SELECT DISTINCT division, year FROM plan_metrics),
annual_changed AS (SELECT division, year, count(*) AS n FROM staging.annual_changes GROUP BY ALL),
plan_changed AS (SELECT division, year, count(*) AS n FROM staging.plan_metric_changes GROUP BY ALL)
SELECT y.division, CAST(y.year AS INTEGER) AS year, getvariable('build_id') AS build_id,
       getvariable('as_of') AS as_of, getvariable('published_at') AS published_at,
       CASE WHEN an.year IS NULL THEN NULL WHEN ac.year IS NOT NULL THEN getvariable('build_id')
            ELSE p.annual_build_id END AS annual_build_id,
       p.annual_build_id AS annual_previous_build_id,
       coalesce(ac.n, 0) AS annual_cells_changed,
       CASE WHEN pn.year IS NULL THEN NULL WHEN pc.year IS NOT NULL THEN getvariable('build_id')
            ELSE p.plan_build_id END AS plan_build_id,
       p.plan_build_id AS plan_previous_build_id,
       coalesce(pc.n, 0) AS plan_metrics_changed
FROM years y
LEFT JOIN annual_now an USING (division, year)
LEFT JOIN plan_now pn USING (division, year)
LEFT JOIN annual_changed ac USING (division, year)
LEFT JOIN plan_changed pc USING (division, year)
LEFT JOIN staging.history_previous p USING (division, year)
ORDER BY y.division, y.year;
