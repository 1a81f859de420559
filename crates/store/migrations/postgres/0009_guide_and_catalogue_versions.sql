-- The 政府信息公开指南 (条例 第十二条) and the 主动公开基本目录, both versioned: a guide version is
-- kept for every save and the portal shows the newest; the catalogue as it stood is kept per year.
CREATE TABLE guide_versions (
    agency_id  BIGINT NOT NULL REFERENCES agencies (id),
    version    INTEGER NOT NULL,
    body_html  TEXT NOT NULL,
    note       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    saved_ms   BIGINT NOT NULL,
    PRIMARY KEY (agency_id, version)
);

CREATE TABLE catalogue_versions (
    agency_id       BIGINT NOT NULL REFERENCES agencies (id),
    year            INTEGER NOT NULL,
    categories_json TEXT NOT NULL,
    saved_ms        BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
