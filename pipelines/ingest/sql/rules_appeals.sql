CREATE OR REPLACE TABLE staging.appeals_violations AS
SELECT division, _file, _sheet, _row, '结案日期' AS column_name,
       strftime(closed_on, '%Y-%m-%d') AS value_preview, '结案日期早于收到日期' AS reason
FROM staging.appeals_rows
WHERE closed_on < received_on;
