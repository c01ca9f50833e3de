-- The lineage as intervals: a row of annual_report_sources is added by the build that first
-- published it and removed by the first one that no longer did, so the records behind any
-- cell at any publication can be listed (explain --since) without a copy per build.
CREATE OR REPLACE TABLE staging.lineage_now AS
SELECT *, md5(concat_ws('|', division, coalesce(unit, '<全区划>'), year, template, table_code, row_code,
                        col_code, source, record_id, coalesce(record_unit, ''), CAST(amount AS VARCHAR)))
          AS lineage_key
FROM annual_report_sources;

UPDATE annual_report_sources_history
SET removed_build_id = getvariable('build_id'), removed_at = getvariable('published_at')
WHERE removed_at IS NULL AND lineage_key NOT IN (SELECT lineage_key FROM staging.lineage_now);

INSERT INTO annual_report_sources_history BY NAME
SELECT n.*, getvariable('build_id') AS added_build_id, getvariable('published_at') AS added_at
FROM staging.lineage_now n
WHERE n.lineage_key NOT IN (SELECT lineage_key FROM annual_report_sources_history WHERE removed_at IS NULL);
