-- Disclosure on request, second part: who handles a request (reassignment), the letters issued
-- (composed once by core::letter, numbered per agency and year, kept unchanged), each county's
-- remedy settings for those letters, an e-mail outbox written in the same transaction as the step
-- it reports (a background task sends it, so a restart loses nothing), and 复议/诉讼 cases
-- linked to their request.
ALTER TABLE requests ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE request_details ADD COLUMN channel_key TEXT;

CREATE TABLE letters (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    year        INTEGER NOT NULL,
    serial      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    letter_json TEXT NOT NULL,
    created_ms  BIGINT NOT NULL,
    UNIQUE (agency_id, year, serial)
);
CREATE INDEX letters_by_request ON letters (request_id, id);

-- The last letter number per agency and year: taken with an upsert that locks the row, so
-- concurrent steps never draw the same number.
CREATE TABLE letter_serials (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE remedy_settings (
    agency_id     INTEGER PRIMARY KEY REFERENCES agencies (id),
    settings_json TEXT NOT NULL
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    sent_ms    BIGINT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_ms    BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_ms, next_ms);

ALTER TABLE cases ADD COLUMN note TEXT;

-- Staff e-mail for notifications (new requests, steps on requests assigned to them).
ALTER TABLE users ADD COLUMN email TEXT;
CREATE INDEX cases_by_request ON cases (request_id);
