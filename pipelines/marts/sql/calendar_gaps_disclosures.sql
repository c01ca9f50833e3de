-- Years of 成文日期 whose publication deadline could not be computed: a date outside the
-- working-day calendar.
SELECT DISTINCT year(formed_on) AS year
FROM disclosures
WHERE deadline_on IS NULL OR working_days_to_publish IS NULL
ORDER BY 1;
