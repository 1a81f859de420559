-- The site's identity (name, domain, 网站标识码, ICP and 公安 record numbers, 党政机关 mark, 找错
-- entry, 主办/承办, contact): what every public page's footer and <head> carry. One row per scope:
-- '' for the whole site (an agency's own overrides would use its slug), the settings as JSON.
CREATE TABLE site_settings (
    scope         TEXT PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_ms    BIGINT NOT NULL
);

-- A request form's submission token (its SHA-256) and the request it filed, so a repeated POST of
-- the same form (a refresh, a double click, a retry) answers with the first request instead of
-- filing a second.
CREATE TABLE request_submissions (
    token_hash   TEXT PRIMARY KEY,
    request_code TEXT NOT NULL,
    received_on  DATE NOT NULL,
    created_ms   BIGINT NOT NULL
);
