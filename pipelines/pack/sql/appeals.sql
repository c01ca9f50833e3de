-- Review and suit cases received in the year.
SELECT * FROM appeals WHERE division = $division AND year(received_on) = $year;
