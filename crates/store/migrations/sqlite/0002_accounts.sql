-- Accounts, roles per agency, server-side sessions, sign-in throttling and the audit trail.
-- Instants that are compared in queries are integer milliseconds since the Unix epoch (UTC), which
-- compare the same way on both engines.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    is_system_admin      BOOLEAN NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    disabled             BOOLEAN NOT NULL,
    created_ms           BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    role       TEXT NOT NULL CHECK (role IN ('drafter', 'first_reviewer', 'final_reviewer',
                                             'case_officer', 'agency_admin', 'oversight_officer')),
    granted_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, agency_id, role)
);
CREATE INDEX user_roles_by_agency ON user_roles (agency_id);

-- The session id itself is never stored: only its SHA-256.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    at_ms   BIGINT NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, at_ms);

-- Append-only: rows are only ever inserted, each carrying the hash of the one before.
CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY,
    at_ms     BIGINT NOT NULL,
    actor_id  BIGINT,
    actor     TEXT NOT NULL,
    agency    TEXT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    summary   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_agency ON audit_log (agency, id);
CREATE INDEX audit_by_at ON audit_log (at_ms);

-- The chain head, one row: appends lock it, so concurrent writers chain one after another.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (singleton, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
