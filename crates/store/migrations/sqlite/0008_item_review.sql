-- Proactive disclosure items written and reviewed in gongkai. A draft (item_drafts) holds the
-- working copy and its review state (core::item); every save is a version; every review step is
-- recorded. Final approval publishes: the published item (items) gets its 索引号 from a counter per
-- agency and period and keeps it for good. items stays the one table the portal and the annual
-- report read; items created before this (imports, the demo) have no draft and no content.
CREATE TABLE item_drafts (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    drafter_id   INTEGER NOT NULL REFERENCES users (id),
    status       TEXT NOT NULL,
    content_json TEXT NOT NULL,
    review_json  TEXT NOT NULL,
    item_id      INTEGER REFERENCES items (id),
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL
);
CREATE INDEX item_drafts_by_agency ON item_drafts (agency_id, status);

CREATE TABLE item_versions (
    draft_id     INTEGER NOT NULL REFERENCES item_drafts (id),
    version      INTEGER NOT NULL,
    content_json TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    PRIMARY KEY (draft_id, version)
);

CREATE TABLE item_steps (
    draft_id  INTEGER NOT NULL REFERENCES item_drafts (id),
    seq       INTEGER NOT NULL,
    step_json TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    PRIMARY KEY (draft_id, seq)
);

CREATE TABLE index_serials (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    period    TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, period)
);

ALTER TABLE items ADD COLUMN index_no TEXT;
ALTER TABLE items ADD COLUMN content_json TEXT;
ALTER TABLE items ADD COLUMN withdrawn_on TEXT;
ALTER TABLE items ADD COLUMN updated_ms BIGINT;
ALTER TABLE items ADD COLUMN interprets_id INTEGER REFERENCES items (id);
ALTER TABLE items ADD COLUMN kind TEXT;
CREATE INDEX items_by_interprets ON items (interprets_id);
CREATE UNIQUE INDEX items_by_index_no ON items (index_no);
-- The portal lists what is on it newest first, per category and per agency: partial indexes serve
-- both the order and the count without reading the (large) rows.
CREATE INDEX items_by_category ON items (category_id, published_on, id) WHERE withdrawn_on IS NULL;
CREATE INDEX items_by_agency_newest ON items (agency_id, published_on, id) WHERE withdrawn_on IS NULL;
