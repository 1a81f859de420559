-- Images the site's pages show that the site administrator uploads (the header's logo or banner),
-- served from the site itself so the pages' content security policy admits them and every server
-- of an installation has them. Named by the digest of their bytes: a new upload is a new name, so
-- browsers never keep an old one.
CREATE TABLE site_files (
    name         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL,
    created_ms   BIGINT NOT NULL
);
