-- Mail is kept as data: the notice a step calls for (core::notice::Message as JSON), rendered from
-- its template when it is sent. Rows from before keep their subject and body; new rows leave them
-- empty.
ALTER TABLE outbox ADD COLUMN message_json TEXT;
