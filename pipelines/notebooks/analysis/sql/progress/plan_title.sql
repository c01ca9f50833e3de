SELECT title FROM plan_reporting WHERE division = $division AND year = $year;
