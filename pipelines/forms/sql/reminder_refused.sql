-- Every return file of the division (the return_files mart), refused (error) or not, with the unit and period read
-- from it where they could be (a file too large or of the wrong type cannot be opened, so
-- neither is known) and its arrival time.
SELECT file, unit, period, refused_reason AS error, epoch(arrived_at) AS mtime
FROM return_files
WHERE division = $division
ORDER BY arrived_at DESC, file;
