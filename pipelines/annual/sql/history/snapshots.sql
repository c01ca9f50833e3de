-- A new snapshot of a year's cells (and of its plan metrics) only where something changed
-- since the last publication: an unchanged year keeps pointing at the snapshot it showed.
INSERT INTO annual_report_history BY NAME
SELECT a.*, getvariable('build_id') AS build_id, getvariable('as_of') AS as_of,
       getvariable('published_at') AS published_at
FROM annual_report a
SEMI JOIN (SELECT DISTINCT division, year FROM staging.annual_changes) c USING (division, year);

INSERT INTO plan_metrics_history BY NAME
SELECT m.*, getvariable('build_id') AS build_id, getvariable('as_of') AS as_of,
       getvariable('published_at') AS published_at
FROM plan_metrics m
SEMI JOIN (SELECT DISTINCT division, year FROM staging.plan_metric_changes) c USING (division, year);
