-- Requests handled in gongkai: the workflow state (core::workflow, as JSON) beside the facts the
-- report counts (decided_on, outcome, kept in step), the request itself, every step, and the
-- requester's personal data in a table of its own that no public page, feed or export reads.
ALTER TABLE requests ADD COLUMN tracking_code TEXT;
ALTER TABLE requests ADD COLUMN status TEXT;
ALTER TABLE requests ADD COLUMN state_json TEXT;
CREATE UNIQUE INDEX requests_by_tracking_code ON requests (tracking_code);

CREATE TABLE request_details (
    request_id  BIGINT PRIMARY KEY REFERENCES requests (id),
    channel     TEXT NOT NULL,
    description TEXT NOT NULL,
    delivery    TEXT NOT NULL
);

CREATE TABLE requesters (
    request_id  BIGINT PRIMARY KEY REFERENCES requests (id),
    name        TEXT NOT NULL,
    id_document TEXT NOT NULL,
    contact     TEXT NOT NULL,
    address     TEXT NOT NULL
);

CREATE TABLE request_events (
    request_id BIGINT NOT NULL REFERENCES requests (id),
    seq        INTEGER NOT NULL,
    event_json TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at_ms      BIGINT NOT NULL,
    PRIMARY KEY (request_id, seq)
);
