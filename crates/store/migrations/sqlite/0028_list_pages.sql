-- A list page reads no item's row: its lists' indexes hold what a list page shows (title, 索引号,
-- category, date), and the 发文字号 is kept apart. Each of the 20 rows of a page was a leaf page
-- of the items table read from disk; with the bodies' overflow pages, half of a list page's time.
--
-- The indexes carry withdrawn_on (always NULL in them) so that SQLite sees them as covering.
DROP INDEX items_by_agency_newest;
CREATE INDEX items_by_agency_newest
    ON items (agency_id, published_on, id, category_id, title, index_no, withdrawn_on)
    WHERE withdrawn_on IS NULL;
DROP INDEX items_by_category;
CREATE INDEX items_by_category
    ON items (category_id, published_on, id, title, index_no, withdrawn_on)
    WHERE withdrawn_on IS NULL;

-- A list page shows each item's 发文字号 beside its title. The number sits in content_json with
-- the body, which SQLite keeps in overflow pages: reading it for a page of 20 walked 20 bodies'
-- overflow chains and parsed 20 JSON documents (two fifths of a list page's time at 100,000
-- items). It is kept here as well, by the database on every write of an item (the triggers), so
-- no write path can forget it. PostgreSQL reads it from the text (`->>`), which costs little there.
CREATE TABLE item_doc_numbers (
    item_id    INTEGER PRIMARY KEY,
    doc_number TEXT NOT NULL
);

INSERT INTO item_doc_numbers (item_id, doc_number)
    SELECT id, COALESCE(json_extract(content_json, '$.doc_number'), '') FROM items;

CREATE TRIGGER items_doc_number_insert AFTER INSERT ON items BEGIN
    INSERT OR REPLACE INTO item_doc_numbers (item_id, doc_number)
        VALUES (NEW.id, COALESCE(json_extract(NEW.content_json, '$.doc_number'), ''));
END;

CREATE TRIGGER items_doc_number_update AFTER UPDATE OF content_json ON items BEGIN
    INSERT OR REPLACE INTO item_doc_numbers (item_id, doc_number)
        VALUES (NEW.id, COALESCE(json_extract(NEW.content_json, '$.doc_number'), ''));
END;

CREATE TRIGGER items_doc_number_delete AFTER DELETE ON items BEGIN
    DELETE FROM item_doc_numbers WHERE item_id = OLD.id;
END;
