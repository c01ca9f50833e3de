SELECT coalesce(name, division) AS name FROM ref_divisions WHERE division = $division;
