-- Every return file of the division, refused (error) or not, with the unit and period read
-- from it where they could be (a file too large or of the wrong type cannot be opened, so
-- neither is known) and its arrival time.
SELECT file, unit, period, error, mtime
FROM staging.returns_files
WHERE division = $division
ORDER BY mtime DESC, file;
