-- Item × channel rows of the year: an item counts once per channel.
SELECT * FROM disclosure_channels WHERE division = $division AND year(published_on) = $year
ORDER BY index_no, channel;
