-- Task × unit pairs by state (one column per state of vocabulary.TASK_STATES, filled in by
-- the code), grouped by ${group_by}: pairs is every pair (the states add up to it); the
-- on-time rate is of the pairs already due at the as-of date (due), as the plan's metric
-- tasks_done_by_deadline counts them.
SELECT * FROM (
    SELECT ${group_by},
           count(*) AS pairs,
           ${states},
           count(*) FILTER (WHERE s.past_due AND s.state <> 'not_applicable') AS due,
           count(*) FILTER (WHERE s.past_due AND s.state = 'done_on_time') AS due_done_on_time,
           (count(*) FILTER (WHERE s.past_due AND s.state = 'done_on_time'))
               / nullif(count(*) FILTER (WHERE s.past_due AND s.state <> 'not_applicable'), 0) AS on_time_rate
    FROM task_status s
    JOIN plan_tasks t USING (division, year, task_code)
    LEFT JOIN ref_units u USING (division, unit)
    LEFT JOIN ref_unit_lineage l ON l.division = s.division AND l.unit = s.unit
    WHERE s.division = $division AND s.year = $year
    GROUP BY ALL
)
ORDER BY ${order_by};
