-- Task × unit pairs by state (in the order of vocabulary.TASK_STATES), grouped by
-- ${group_by}; the on-time rate is of the pairs already decided (done, or overdue).
SELECT * FROM (
    SELECT ${group_by},
           count(*) FILTER (WHERE s.state <> 'not_applicable') AS pairs,
           count(*) FILTER (WHERE s.state = 'done_on_time') AS done_on_time,
           count(*) FILTER (WHERE s.state = 'done_late') AS done_late,
           count(*) FILTER (WHERE s.state = 'overdue') AS overdue,
           count(*) FILTER (WHERE s.state = 'in_progress') AS in_progress,
           count(*) FILTER (WHERE s.state = 'not_due') AS not_due,
           count(*) FILTER (WHERE s.state = 'no_deadline') AS no_deadline,
           count(*) FILTER (WHERE s.state = 'external') AS external,
           count(*) FILTER (WHERE s.state = 'not_applicable') AS not_applicable,
           (count(*) FILTER (WHERE s.state = 'done_on_time'))
               / nullif(count(*) FILTER (
                   WHERE s.state IN ('done_on_time', 'done_late', 'overdue')), 0) AS on_time_rate
    FROM task_status s
    JOIN plan_tasks t USING (division, year, task_code)
    LEFT JOIN ref_units u USING (division, unit)
    LEFT JOIN ref_unit_lineage l ON l.division = s.division AND l.unit = s.unit
    WHERE s.division = $division AND s.year = $year
    GROUP BY ALL
)
ORDER BY ${order_by};
