-- An item's page reads its attachments through the draft it was published from: find that draft
-- by the item, not by scanning every draft.
CREATE INDEX item_drafts_by_item ON item_drafts (item_id);
-- ... and its published 政策解读 by the item and the agency together: with only (interprets_id),
-- both engines preferred the agency's index and read every item of the agency (5-9 ms at 100,000
-- items on PostgreSQL, 390 ms at 20,000 on SQLite inside the page's one statement).
CREATE INDEX items_interpreting ON items (interprets_id, agency_id) WHERE withdrawn_on IS NULL;
