-- Plan metrics this build would publish differently from the last publication (target,
-- measured value, verdict or shortfalls; the evidence line follows them).
CREATE OR REPLACE TABLE staging.plan_metric_changes AS
WITH old AS (
    SELECT h.*
    FROM plan_metrics_history h
    JOIN staging.history_previous p
        ON p.division = h.division AND p.year = h.year AND p.plan_build_id = h.build_id
)
SELECT coalesce(n.division, o.division) AS division, coalesce(n.year, o.year) AS year,
       coalesce(n.metric_code, o.metric_code) AS metric_code, coalesce(n.task_code, o.task_code) AS task_code,
       coalesce(n.description, o.description) AS description,
       o.target AS old_target, n.target AS new_target, o.actual AS old_actual, n.actual AS new_actual,
       o.passed AS old_passed, n.passed AS new_passed,
       o.division IS NULL AS added, n.division IS NULL AS removed,
       p.plan_build_id IS NOT NULL AS had_previous, p.plan_build_id AS previous_build_id
FROM plan_metrics n
FULL JOIN old o ON n.division = o.division AND n.year = o.year AND n.metric_code = o.metric_code
LEFT JOIN staging.history_previous p
    ON p.division = coalesce(n.division, o.division) AND p.year = coalesce(n.year, o.year)
WHERE n.division IS NULL OR o.division IS NULL
   -- what a reader saw: the words, the verdict and the shortfalls (actual_value counted the
   -- shortfalls of some kinds before it became the measured quantity, issue 15; comparing it
   -- would call every such metric changed once after the upgrade)
   OR n.target IS DISTINCT FROM o.target OR n.actual IS DISTINCT FROM o.actual
   OR n.passed IS DISTINCT FROM o.passed
   OR n.shortfalls IS DISTINCT FROM o.shortfalls;
