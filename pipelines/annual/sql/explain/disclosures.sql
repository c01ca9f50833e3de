-- A cell's disclosed items (the file: the first row of the item loaded).
SELECT s.record_id, s.amount, d.unit, d.title, d.category, d.published_on,
       array_to_string(d.channels, '、') AS channels, c.source_file, c.source_row
FROM ${sources} s
LEFT JOIN disclosures d ON d.division = s.division AND d.index_no = s.record_id
LEFT JOIN (SELECT division, index_no, first(source_file ORDER BY source_file, source_row) AS source_file,
                  first(source_row ORDER BY source_file, source_row) AS source_row
           FROM disclosure_channels GROUP BY ALL) c
    ON c.division = s.division AND c.index_no = s.record_id
WHERE s.source = 'disclosures'
ORDER BY d.published_on, s.record_id;
