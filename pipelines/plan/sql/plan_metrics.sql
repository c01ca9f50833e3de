-- plan_metrics: the rows of every rule (the files of sql/metrics/, one per kind of target,
-- filled in below), and for each target whose kind has no rule yet (the parameter known lists
-- those that have one) a row with passed NULL saying which file to write.
--
-- Every rule gives the same shape (docs/marts.md): target_value and actual_value in the
-- target's own unit (value_unit), actual_base when the actual is a part of a whole (440 of
-- 488), and the shortfalls. Whether a target is met and how many shortfalls it has are
-- decided here, once, from the shortfalls: a rule cannot say "met" and list a shortfall.
CREATE OR REPLACE TABLE plan_metrics AS
SELECT division, year, coalesce(task_code || '/', '') || metric AS metric_code, task_code,
       metric, description, target, actual,
       target_value, actual_value, actual_base, value_unit,
       CASE WHEN measured THEN len(shortfalls) = 0 END AS passed,
       CASE WHEN measured THEN len(shortfalls) END AS shortfall_count,
       shortfalls, evidence
FROM (
    SELECT *, true AS measured FROM (${measured})
    UNION ALL BY NAME
    (SELECT division, year, task_code, metric, description, NULL AS target,
            '无此类指标的计算规则（pipelines/plan/sql/metrics/' || metric || '.sql）' AS actual,
            NULL::DOUBLE AS target_value, NULL::DOUBLE AS actual_value, NULL::DOUBLE AS actual_base,
            NULL::VARCHAR AS value_unit, false AS measured,
            []::VARCHAR[] AS shortfalls, []::VARCHAR[] AS evidence
     FROM plan_targets
     WHERE metric NOT IN (SELECT unnest($known::VARCHAR[])))
)
ORDER BY division, year, task_code IS NULL, string_split(task_code, '.')::INTEGER[], metric;
