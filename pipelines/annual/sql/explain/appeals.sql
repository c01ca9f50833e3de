-- A cell's review and suit cases.
SELECT s.record_id, s.amount, a.unit, a.kind, a.suit_route, a.received_on, a.result, a.closed_on,
       a.source_file, a.source_row
FROM ${sources} s
LEFT JOIN appeals a ON a.division = s.division AND a.case_id = s.record_id
WHERE s.source = 'appeals'
ORDER BY a.received_on, s.record_id;
