-- An item's page reads its attachments through the draft it was published from: find that draft
-- by the item, not by scanning every draft.
CREATE INDEX item_drafts_by_item ON item_drafts (item_id);
