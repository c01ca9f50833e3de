-- One row per task × responsible unit of every plan. A unit may leave out a task with no
-- news, so the last reported status carries forward. A task assigned to a unit that was
-- renamed since (units.csv, unit-changes.csv) carries over to its successor: a return counts
-- for the assigned unit when both name the same unit in the return's month (unit_on), so the
-- successor's returns continue the task's one status line.
CREATE OR REPLACE TABLE task_status AS
WITH assigned AS (
    SELECT DISTINCT division, year, unit FROM plan_task_units
),
returned AS (
    SELECT r.*, CAST(left(r.period, 4) AS INTEGER) AS year,
           last_day(CAST(strptime(r.period, '%Y-%m') AS DATE)) AS period_end
    FROM staging.returns_ranked r
    WHERE r.row_state = 'loaded'
),
reported AS (
    SELECT r.division, r.year, r.task_code, a.unit, r.period,
           r.status, r.completed_on, r.evidence_url, r.submitted_on, r._file, r._row
    FROM returned r
    JOIN assigned a
        ON a.division = r.division AND a.year = r.year
       AND unit_on(a.division, a.unit, r.period_end) = unit_on(r.division, r.unit, r.period_end)
),
latest AS (
    SELECT DISTINCT ON (division, year, task_code, unit) *
    FROM reported
    ORDER BY division, year, task_code, unit, period DESC, _row DESC
),
done AS (
    SELECT division, year, task_code, unit,
           min(completed_on) AS first_completed_on,
           arg_min(submitted_on, period) AS first_done_submitted_on,
           min(period) AS first_done_period
    FROM reported
    WHERE status IN ('已完成', '长期坚持')
    GROUP BY ALL
),
evidence AS (
    SELECT division, year, task_code, unit, arg_max(evidence_url, period) AS evidence_url
    FROM reported
    WHERE evidence_url IS NOT NULL
    GROUP BY ALL
),
due AS (
    -- The deadline the task is judged by (plan_tasks.judged_due_on): its date, or its event's
    -- date plus the offset, moved to the plan's issue date plus the same interval when the
    -- plan's words name a day before the plan existed.
    SELECT tu.division, tu.year, tu.task_code, tu.unit, t.deadline_kind, t.ongoing,
           t.judged_due_on AS due_on
    FROM plan_task_units tu
    JOIN plan_tasks t USING (division, year, task_code)
),
joined AS (
    SELECT d.*, l.status, l.period AS last_period,
           CASE WHEN l.status IN ('已完成', '长期坚持')
                THEN coalesce(l.completed_on, dn.first_completed_on, dn.first_done_submitted_on)
           END AS completed_on,
           ev.evidence_url
    FROM due d
    LEFT JOIN latest l USING (division, year, task_code, unit)
    LEFT JOIN done dn USING (division, year, task_code, unit)
    LEFT JOIN evidence ev USING (division, year, task_code, unit)
)
SELECT division, year, task_code, unit, unit_current(division, unit) AS unit_current,
       deadline_kind, due_on, status, last_period,
       completed_on, evidence_url,
       -- due before the as-of date: the pairs the plan's tasks_done_by_deadline judges, and
       -- the whole every page splits into on time, late and overdue (docs/figures.md)
       coalesce(due_on < getvariable('as_of'), false) AS past_due,
       CASE
           WHEN status = '不适用' THEN 'not_applicable'
           -- "On time" and "late" only mean something against a due date: a task without
           -- one (no deadline, an external one, an event not yet dated) is simply done.
           WHEN status IN ('已完成', '长期坚持') AND due_on IS NULL THEN 'done'
           WHEN status IN ('已完成', '长期坚持') THEN
               CASE WHEN completed_on > due_on THEN 'done_late' ELSE 'done_on_time' END
           WHEN due_on IS NOT NULL AND getvariable('as_of') > due_on THEN 'overdue'
           WHEN due_on IS NOT NULL AND status = '推进中' THEN 'in_progress'
           WHEN due_on IS NOT NULL THEN 'not_due'
           WHEN deadline_kind = 'external' THEN 'external'
           ELSE 'no_deadline'
       END AS state
FROM joined
ORDER BY division, year, string_split(task_code, '.')::INTEGER[], unit;
