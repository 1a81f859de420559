-- Attachments of items (PDF, DOCX, XLSX, images), stored in the database so that several server
-- processes share them and a backup holds them.
CREATE TABLE item_attachments (
    id           INTEGER PRIMARY KEY,
    draft_id     INTEGER NOT NULL REFERENCES item_drafts (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB NOT NULL,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX item_attachments_by_draft ON item_attachments (draft_id, id);
