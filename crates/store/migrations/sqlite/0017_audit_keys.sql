-- The audit chain keyed with a secret kept outside the database: each record names the key its
-- HMAC is made with (NULL: a plain SHA-256, from before keys). Checkpoints are signed statements of
-- the chain head, also written to a file outside the database and published on the portal.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;

CREATE TABLE audit_checkpoints (
    record_id BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    at_ms     BIGINT NOT NULL,
    key_id    TEXT NOT NULL,
    mac       TEXT NOT NULL,
    PRIMARY KEY (record_id, at_ms)
);
