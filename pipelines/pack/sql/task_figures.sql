-- The plan's task figures of one year (task × responsible unit pairs), each a whole or a part
-- of one (pipelines/pack/consistency.py WHOLES, docs/figures.md): every page that states one
-- of them (the Word draft, the plan-progress notebook) takes it from here.
SELECT (SELECT count(*) FROM plan_tasks WHERE division = $division AND year = $year) AS tasks,
       count(DISTINCT unit) AS units,
       count(*) AS pairs,
       count(*) FILTER (WHERE due_on IS NOT NULL AND state <> 'not_applicable') AS with_deadline,
       count(*) FILTER (WHERE due_on IS NULL AND state <> 'not_applicable') AS without_deadline,
       ${states},  -- one count per state, not_applicable among them
       count(*) FILTER (WHERE past_due AND state <> 'not_applicable') AS due,
       count(*) FILTER (WHERE past_due AND state = 'done_on_time') AS due_done_on_time,
       count(*) FILTER (WHERE past_due AND state = 'done_late') AS due_done_late,
       count(*) FILTER (WHERE past_due AND state = 'overdue') AS due_overdue,
       count(*) FILTER (WHERE past_due AND state = 'done_on_time' AND evidence_url IS NOT NULL)
           AS due_with_evidence,
       count(*) FILTER (WHERE past_due AND state = 'done_on_time' AND evidence_url IS NULL)
           AS due_without_evidence
FROM task_status
WHERE division = $division AND year = $year;
