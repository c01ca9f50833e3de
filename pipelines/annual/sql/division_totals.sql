-- Facts reported as the division's explicit total (a row whose unit is the division itself,
-- e.g. 中宁县 or 全县): the total replaces the sum over the units; what the units reported
-- beside it is listed so the build can say what was left out.
SELECT t.division, coalesce(d.name, t.division) AS name, t.year, t.indicator, t.value AS total,
       count(u.unit) AS unit_rows, coalesce(sum(u.value), 0) AS unit_sum
FROM facts t
LEFT JOIN ref_divisions d ON d.division = t.division
LEFT JOIN facts u
    ON u.division = t.division AND u.year = t.year AND u.indicator = t.indicator AND NOT u.division_total
WHERE t.division_total
GROUP BY ALL
ORDER BY t.division, t.year, t.indicator;
