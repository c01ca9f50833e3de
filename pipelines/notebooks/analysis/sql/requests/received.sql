-- The requests received in the year with the statutory limits (requests.limit_days), and
-- the rule in force worded for a reader: the charts' input.
SELECT *, rule || '年条例（' || limit_days || '个工作日）' AS rule_label
FROM requests
WHERE division = $division AND year(received_on) = $year
ORDER BY received_on, request_id;
