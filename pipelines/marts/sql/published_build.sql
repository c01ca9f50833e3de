-- The build a division's published marts come from (build_info is written at publish).
SELECT division, as_of, built_at, build_id, code_version
FROM build_info
WHERE division = $division;
