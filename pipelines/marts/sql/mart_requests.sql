-- The statutory clock (rules.md): the rule in force on the day of receipt, counted in
-- working days from receipt or, after a request to supplement, from the supplement; a
-- recorded extension adds the rule's extension days. State judged at GONGKAI_AS_OF.
-- limit_days / final_limit_days are those limits in working days, as the charts draw them.
-- A reply dated after GONGKAI_AS_OF had not happened at as-of: the request is open then (its
-- answered_on and outcome are NULL, as in the annual tables), and the ledger's date is kept
-- in reply_after_as_of.
CREATE OR REPLACE TABLE requests AS
WITH loaded AS (
    SELECT * REPLACE (CASE WHEN answered_on <= getvariable('as_of') THEN answered_on END AS answered_on,
                      CASE WHEN answered_on <= getvariable('as_of') THEN outcome END AS outcome),
           CASE WHEN answered_on > getvariable('as_of') THEN answered_on END AS reply_after_as_of
    FROM staging.requests_ranked WHERE row_state = 'loaded'
),
ruled AS (
    SELECT l.*, r.rule, r.answer_working_days, r.extension_working_days,
           coalesce(l.supplement_done_on, l.received_on) AS clock_start_on,
           coalesce(l.extended, false) AS is_extended
    FROM loaded l
    LEFT JOIN ref_request_rules r
        ON l.received_on BETWEEN r.effective_from AND coalesce(r.effective_to, DATE '9999-12-31')
),
clocked AS (
    SELECT *,
           add_working_days(clock_start_on, answer_working_days) AS due_on
    FROM ruled
),
final AS (
    SELECT *,
           CASE WHEN is_extended THEN add_working_days(due_on, extension_working_days)
                ELSE due_on END AS final_due_on
    FROM clocked
)
SELECT division, request_id, unit, received_on, channel, applicant_type, applicant_key,
       rule, clock_start_on, due_on, is_extended AS extended, final_due_on,
       answer_working_days AS limit_days,
       answer_working_days + CASE WHEN is_extended THEN extension_working_days ELSE 0 END
           AS final_limit_days,
       answered_on,
       outcome,
       -- a request received after the as-of date had used no working days at as-of
       greatest(working_days_between(clock_start_on, coalesce(answered_on, getvariable('as_of'))), 0)
           AS working_days,
       CASE
           WHEN answered_on IS NOT NULL AND answered_on <= final_due_on THEN 'answered_on_time'
           WHEN answered_on IS NOT NULL THEN 'answered_late'
           WHEN getvariable('as_of') > final_due_on THEN 'open_overdue'
           ELSE 'open'
       END AS state,
       supplement_asked_on, supplement_done_on, fee_yuan, reply_after_as_of,
       _file AS source_file, _row AS source_row, unit_current(division, unit) AS unit_current
FROM final
ORDER BY division, received_on, request_id;
