-- The site's identity (name, domain, 网站标识码, ICP and 公安 record numbers, 党政机关 mark, 找错
-- entry, 主办/承办, contact): what every public page's footer and <head> carry. One row per scope:
-- '' for the whole site (an agency's own overrides would use its slug), the settings as JSON.
CREATE TABLE site_settings (
    scope         TEXT PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
