-- Activities have no id of their own; a content hash gives them a stable one.
CREATE OR REPLACE TABLE activities AS
SELECT division,
       left(md5(concat_ws('|', division, activity_date, unit, activity_type, title,
                          head_attended, people)), 16) AS activity_id,
       activity_date, unit, activity_type, title, coalesce(head_attended, false) AS head_attended,
       people, coalesce(units_involved, []::VARCHAR[]) AS units_involved, url,
       _file AS source_file, _row AS source_row, unit_current(division, unit) AS unit_current
FROM staging.activities_ranked
WHERE row_state = 'loaded'
ORDER BY division, activity_date, unit, activity_type, title;
