-- Every record placed in the report years it counts in (year_by), with the attributes the
-- templates filter on and the numbers they sum (pipelines/reports/templates.py SOURCES names
-- them; a template may use nothing else). GONGKAI_AS_OF applies throughout: a request
-- answered after it is open at as-of, a case decided after it is still pending.
-- for_division: whether the record counts in the division's own table. Facts are the one
-- source where it may not: a division's figure is the sum over its units, unless a row names
-- the division itself (its name or 全县: facts.division_total), which then replaces the sum.
-- whole_division: the record names the division itself, so it belongs to no unit's table.
CREATE OR REPLACE TABLE staging.annual_records AS
WITH req AS (
    SELECT division, request_id, unit, received_on, due_on, channel, applicant_type,
           coalesce(extended, false) AS extended, fee_yuan,
           CASE WHEN answered_on <= getvariable('as_of') THEN answered_on END AS answered_on,
           CASE WHEN answered_on <= getvariable('as_of') THEN outcome END AS outcome
    FROM requests
),
req_placed AS (
    SELECT division, request_id, unit, received_on, answered_on,
           MAP {'channel': channel, 'applicant_type': applicant_type, 'outcome': outcome,
                'answered_by_due': CAST(answered_on <= due_on AS VARCHAR),
                'extended': CAST(extended AS VARCHAR)} AS attrs,
           MAP {'fee_yuan': fee_yuan} AS nums
    FROM req
),
requests_in_years AS (
    SELECT division, request_id, unit, year(received_on) AS year, 'received_on' AS year_by, attrs, nums
    FROM req_placed
    UNION ALL
    SELECT division, request_id, unit, year(answered_on), 'answered_on', attrs, nums
    FROM req_placed WHERE answered_on IS NOT NULL
    UNION ALL
    SELECT r.division, r.request_id, r.unit, y.year, 'open_at_start', r.attrs, r.nums
    FROM req_placed r
    JOIN staging.annual_years y USING (division)
    WHERE r.received_on < make_date(y.year, 1, 1)
      AND (r.answered_on IS NULL OR r.answered_on >= make_date(y.year, 1, 1))
    UNION ALL
    SELECT r.division, r.request_id, r.unit, y.year, 'open_at_end', r.attrs, r.nums
    FROM req_placed r
    JOIN staging.annual_years y USING (division)
    WHERE r.received_on <= make_date(y.year, 12, 31)
      AND (r.answered_on IS NULL OR r.answered_on > make_date(y.year, 12, 31))
),
total_facts AS (
    SELECT DISTINCT division, year, indicator FROM facts WHERE division_total
),
placed AS (
    SELECT division, 'requests' AS source, request_id AS record_id, unit AS record_unit,
           year, year_by, true AS for_division, attrs, nums
    FROM requests_in_years
    UNION ALL
    SELECT division, 'disclosures', index_no, unit, year(published_on), 'published_on', true,
           MAP {'category': category, 'normative': CAST(coalesce(normative, false) AS VARCHAR)},
           CAST(MAP {} AS MAP(VARCHAR, DOUBLE))
    FROM disclosures
    UNION ALL
    SELECT division, 'disclosure_channels', index_no, unit, year(published_on), 'published_on', true,
           MAP {'category': category, 'normative': CAST(coalesce(normative, false) AS VARCHAR),
                'channel': channel},
           CAST(MAP {} AS MAP(VARCHAR, DOUBLE))
    FROM disclosure_channels
    UNION ALL
    SELECT division, 'activities', activity_id, unit, year(activity_date), 'activity_date', true,
           MAP {'activity_type': activity_type,
                'head_attended': CAST(coalesce(head_attended, false) AS VARCHAR)},
           MAP {'people': CAST(people AS DOUBLE)}
    FROM activities
    UNION ALL
    SELECT division, 'appeals', case_id, unit, year(received_on), 'received_on', true,
           MAP {'kind': kind, 'suit_route': suit_route,
                'result': CASE WHEN closed_on > getvariable('as_of') THEN '尚未审结' ELSE result END},
           CAST(MAP {} AS MAP(VARCHAR, DOUBLE))
    FROM appeals
    UNION ALL
    SELECT f.division, 'facts', f.indicator, f.unit, f.year, 'year',
           t.indicator IS NULL OR f.division_total,
           MAP {'indicator': f.indicator},
           MAP {'value': f.value}
    FROM facts f
    LEFT JOIN total_facts t ON t.division = f.division AND t.year = f.year AND t.indicator = f.indicator
)
SELECT p.division, p.source, p.record_id, p.record_unit, CAST(p.year AS INTEGER) AS year, p.year_by,
       p.for_division, coalesce(p.record_unit = d.name, false) AS whole_division, p.attrs, p.nums
FROM placed p
LEFT JOIN ref_divisions d ON d.division = p.division;
