-- Every item's publication date against its deadline: days_late in calendar days
-- (negative: published that many days before the deadline).
WITH items AS (
    SELECT * FROM disclosures WHERE division = $division AND year(published_on) = $year
),
rules AS (
    -- Each timeliness rule worded for a reader: 审计信息（5日内）, 一般规定（20个工作日内）.
    SELECT category AS timeliness_rule, basis,
           CASE WHEN category = '*' THEN '一般规定' ELSE category END
           || '（' || CASE WHEN clock_from LIKE 'event:%' THEN substr(clock_from, 7) || '后' ELSE '' END
           || limit_days || CASE day_kind WHEN 'working' THEN '个工作日' ELSE '日' END || '内）'
               AS rule_label
    FROM ref_timeliness
)
SELECT i.index_no, i.unit, i.category, r.rule_label, i.formed_on, i.deadline_on, i.published_on,
       i.published_on - i.deadline_on AS days_late, i.timely
FROM items i JOIN rules r USING (timeliness_rule)
ORDER BY r.timeliness_rule <> '*', r.rule_label, i.index_no;
