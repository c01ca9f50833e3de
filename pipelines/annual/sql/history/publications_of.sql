-- Every publication of a division's year, oldest first, with the snapshots it showed.
SELECT build_id, as_of, published_at, annual_build_id, plan_build_id, annual_cells_changed,
       plan_metrics_changed
FROM figure_publications
WHERE division = $division AND year = $year
ORDER BY published_at, build_id;
