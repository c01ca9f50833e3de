-- How many cells the year's annual tables have for the whole division (unit NULL).
SELECT count(*) AS cells FROM annual_report WHERE division = $division AND year = $year AND unit IS NULL;
