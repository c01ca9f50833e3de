-- The units a per-unit target applies to: a group named in its params ("@部门", "@乡镇",
-- "@all") expanded through the registry, else the task's responsible units.
CREATE OR REPLACE TABLE staging.target_units AS
SELECT t.division, t.year, t.task_code, t.metric, u.unit
FROM plan_targets t
-- the units of the plan's year as it began, as plan_task_units expands group words
JOIN ref_units u ON u.division = t.division
    AND coalesce(u.valid_from, DATE '1900-01-01') <= make_date(t.year, 1, 1)
    AND coalesce(u.valid_to, DATE '9999-12-31') >= make_date(t.year, 1, 1)
WHERE (t.params->>'units' = '@all'
   OR (t.params->>'units' = '@部门' AND u.kind = '部门')
   OR (t.params->>'units' = '@乡镇' AND u.kind = '乡镇'))
UNION ALL
SELECT t.division, t.year, t.task_code, t.metric, tu.unit
FROM plan_targets t
JOIN plan_task_units tu USING (division, year, task_code)
WHERE t.params->>'units' IS NULL;
