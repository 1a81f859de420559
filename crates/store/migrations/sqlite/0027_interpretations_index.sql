-- An item's published 政策解读 are found by the item they interpret. Almost every item interprets
-- nothing, so an index over every row holds one NULL key for all of them, and once ANALYZE has
-- counted that, both engines judged an item's 解读 as costly to find as the agency's whole list
-- and read every item of the agency for each item page (SQLite: 108 pages/s at 20,000 items).
-- Only the rows that interpret something are indexed; `interprets_id = $1` implies the condition.
DROP INDEX items_interpreting;
DROP INDEX items_by_interprets;
CREATE INDEX items_interpreting ON items (interprets_id, agency_id)
    WHERE withdrawn_on IS NULL AND interprets_id IS NOT NULL;
