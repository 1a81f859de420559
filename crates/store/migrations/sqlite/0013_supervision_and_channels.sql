-- Supervision (监督保障) and publication channels (issue 8).

-- 咨询 / 投诉 from the public: a tracking code, assignment, a reply, and publication of the
-- question and answer when the writer agreed and staff chose to.
CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies (id),
    kind          TEXT NOT NULL CHECK (kind IN ('enquiry', 'complaint')),
    tracking_code TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    contact       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    may_publish   INTEGER NOT NULL DEFAULT 0,
    received_on   TEXT NOT NULL,
    received_ms   BIGINT NOT NULL,
    assignee_id   INTEGER REFERENCES users (id),
    reply         TEXT,
    replied_on    TEXT,
    replied_by    TEXT,
    published     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_agency ON messages (agency_id, received_ms);

-- 社会评议: a rating (1–5) and a comment, on an item or on the disclosure service as a whole.
CREATE TABLE evaluations (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    item_id    INTEGER REFERENCES items (id),
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT NOT NULL,
    rated_on   TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX evaluations_by_agency ON evaluations (agency_id, rated_on);

-- 人大代表建议 / 政协提案 handled by the agency and the publication of their results.
CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('deputy_suggestion', 'committee_proposal')),
    year        INTEGER NOT NULL,
    number      TEXT NOT NULL,
    title       TEXT NOT NULL,
    submitter   TEXT NOT NULL,
    lead        INTEGER NOT NULL DEFAULT 0,
    received_on TEXT NOT NULL,
    replied_on  TEXT,
    result      TEXT,
    published_on TEXT,
    UNIQUE (agency_id, kind, year, number)
);

-- Where an agency's published items go besides its own portal, and each delivery's state. A
-- delivery row is written in the publication's own transaction, so a restart loses none.
CREATE TABLE channels (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('webhook', 'wechat')),
    name        TEXT NOT NULL,
    config_json TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    state_json  TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels (id),
    item_id     INTEGER NOT NULL REFERENCES items (id),
    delivery_id TEXT NOT NULL UNIQUE,
    created_ms  BIGINT NOT NULL,
    done_ms     BIGINT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_ms     BIGINT NOT NULL,
    last_error  TEXT,
    progress_json TEXT NOT NULL DEFAULT '{}',
    UNIQUE (channel_id, item_id)
);
CREATE INDEX deliveries_pending ON deliveries (done_ms, next_ms);
