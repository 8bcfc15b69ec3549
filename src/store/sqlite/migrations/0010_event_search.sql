-- Search: events newest first (received_at, then rowid: every SQLite index ends with the rowid)
-- under the filters ingest can afford an index for. (source, received_at) replaces (source, id):
-- listings by source are newest first by arrival too.
DROP INDEX IF EXISTS events_source_id;
CREATE INDEX events_received ON events (received_at);
CREATE INDEX events_source_received ON events (source, received_at);
CREATE INDEX events_type_received ON events (event_type, received_at);

-- The body text index and the lookups by request id and provider event id are in a file of their
-- own beside this one (src/store/sqlite/search-index.ts), written by the search indexer's thread.
