-- The whole division's cells of one year (unit NULL); ${columns} are the contract's columns
-- plus the layout columns the mart has.
SELECT ${columns}
FROM annual_report
WHERE division = $division AND year = $year AND unit IS NULL;
