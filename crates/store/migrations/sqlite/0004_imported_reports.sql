-- Reports of years before an agency used gongkai, imported from a published report (JSON, XLSX, or
-- what the checker reads from text, HTML or DOCX), so carry-over checks work from the first year.
CREATE TABLE imported_reports (
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    year        INTEGER NOT NULL,
    source      TEXT NOT NULL,
    imported_ms BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    report_json TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
