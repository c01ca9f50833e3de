-- The annual tables there are: division, year and the template they are in.
SELECT division, year, min(template) AS template
FROM annual_report
GROUP BY division, year
ORDER BY division, year;
