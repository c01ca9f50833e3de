-- One row per task × responsible unit of the plan of $year, in the plan's order, with the
-- unit's last accepted status of that task before $period (a unit may leave out a task with
-- no news, so each task's own latest row counts, as in task_status). A unit renamed since the
-- plan was written gets its form under the name in force in $period, prefilled with what it
-- reported under either name (unit_on, unit_current: docs/units.md).
WITH last_status AS (
    SELECT DISTINCT ON (unit_current, task_code) unit_current, task_code, status, completed_on,
           evidence_url, period
    FROM return_rows
    WHERE division = $division AND NOT superseded
      AND period >= $first_period AND period < $period
    ORDER BY unit_current, task_code, period DESC, source_row DESC
),
assigned AS (
    SELECT DISTINCT ON (named, task_code) *
    FROM (SELECT tu.*, unit_on(tu.division, tu.unit,
                               last_day(CAST(strptime($period, '%Y-%m') AS DATE))) AS named
          FROM plan_task_units tu
          WHERE tu.division = $division AND tu.year = $year)
    ORDER BY named, task_code, is_lead DESC
)
SELECT tu.named AS unit, coalesce(u.kind, '') AS unit_kind, t.task_code, t.title, t.deadline_kind,
       t.deadline_text, t.due_on, tu.is_lead,
       s.status AS last_status, s.completed_on AS last_completed_on,
       s.evidence_url AS last_evidence_url, s.period AS last_period
FROM assigned tu
JOIN plan_tasks t USING (division, year, task_code)
LEFT JOIN ref_units u ON u.division = tu.division AND u.unit = tu.named
LEFT JOIN last_status s ON s.unit_current = tu.unit_current AND s.task_code = tu.task_code
ORDER BY coalesce(u.kind, '') = '乡镇', tu.named, string_split(t.task_code, '.')::INTEGER[];
