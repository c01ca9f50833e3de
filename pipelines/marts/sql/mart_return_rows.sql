-- Every row of every accepted return, superseded ones kept for history.
CREATE OR REPLACE TABLE return_rows AS
SELECT division, unit, period, task_code, status, completed_on, quantity, evidence_url, note,
       submitted_on, row_state = 'superseded' AS superseded, _file AS source_file,
       _sheet AS source_sheet, _row AS source_row, unit_current(division, unit) AS unit_current
FROM staging.returns_ranked
WHERE row_state IN ('loaded', 'superseded')
ORDER BY division, unit, period, task_code, source_file;
