-- Row rules of progress returns that need the plan catalogue.
CREATE OR REPLACE TABLE staging.returns_violations AS
SELECT r.division, r._file, r._sheet, r._row,
       '任务编号' AS column_name, r.task_code AS value_preview,
       '任务编号 ' || r.task_code || ' 不在 ' || r.division || ' ' || left(r.period, 4)
           || ' 年计划目录中' AS reason
FROM staging.returns_rows r
ANTI JOIN plan_tasks t
    ON t.division = r.division AND t.year = CAST(left(r.period, 4) AS INTEGER)
   AND t.task_code = r.task_code;
