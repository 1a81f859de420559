-- The 发文字号 moves from a table of its own (0029) onto the item's row, as on SQLite (0030):
-- both backends' list pages read it with one statement and no join. PostgreSQL's trigger sets it
-- before the row is written, so the writes that set it themselves and those that do not store
-- the same number.
ALTER TABLE items ADD COLUMN doc_number TEXT NOT NULL DEFAULT '';

UPDATE items SET doc_number = d.doc_number
    FROM item_doc_numbers d
    WHERE d.item_id = items.id AND d.doc_number <> '';

DROP TRIGGER items_doc_number ON items;
DROP FUNCTION items_doc_number();
DROP TABLE item_doc_numbers;

CREATE FUNCTION items_doc_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.doc_number := COALESCE(NEW.content_json::json ->> 'doc_number', '');
    RETURN NEW;
END
$$;

CREATE TRIGGER items_doc_number BEFORE INSERT OR UPDATE OF content_json, doc_number ON items
    FOR EACH ROW EXECUTE FUNCTION items_doc_number();
