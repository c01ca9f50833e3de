-- Items of the year: an item belongs to the year it was first published in.
SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
ORDER BY published_on, index_no;
