-- Published annual reports. A published version is never changed: a correction is a new version
-- with a note saying what changed. The snapshot is the report exactly as published (spec §9 JSON).
CREATE TABLE report_publications (
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    year         INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    published_ms BIGINT NOT NULL,
    published_by TEXT NOT NULL,
    note         TEXT NOT NULL,
    report_json  TEXT NOT NULL,
    PRIMARY KEY (agency_id, year, version)
);
