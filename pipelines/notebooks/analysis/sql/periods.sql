-- The (division, year)s the notebooks report on, as the report_years mart lists them.
SELECT division, year, has_plan, has_annual
FROM report_years
ORDER BY division, year;
