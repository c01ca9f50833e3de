-- A cell's requests, printable: no personal information (the requests mart has none).
SELECT s.record_id, s.amount, r.unit, r.received_on, r.answered_on, r.outcome, r.channel,
       r.applicant_type, r.source_file, r.source_row
FROM ${sources} s
LEFT JOIN requests r ON r.division = s.division AND r.request_id = s.record_id
WHERE s.source = 'requests'
ORDER BY r.received_on, s.record_id;
