-- Limits shared by every server on the database: one row per counted event (a failed sign-in, a
-- request or message from the public, an evaluation), by bucket and subject. Subjects that name a
-- visitor are keyed hashes of their address, never the address; rows older than the retention
-- period are removed.
CREATE TABLE rate_hits (
    bucket  TEXT NOT NULL,
    subject TEXT NOT NULL,
    at_ms   BIGINT NOT NULL
);
CREATE INDEX rate_hits_by_subject ON rate_hits (bucket, subject, at_ms);
CREATE INDEX rate_hits_by_age ON rate_hits (at_ms);
DROP TABLE login_failures;
