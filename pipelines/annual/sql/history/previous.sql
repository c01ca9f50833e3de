-- What each year showed at the last publication: the latest figure_publications row per
-- division and year (none for a year never published since history was kept).
CREATE OR REPLACE TABLE staging.history_previous AS
SELECT DISTINCT ON (division, year) division, year, build_id, published_at, annual_build_id, plan_build_id
FROM figure_publications
ORDER BY division, year, published_at DESC;
