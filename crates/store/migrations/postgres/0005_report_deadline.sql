-- A county may set the date by which its member agencies publish their annual reports (MM-DD of
-- the next year); members inherit it from the nearest agency above them that sets one.
ALTER TABLE agencies ADD COLUMN report_deadline TEXT;
