-- One row per item per channel: the annual tables count an item once per channel.
CREATE OR REPLACE TABLE disclosure_channels AS
SELECT division, index_no, channel, unit, title, category, formed_on, published_on,
       coalesce(normative, false) AS normative, doc_no, url,
       _file AS source_file, _sheet AS source_sheet, _row AS source_row
FROM staging.disclosures_ranked
WHERE row_state = 'loaded'
ORDER BY division, index_no, channel;
