-- Received → answered → answered on time, each stage's share of those received.
WITH received AS (
    SELECT * FROM requests WHERE division = $division AND year(received_on) = $year
),
stages AS (
    SELECT 1 AS ord, '收到申请' AS stage, count(*) AS requests FROM received
    UNION ALL SELECT 2, '已答复', count(*) FILTER (WHERE answered_on IS NOT NULL) FROM received
    UNION ALL SELECT 3, '按时答复', count(*) FILTER (WHERE state = 'answered_on_time') FROM received
)
SELECT stage, requests, requests / nullif(first(requests ORDER BY ord) OVER (), 0) AS share
FROM stages ORDER BY ord;
