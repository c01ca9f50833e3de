-- The years the pack covers and the template in force in each (the report_years mart).
SELECT division, year, template, template_name, has_plan, has_annual
FROM report_years
ORDER BY division, year;
