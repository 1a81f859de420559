-- Foundation: agencies, their catalogue, published items (minimal), request and case facts,
-- reported figures and staff-written report text. Dates are ISO 'YYYY-MM-DD' text, so comparisons
-- are chronological; timestamps are RFC 3339 text in UTC.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('town', 'street', 'county_government', 'department')),
    parent_id   INTEGER REFERENCES agencies (id),
    created_at  TEXT NOT NULL
);

CREATE TABLE catalogue_categories (
    id        INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    UNIQUE (agency_id, name)
);

CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    category_id  INTEGER NOT NULL REFERENCES catalogue_categories (id),
    title        TEXT NOT NULL,
    published_on TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX items_by_agency_date ON items (agency_id, published_on);

CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    requester_kind TEXT NOT NULL CHECK (requester_kind IN
        ('natural_person', 'business', 'research', 'non_profit', 'legal_service', 'other_org')),
    received_on    TEXT NOT NULL,
    decided_on     TEXT,
    outcome        TEXT CHECK (outcome IN (
        'disclosed', 'partly_disclosed',
        'withheld.state_secret', 'withheld.prohibited_by_law', 'withheld.security_stability',
        'withheld.third_party', 'withheld.internal_affairs', 'withheld.process_info',
        'withheld.enforcement_file', 'withheld.query_matter',
        'unavailable.not_held', 'unavailable.needs_creation', 'unavailable.still_unclear',
        'not_processed.petition', 'not_processed.repeated', 'not_processed.publication',
        'not_processed.excessive', 'not_processed.confirm_or_reissue',
        'other.no_clarification', 'other.fee_unpaid', 'other.other')),
    created_at     TEXT NOT NULL,
    CHECK ((decided_on IS NULL) = (outcome IS NULL)),
    CHECK (decided_on IS NULL OR decided_on >= received_on)
);
-- The report reads requests open at some point of a year: decided in or after it, or still open.
CREATE INDEX requests_by_agency_decided ON requests (agency_id, decided_on, received_on);

CREATE TABLE cases (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    request_id   INTEGER REFERENCES requests (id),
    kind         TEXT NOT NULL CHECK (kind IN
        ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
    filed_on     TEXT NOT NULL,
    concluded_on TEXT,
    result       TEXT CHECK (result IN ('upheld', 'corrected', 'other')),
    created_at   TEXT NOT NULL,
    CHECK ((concluded_on IS NULL) = (result IS NULL)),
    CHECK (concluded_on IS NULL OR concluded_on >= filed_on)
);
CREATE INDEX cases_by_agency ON cases (agency_id, filed_on);

-- Figures kept in other systems (table 二 until items and permits arrive), with who entered them.
CREATE TABLE reported_figures (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    figure     TEXT NOT NULL,
    value      TEXT NOT NULL,
    source     TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, figure)
);

-- Staff-written parts of a year's report narrative.
CREATE TABLE report_texts (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    part       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, part)
);
