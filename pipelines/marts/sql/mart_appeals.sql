CREATE OR REPLACE TABLE appeals AS
SELECT division, case_id, kind, suit_route, received_on, unit, result, closed_on,
       request_id, _file AS source_file, _row AS source_row, unit_current(division, unit) AS unit_current
FROM staging.appeals_ranked
WHERE row_state = 'loaded'
ORDER BY division, received_on, case_id;
