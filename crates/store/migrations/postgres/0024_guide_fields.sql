-- The guide as a form: the office's particulars and the rich-text parts a version was rendered
-- from (JSON of core::guide::GuideFields), so the next revision starts from them. Versions saved
-- as free HTML before have none.
ALTER TABLE guide_versions ADD COLUMN fields_json TEXT;
