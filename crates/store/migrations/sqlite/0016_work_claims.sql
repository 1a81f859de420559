-- Outbound work is claimed before it is done, so several servers on one database never send the
-- same mail or delivery twice: a claim names the process and lasts until its lease runs out (a
-- process killed mid-send loses its claims when their leases expire, and another resumes).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until_ms BIGINT;
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claimed_until_ms BIGINT;

-- Named leases for work only one server may do at a time (loading the demo into a new database):
-- taken by one holder until `until_ms`, after which another may take it.
CREATE TABLE leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    until_ms BIGINT NOT NULL
);
