-- plan_metrics: the rows of every rule (the files of sql/metrics/, one per kind of target,
-- filled in below), and for each target whose kind has no rule yet (the parameter known lists
-- those that have one) a row with passed NULL saying which file to write.
CREATE OR REPLACE TABLE plan_metrics AS
SELECT division, year, coalesce(task_code || '/', '') || metric AS metric_code, task_code,
       metric, description, target, actual, actual_value, passed, shortfalls, evidence
FROM (
    ${measured}
    UNION ALL BY NAME
    (SELECT division, year, task_code, metric, description, NULL AS target,
            '无此类指标的计算规则（pipelines/plan/sql/metrics/' || metric || '.sql）' AS actual,
            NULL::DOUBLE AS actual_value, NULL::BOOLEAN AS passed,
            []::VARCHAR[] AS shortfalls, []::VARCHAR[] AS evidence
     FROM plan_targets
     WHERE metric NOT IN (SELECT unnest($known::VARCHAR[])))
)
ORDER BY division, year, task_code IS NULL, string_split(task_code, '.')::INTEGER[], metric;
