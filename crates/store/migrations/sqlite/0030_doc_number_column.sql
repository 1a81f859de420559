-- The 发文字号 moves from a table of its own (0029) onto the item's row, and into both list
-- indexes, so that a list page reads its index and nothing else. Kept apart, every row of a page
-- looked its number up in item_doc_numbers: twenty more B-tree searches a page, most of them a
-- page read from the file (distinct list pages at 100,000 items: about a tenth faster without).
--
-- The writes that set content_json set doc_number with it (crates/store). The triggers keep the
-- rule in the database as 0029's did: a write that leaves the number out of step with the JSON
-- has it set here, so no write path can forget it. They act only then (`WHEN`), because setting
-- it here writes the row a second time.
ALTER TABLE items ADD COLUMN doc_number TEXT NOT NULL DEFAULT '';

UPDATE items SET doc_number = d.doc_number
    FROM item_doc_numbers d
    WHERE d.item_id = items.id AND d.doc_number <> '';

DROP TRIGGER items_doc_number_insert;
DROP TRIGGER items_doc_number_update;
DROP TRIGGER items_doc_number_delete;
DROP TABLE item_doc_numbers;

CREATE TRIGGER items_doc_number_insert AFTER INSERT ON items
    WHEN NEW.doc_number IS NOT COALESCE(json_extract(NEW.content_json, '$.doc_number'), '')
BEGIN
    UPDATE items SET doc_number = COALESCE(json_extract(NEW.content_json, '$.doc_number'), '')
        WHERE id = NEW.id;
END;

CREATE TRIGGER items_doc_number_update AFTER UPDATE OF content_json, doc_number ON items
    WHEN NEW.doc_number IS NOT COALESCE(json_extract(NEW.content_json, '$.doc_number'), '')
BEGIN
    UPDATE items SET doc_number = COALESCE(json_extract(NEW.content_json, '$.doc_number'), '')
        WHERE id = NEW.id;
END;

-- The indexes carry withdrawn_on (always NULL in them) so that SQLite sees them as covering.
DROP INDEX items_by_agency_newest;
CREATE INDEX items_by_agency_newest
    ON items (agency_id, published_on, id, category_id, title, index_no, doc_number, withdrawn_on)
    WHERE withdrawn_on IS NULL;
DROP INDEX items_by_category;
CREATE INDEX items_by_category
    ON items (category_id, published_on, id, title, index_no, doc_number, withdrawn_on)
    WHERE withdrawn_on IS NULL;
