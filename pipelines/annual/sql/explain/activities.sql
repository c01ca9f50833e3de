-- A cell's activities (meetings, trainings, interviews…).
SELECT s.record_id, s.amount, a.unit, a.activity_date, a.activity_type, a.title, a.people,
       a.head_attended, a.source_file, a.source_row
FROM ${sources} s
LEFT JOIN activities a ON a.division = s.division AND a.activity_id = s.record_id
WHERE s.source = 'activities'
ORDER BY a.activity_date, s.record_id;
