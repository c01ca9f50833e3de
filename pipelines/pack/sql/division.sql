-- The division's name and how prose names it whole (全县), from the division registry.
SELECT coalesce(name, division) AS name, whole_label
FROM ref_divisions
WHERE division = $division;
