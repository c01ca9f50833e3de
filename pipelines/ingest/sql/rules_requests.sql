-- Row rules of the request ledger: dates in order, outcome and reply date together, and the
-- outcome in the words of the annual-report template in force for the year of the reply.
CREATE OR REPLACE TABLE staging.requests_violations AS
WITH checked AS (
    SELECT r.*, t.template AS reply_template
    FROM staging.requests_rows r
    LEFT JOIN ref_templates t
        ON year(r.answered_on) BETWEEN coalesce(t.first_year, 1900) AND coalesce(t.last_year, 9999)
)
SELECT division, _file, _sheet, _row, column_name, value_preview, reason
FROM (
    SELECT *, '答复日期' AS column_name, strftime(answered_on, '%Y-%m-%d') AS value_preview,
           '答复日期早于收到日期' AS reason
    FROM checked WHERE answered_on < received_on
    UNION ALL
    SELECT *, '办理结果', NULL, '已填答复日期，但办理结果为空'
    FROM checked WHERE answered_on IS NOT NULL AND outcome IS NULL
    UNION ALL
    SELECT *, '答复日期', NULL, '已填办理结果，但答复日期为空'
    FROM checked WHERE answered_on IS NULL AND outcome IS NOT NULL
    UNION ALL
    SELECT *, '补正完成日期', strftime(supplement_done_on, '%Y-%m-%d'),
           '补正完成日期早于补正告知日期或收到日期'
    FROM checked
    WHERE supplement_done_on < coalesce(supplement_asked_on, received_on)
    UNION ALL
    SELECT *, '补正告知日期', NULL, '填了补正告知日期，但补正完成日期为空'
    FROM checked
    WHERE supplement_asked_on IS NOT NULL AND supplement_done_on IS NULL AND answered_on IS NOT NULL
    UNION ALL
    SELECT c.*, '办理结果', c.outcome,
           '办理结果“' || c.outcome || '”不是 ' || year(c.answered_on) || ' 年适用的 '
               || c.reply_template || ' 模板用语'
    FROM checked c
    WHERE c.outcome IS NOT NULL AND c.answered_on IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ref_outcomes o
                      WHERE o.template = c.reply_template AND o.outcome = c.outcome)
);
