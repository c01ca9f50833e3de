-- A second return for the same unit and month supersedes the first as a whole: later
-- 报送日期 wins, then later arrival (modification time), then file name.
CREATE OR REPLACE TABLE staging.returns_file_rank AS
SELECT division, file, unit, period, submitted_on, mtime,
       row_number() OVER (PARTITION BY division, unit, period
                          ORDER BY submitted_on DESC NULLS LAST, mtime DESC, file DESC) AS file_rank
FROM staging.returns_files
WHERE error IS NULL;

CREATE OR REPLACE TABLE staging.returns_ranked AS
WITH violations AS (
    SELECT DISTINCT ON (division, _file, _sheet, _row) *
    FROM staging.returns_violations
    ORDER BY division, _file, _sheet, _row, reason
),
checked AS (
    SELECT r.*, f.file_rank,
           v.column_name AS rule_column, v.value_preview AS rule_value, v.reason AS rule_reason,
           CASE WHEN v.reason IS NULL THEN row_number() OVER (
               PARTITION BY r.division, r._file, v.reason IS NULL, r.task_code
               ORDER BY r._sheet, r._row) END AS in_file_rank
    FROM staging.returns_rows r
    JOIN staging.returns_file_rank f ON f.division = r.division AND f.file = r._file
    LEFT JOIN violations v
        ON v.division = r.division AND v._file = r._file AND v._sheet = r._sheet AND v._row = r._row
)
SELECT * EXCLUDE (rule_column, rule_value, rule_reason, in_file_rank),
       CASE WHEN rule_reason IS NOT NULL OR in_file_rank > 1 THEN 'quarantined'
            WHEN file_rank > 1 THEN 'superseded'
            ELSE 'loaded' END AS row_state,
       coalesce(rule_reason, CASE WHEN in_file_rank > 1
                THEN '同一报送表内任务编号重复' END) AS reason,
       coalesce(rule_column, CASE WHEN in_file_rank > 1 THEN '任务编号' END) AS column_name,
       coalesce(rule_value, CASE WHEN in_file_rank > 1 THEN task_code END) AS value_preview
FROM checked;
