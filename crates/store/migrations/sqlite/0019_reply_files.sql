-- Files provided with a reply (the information disclosed): uploaded by the case officer before the
-- decision, listed in the decision letter, downloadable by the requester once the reply is given.
CREATE TABLE request_files (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB NOT NULL,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX request_files_by_request ON request_files (request_id, id);
