SELECT * FROM plan_metrics WHERE division = $division AND year = $year;
