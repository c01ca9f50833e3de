-- Requests by applicant type and channel (申请方式), the largest type first.
WITH received AS (
    SELECT * FROM requests WHERE division = $division AND year(received_on) = $year
),
counted AS (
    SELECT coalesce(applicant_type, '未填写') AS applicant_type,
           coalesce(channel, '未填写') AS channel, count(*) AS requests
    FROM received GROUP BY ALL
)
SELECT * FROM counted
ORDER BY sum(requests) OVER (PARTITION BY applicant_type) DESC, applicant_type, requests DESC, channel;
