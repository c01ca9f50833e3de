-- Working-day arithmetic on ref_calendar (rules.md): wd_seq is the running count of working
-- days, so "working days from A to B" is a difference and "the n-th working day after D"
-- is the working day whose wd_seq is wd_seq(D) + n. Dates outside the calendar give NULL;
-- the assets turn a NULL deadline into a loud error naming the calendar file.
CREATE OR REPLACE MACRO wd_seq_of(d) AS (SELECT c.wd_seq FROM ref_calendar c WHERE c.day = d);
CREATE OR REPLACE MACRO add_working_days(d, n) AS (
    SELECT min(c.day) FROM ref_calendar c WHERE c.is_workday AND c.wd_seq = wd_seq_of(d) + n
);
CREATE OR REPLACE MACRO working_days_between(a, b) AS (wd_seq_of(b) - wd_seq_of(a));
