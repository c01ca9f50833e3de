-- The registry's history as tables the marts join: each change's edges (old unit → new unit;
-- the first new unit carries on the old one's work), each unit's successor today, and the
-- checks of the registry (one row per unit; a column per check, NULL where it holds).
CREATE OR REPLACE TABLE ref_unit_successors AS
SELECT c.division, c.change_no, c.changed_on, c.kind, o.unit, n.successor, n.pos = 1 AS is_primary
FROM ref_unit_changes c
CROSS JOIN LATERAL (SELECT unnest(c.old_units) AS unit) o
CROSS JOIN LATERAL (SELECT unnest(c.new_units) AS successor,
                           generate_subscripts(c.new_units, 1) AS pos) n;

-- unit_current: follow the continuing successor until a unit whose name is still in force.
-- The path stops at a unit already walked, so a cycle in the data cannot loop forever (the
-- checks below name it).
CREATE OR REPLACE TABLE ref_unit_lineage AS
WITH RECURSIVE walk(division, unit, reached, path) AS (
    SELECT division, unit, unit, [unit] FROM ref_units
    UNION ALL
    SELECT w.division, w.unit, s.successor, list_append(w.path, s.successor)
    FROM walk w
    JOIN ref_unit_successors s ON s.division = w.division AND s.unit = w.reached AND s.is_primary
    WHERE NOT list_contains(w.path, s.successor)
),
ends AS (
    SELECT division, unit, arg_max(reached, len(path)) AS unit_current,
           arg_max(path, len(path)) AS path
    FROM walk GROUP BY ALL
)
, named AS (
    SELECT e.division, e.unit, e.unit_current, len(e.path) - 1 AS changes, e.path,
           -- the office's earlier names, as labels note them: 原县国土资源局
           coalesce((SELECT list(p.unit ORDER BY u.unit_order) FROM ends p JOIN ref_units u USING (division, unit)
                     WHERE p.division = e.division AND p.unit_current = e.unit_current
                       AND p.unit <> p.unit_current), []::VARCHAR[]) AS former_names
    FROM ends e
)
-- office_label: one line per office across years in the notebooks and the pack, under
-- today's name with a note of the former ones (县自然资源局（原县国土资源局）).
SELECT *, unit_current || CASE WHEN len(former_names) > 0
                               THEN '（原' || array_to_string(former_names, '、') || '）' ELSE '' END
              AS office_label
FROM named;

CREATE OR REPLACE TABLE ref_unit_checks AS
WITH named AS (
    -- every unit the registry or a change names (a change may name a unit units.csv lacks)
    SELECT division, unit FROM ref_units
    UNION
    SELECT division, unit FROM ref_unit_successors
    UNION
    SELECT division, successor FROM ref_unit_successors
),
span AS (
    SELECT n.division, n.unit, u.kind, u.valid_from, u.valid_to, u.unit IS NOT NULL AS listed
    FROM named n LEFT JOIN ref_units u USING (division, unit)
),
ended AS (
    SELECT DISTINCT c.division, o.unit, c.changed_on, c.change_no
    FROM ref_unit_changes c CROSS JOIN LATERAL (SELECT unnest(c.old_units) AS unit) o
),
started AS (
    SELECT DISTINCT c.division, n.unit, c.changed_on, c.change_no, c.kind
    FROM ref_unit_changes c CROSS JOIN LATERAL (SELECT unnest(c.new_units) AS unit) n
),
gaps AS (
    SELECT division, unit, string_agg(detail, '；' ORDER BY detail) AS detail FROM (
        SELECT division, unit, '有效期起始日晚于终止日' AS detail FROM span WHERE valid_from > valid_to
        UNION ALL
        SELECT s.division, s.unit,
               '第' || e.change_no || '行变更于 ' || e.changed_on || ' 生效，'
               || CASE WHEN s.valid_to IS NULL OR s.valid_to >= e.changed_on
                       THEN '原单位的有效期却延续到变更之后（重叠）'
                       ELSE '原单位的有效期却在 ' || s.valid_to || ' 就已结束（缺口）' END
        FROM span s JOIN ended e USING (division, unit)
        WHERE s.valid_to IS DISTINCT FROM e.changed_on - 1
        UNION ALL
        SELECT s.division, s.unit,
               '第' || n.change_no || '行变更于 ' || n.changed_on || ' 生效，新单位的有效期却'
               || CASE WHEN s.valid_from > n.changed_on THEN '从 ' || s.valid_from || ' 才开始（缺口）'
                       WHEN s.valid_to < n.changed_on THEN '在变更前已结束'
                       ELSE '早于变更日期开始（重叠）' END
        FROM span s JOIN started n USING (division, unit)
        WHERE s.valid_from > n.changed_on OR s.valid_to < n.changed_on
           -- a rename or split creates its new units that day; a merge may fold units into
           -- one that already existed (并入)
           OR (n.kind <> 'merge' AND s.valid_from IS DISTINCT FROM n.changed_on)
        UNION ALL
        SELECT s.division, s.unit, '有效期至 ' || s.valid_to || ' 结束，但 unit-changes.csv 没有记录它的去向'
        FROM span s WHERE s.valid_to IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ended e WHERE e.division = s.division AND e.unit = s.unit)
        UNION ALL
        SELECT s.division, s.unit, '自 ' || s.valid_from || ' 起启用，但 unit-changes.csv 没有记录它的来历'
        FROM span s WHERE s.valid_from IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM started n WHERE n.division = s.division AND n.unit = s.unit)
        UNION ALL
        SELECT division, unit, '在 unit-changes.csv 中被停用了 ' || count(*) || ' 次'
        FROM ended GROUP BY ALL HAVING count(*) > 1
    ) GROUP BY ALL
),
cycles AS (
    SELECT l.division, l.unit,
           '变更链回到了自身：' || array_to_string(list_append(l.path, s.successor), ' → ') AS detail
    FROM ref_unit_lineage l
    JOIN ref_unit_successors s ON s.division = l.division AND s.unit = l.unit_current AND s.is_primary
),
ambiguous AS (
    SELECT a.division, a.unit,
           string_agg(DISTINCT '别名“' || a.spelling || '”在有效期重叠的时段同时指' || a.unit || '和' || b.unit,
                      '；' ORDER BY '别名“' || a.spelling || '”在有效期重叠的时段同时指' || a.unit || '和' || b.unit)
               AS detail
    FROM ref_unit_spellings a
    JOIN ref_unit_spellings b ON b.division = a.division AND b.spelling = a.spelling AND b.unit <> a.unit
    JOIN ref_units ua ON ua.division = a.division AND ua.unit = a.unit
    JOIN ref_units ub ON ub.division = b.division AND ub.unit = b.unit
    WHERE coalesce(ua.valid_from, DATE '1900-01-01') <= coalesce(ub.valid_to, DATE '9999-12-31')
      AND coalesce(ub.valid_from, DATE '1900-01-01') <= coalesce(ua.valid_to, DATE '9999-12-31')
    GROUP BY ALL
),
records AS (
    SELECT division, unit, string_agg(detail, '；') AS detail FROM (
        SELECT division, unit, '变更记录提到的单位不在 units.csv 中' AS detail FROM span WHERE NOT listed
        UNION ALL
        SELECT c.division, o.unit, '第' || c.change_no || '行的宽限期' ||
               CASE WHEN len(c.new_units) > 1 THEN '只适用于只有一个新单位的变更（拆分后旧名称无法确定归属）'
                    ELSE '早于变更日期' END
        FROM ref_unit_changes c CROSS JOIN LATERAL (SELECT unnest(c.old_units) AS unit) o
        WHERE c.grace_until IS NOT NULL AND (len(c.new_units) > 1 OR c.grace_until < c.changed_on)
        UNION ALL
        SELECT c.division, o.unit, '第' || c.change_no || '行的变更类型与单位个数不符（更名一对一，合并多对一，拆分一对多）'
        FROM ref_unit_changes c CROSS JOIN LATERAL (SELECT unnest(c.old_units) AS unit) o
        WHERE (c.kind = 'rename' AND (len(c.old_units) <> 1 OR len(c.new_units) <> 1))
           OR (c.kind = 'merge' AND len(c.new_units) <> 1)
           OR (c.kind = 'split' AND (len(c.old_units) <> 1 OR len(c.new_units) < 2))
    ) GROUP BY ALL
)
SELECT s.division, s.unit, s.kind, s.valid_from, s.valid_to,
       s.unit || '：' || g.detail AS gap_or_overlap, c.detail AS cycle, a.detail AS ambiguous_alias,
       s.unit || '：' || r.detail AS change_record
FROM span s
LEFT JOIN gaps g USING (division, unit)
LEFT JOIN cycles c USING (division, unit)
LEFT JOIN ambiguous a USING (division, unit)
LEFT JOIN records r USING (division, unit)
ORDER BY s.division, s.unit;

-- Each unit's names over time: itself while in force, then each continuing successor in turn
-- (pos orders them, so on a merge's eve the unit's own name wins over the absorbing one's).
CREATE OR REPLACE TABLE ref_unit_timeline AS
SELECT l.division, l.unit, p.name, p.pos, u.valid_from, u.valid_to
FROM ref_unit_lineage l
CROSS JOIN LATERAL (SELECT unnest(l.path) AS name, generate_subscripts(l.path, 1) AS pos) p
JOIN ref_units u ON u.division = l.division AND u.unit = p.name;

-- unit_current(division, unit): the unit carrying on a unit's work today (a name outside the
-- registry, such as the division's own, is its own successor).
CREATE OR REPLACE MACRO unit_current(d, u) AS coalesce(
    (SELECT l.unit_current FROM ref_unit_lineage l WHERE l.division = d AND l.unit = u), u);

-- unit_on(division, unit, day): what the unit carrying on a unit's work was called that day.
CREATE OR REPLACE MACRO unit_on(d, u, day) AS coalesce(
    (SELECT t.name FROM ref_unit_timeline t
     WHERE t.division = d AND t.unit = u
       AND coalesce(t.valid_from, DATE '1900-01-01') <= day
       AND coalesce(t.valid_to, DATE '9999-12-31') >= day
     ORDER BY t.pos LIMIT 1), u);

