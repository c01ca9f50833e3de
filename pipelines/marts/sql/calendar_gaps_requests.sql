-- Years of receipt whose clock could not be computed: a date outside the working-day calendar.
SELECT DISTINCT year(received_on) AS year
FROM requests
WHERE due_on IS NULL OR final_due_on IS NULL OR working_days IS NULL
ORDER BY 1;
