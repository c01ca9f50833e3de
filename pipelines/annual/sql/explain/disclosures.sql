-- A cell's disclosed items.
SELECT s.record_id, s.amount, d.unit, d.title, d.category, d.published_on,
       array_to_string(d.channels, '、') AS channels
FROM ${sources} s
LEFT JOIN disclosures d ON d.division = s.division AND d.index_no = s.record_id
WHERE s.source = 'disclosures'
ORDER BY d.published_on, s.record_id;
