-- One row per item per channel: the annual tables count an item once per channel.
-- An item is a normative document when its 信息类别 is 规范性文件, or when the optional
-- 规范性文件 column says 是 (a 政策文件 may be one); an export without the column still counts
-- its 规范性文件 items.
CREATE OR REPLACE TABLE disclosure_channels AS
SELECT division, index_no, channel, unit, title, category, formed_on, published_on,
       coalesce(normative, false) OR category = '规范性文件' AS normative, doc_no, url,
       _file AS source_file, _sheet AS source_sheet, _row AS source_row,
       unit_current(division, unit) AS unit_current
FROM staging.disclosures_ranked
WHERE row_state = 'loaded'
ORDER BY division, index_no, channel;
