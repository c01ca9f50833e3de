SELECT any_value(title) AS title FROM plan_reporting WHERE division = $division AND year = $year;
