-- The plan metrics of a year that differ between two snapshots of plan_metrics_history.
WITH o AS (
    SELECT * FROM plan_metrics_history WHERE division = $division AND year = $year AND build_id = $old
),
n AS (
    SELECT * FROM plan_metrics_history WHERE division = $division AND year = $year AND build_id = $new
)
SELECT coalesce(n.metric_code, o.metric_code) AS metric_code, coalesce(n.task_code, o.task_code) AS task_code,
       coalesce(n.description, o.description) AS description,
       o.actual AS old_actual, n.actual AS new_actual, o.passed AS old_passed, n.passed AS new_passed,
       o.division IS NULL AS added, n.division IS NULL AS removed
FROM n
FULL JOIN o ON n.metric_code = o.metric_code
WHERE n.division IS NULL OR o.division IS NULL
   -- what a reader saw: the words, the verdict and the shortfalls (actual_value counted the
   -- shortfalls of some kinds before it became the measured quantity, issue 15; comparing it
   -- would call every such metric changed once after the upgrade)
   OR n.target IS DISTINCT FROM o.target OR n.actual IS DISTINCT FROM o.actual
   OR n.passed IS DISTINCT FROM o.passed
   OR n.shortfalls IS DISTINCT FROM o.shortfalls
ORDER BY coalesce(n.task_code, o.task_code) IS NULL, coalesce(n.metric_code, o.metric_code);
