-- One row per task × responsible unit of the plan of $year, in the plan's order, with the
-- unit's last accepted status of that task before $period (a unit may leave out a task with
-- no news, so each task's own latest row counts, as in task_status).
WITH last_status AS (
    SELECT DISTINCT ON (unit, task_code) unit, task_code, status, completed_on, evidence_url, period
    FROM return_rows
    WHERE division = $division AND NOT superseded
      AND period >= $first_period AND period < $period
    ORDER BY unit, task_code, period DESC, source_row DESC
)
SELECT tu.unit, coalesce(u.kind, '') AS unit_kind, t.task_code, t.title, t.deadline_kind,
       t.deadline_text, t.due_on, tu.is_lead,
       s.status AS last_status, s.completed_on AS last_completed_on,
       s.evidence_url AS last_evidence_url, s.period AS last_period
FROM plan_task_units tu
JOIN plan_tasks t USING (division, year, task_code)
LEFT JOIN ref_units u ON u.division = tu.division AND u.unit = tu.unit
LEFT JOIN last_status s ON s.unit = tu.unit AND s.task_code = tu.task_code
WHERE tu.division = $division AND tu.year = $year
ORDER BY coalesce(u.kind, '') = '乡镇', tu.unit, string_split(t.task_code, '.')::INTEGER[];
