CREATE OR REPLACE TABLE facts AS
SELECT division, year, unit, indicator, value, _file AS source_file, _row AS source_row
FROM staging.facts_ranked
WHERE row_state = 'loaded'
ORDER BY division, year, unit, indicator;
