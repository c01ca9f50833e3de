-- Whether any ledger (disclosures, requests) holds records of the year: without them a count
-- from the ledgers would be a false 0.
SELECT (SELECT count(*) FROM disclosures WHERE division = $division AND year(published_on) = $year)
     + (SELECT count(*) FROM requests WHERE division = $division AND year(received_on) = $year) > 0
    AS has_ledgers;
