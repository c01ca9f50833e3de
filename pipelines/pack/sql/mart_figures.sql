-- The headline figures counted straight from the ledgers, for templates without a cell for
-- them: items by first publication year; requests received, and closed (answered) in the
-- year; those still open at the year's end carried out; fees in 万元; cases by receipt.
WITH disclosed AS (
    SELECT count(DISTINCT index_no) AS disclosed,
           count(DISTINCT index_no) FILTER (WHERE normative) AS normative
    FROM disclosures
    WHERE division = $division AND year(published_on) = $year
),
requested AS (
    SELECT count(*) FILTER (WHERE year(received_on) = $year) AS requests_received,
           count(*) FILTER (WHERE year(answered_on) = $year) AS requests_closed,
           count(*) FILTER (WHERE year(answered_on) = $year AND state = 'answered_on_time') AS requests_on_time,
           count(*) FILTER (WHERE year(answered_on) = $year AND state = 'answered_late') AS requests_late,
           count(*) FILTER (WHERE year(received_on) <= $year
                            AND (answered_on IS NULL OR year(answered_on) > $year)) AS requests_carried_out,
           coalesce(sum(fee_yuan) FILTER (WHERE year(answered_on) = $year), 0) / 10000 AS fees
    FROM requests
    WHERE division = $division
),
appealed AS (
    SELECT count(*) FILTER (WHERE kind = '行政复议') AS reviews,
           count(*) FILTER (WHERE kind = '行政诉讼') AS suits
    FROM appeals
    WHERE division = $division AND year(received_on) = $year
)
SELECT * FROM disclosed, requested, appealed;
