SELECT name FROM ref_divisions WHERE division = $division;
