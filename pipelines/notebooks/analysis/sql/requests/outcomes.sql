-- Requests by 办理结果 (尚未办结 for those not answered), largest first.
WITH received AS (
    SELECT * FROM requests WHERE division = $division AND year(received_on) = $year
)
SELECT coalesce(outcome, '尚未办结') AS outcome, count(*) AS requests,
       count(*) / sum(count(*)) OVER () AS share
FROM received GROUP BY ALL ORDER BY requests DESC, outcome;
