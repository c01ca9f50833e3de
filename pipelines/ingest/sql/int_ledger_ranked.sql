-- A ledger is re-exported whole: the same key in a later file supersedes the earlier row.
-- Files are ordered by their newest date cell, then modification time, then name
-- (file names carry no meaning, but a re-export always reaches further in time).
-- Within one file a repeated key is a data error and goes to quarantine.
CREATE OR REPLACE TABLE staging.${source}_ranked AS
WITH files AS (
    SELECT division, file,
           row_number() OVER (PARTITION BY division
                              ORDER BY file_as_of DESC NULLS LAST, mtime DESC, file DESC) AS file_rank
    FROM staging.${source}_files
    WHERE error IS NULL
),
violations AS (
    SELECT DISTINCT ON (division, _file, _sheet, _row) *
    FROM staging.${source}_violations
    ORDER BY division, _file, _sheet, _row, reason
),
checked AS (
    SELECT r.*, f.file_rank,
           v.column_name AS rule_column, v.value_preview AS rule_value, v.reason AS rule_reason
    FROM staging.${source}_rows r
    JOIN files f ON f.division = r.division AND f.file = r._file
    LEFT JOIN violations v
        ON v.division = r.division AND v._file = r._file AND v._sheet = r._sheet AND v._row = r._row
),
in_file AS (
    SELECT *,
           CASE WHEN rule_reason IS NULL THEN row_number() OVER (
               PARTITION BY division, _file, rule_reason IS NULL, ${key}
               ORDER BY _sheet, _row) END AS in_file_rank
    FROM checked
),
survivors AS (
    SELECT *,
           CASE WHEN in_file_rank = 1 THEN row_number() OVER (
               PARTITION BY division, in_file_rank = 1, ${key}
               ORDER BY file_rank) END AS across_files_rank
    FROM in_file
)
SELECT * EXCLUDE (rule_column, rule_value, rule_reason, in_file_rank, across_files_rank),
       CASE WHEN rule_reason IS NOT NULL OR in_file_rank > 1 THEN 'quarantined'
            WHEN across_files_rank > 1 THEN 'superseded'
            ELSE 'loaded' END AS row_state,
       coalesce(rule_reason, CASE WHEN in_file_rank > 1
                THEN '同一文件内重复（${key_label}与本文件前面一行相同）' END) AS reason,
       coalesce(rule_column, CASE WHEN in_file_rank > 1 THEN '${key_header}' END) AS column_name,
       coalesce(rule_value, CASE WHEN in_file_rank > 1 THEN left(${key_preview}, 40) END) AS value_preview
FROM survivors;
