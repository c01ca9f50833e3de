CREATE OR REPLACE TABLE staging.disclosures_violations AS
SELECT division, _file, _sheet, _row, '发布日期' AS column_name,
       strftime(published_on, '%Y-%m-%d') AS value_preview, '发布日期早于成文日期' AS reason
FROM staging.disclosures_rows
WHERE published_on < formed_on;
