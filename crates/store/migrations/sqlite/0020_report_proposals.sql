-- Asking for a report's publication: the report exactly as put before the 分管领导 (spec §9 JSON),
-- who approves it (it is then published as it stands here) or sends it back with a reason. At
-- most one proposal per agency and year is pending.
CREATE TABLE report_proposals (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    year           INTEGER NOT NULL,
    proposed_by_id INTEGER,
    proposed_by    TEXT NOT NULL,
    proposed_ms    BIGINT NOT NULL,
    note           TEXT NOT NULL,
    report_json    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'returned')),
    decided_by     TEXT,
    decided_ms     BIGINT,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX report_proposals_one_pending ON report_proposals (agency_id, year) WHERE status = 'pending';
