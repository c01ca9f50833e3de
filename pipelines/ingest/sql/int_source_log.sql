-- Per source: every rejected row and file, and the per-file reconciliation
-- rows_read = rows_loaded + rows_superseded + rows_quarantined.
CREATE OR REPLACE TABLE staging.${source}_quarantine AS
SELECT source, division, file, sheet, CAST(row_number AS BIGINT) AS row_number,
       column_name, value_preview, reason
FROM staging.${source}_rejects
UNION ALL
SELECT '${source}', division, _file, _sheet, _row, column_name, value_preview, reason
FROM staging.${source}_ranked
WHERE row_state = 'quarantined';

CREATE OR REPLACE TABLE staging.${source}_log AS
WITH states AS (
    SELECT division, _file AS file,
           count(*) FILTER (WHERE row_state = 'loaded') AS loaded,
           count(*) FILTER (WHERE row_state = 'superseded') AS superseded,
           count(*) FILTER (WHERE row_state = 'quarantined') AS quarantined
    FROM staging.${source}_ranked GROUP BY ALL
),
rejected_rows AS (
    -- rows the reader rejected; a file rejected whole has one record but no rows read
    SELECT r.division, r.file, count(*) AS n
    FROM staging.${source}_rejects r
    JOIN staging.${source}_files f ON f.division = r.division AND f.file = r.file
    WHERE f.error IS NULL
    GROUP BY ALL
)
SELECT '${source}' AS source, f.division, f.file, f.sha256, f.size AS size_bytes,
       f.rows_read,
       coalesce(s.loaded, 0) AS rows_loaded,
       coalesce(s.superseded, 0) AS rows_superseded,
       coalesce(s.quarantined, 0) + coalesce(r.n, 0) AS rows_quarantined,
       CASE WHEN f.error IS NULL THEN 'loaded' ELSE 'rejected' END AS status,
       f.error AS reason
FROM staging.${source}_files f
LEFT JOIN states s USING (division, file)
LEFT JOIN rejected_rows r USING (division, file);
