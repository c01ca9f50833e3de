-- Items on time and late under each timeliness rule, with the rule's legal basis.
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
SELECT r.rule_label, count(i.index_no) AS items,
       count(i.index_no) FILTER (WHERE i.timely) AS timely,
       count(i.index_no) FILTER (WHERE NOT i.timely) AS late,
       count(i.index_no) FILTER (WHERE i.timely) / nullif(count(i.index_no), 0) AS on_time_rate,
       r.basis
FROM rules r LEFT JOIN items i USING (timeliness_rule)
GROUP BY r.timeliness_rule, r.rule_label, r.basis
ORDER BY r.timeliness_rule <> '*', items DESC, r.rule_label;
