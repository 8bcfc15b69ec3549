-- Search: events newest first (received_at, id) under the filters ingest can afford an index
-- for. (source, received_at, id) replaces (source, id): listings by source are newest first by
-- arrival too. event_type in byte order ("C"), whatever the database's collation.
DROP INDEX IF EXISTS events_source_id;
CREATE INDEX events_received ON events (received_at, id);
CREATE INDEX events_source_received ON events (source, received_at, id);
CREATE INDEX events_type_received ON events (event_type COLLATE "C", received_at, id);

-- Made off the ingest path by the search indexer (src/maintenance/search-indexer.ts) from
-- search_queue, which the event insert fills in the same statement (one small row per event; a
-- trigger measured dearer: its transition table copies every row, bodies included): the body
-- text (a tsvector of the words search-text.ts cuts, as for a query), and the lookups by request
-- id and provider event id (random values: as indexes on events they cost ingest the most).
-- Deleted with its event by retention (no foreign key: its check is a trigger per row).
CREATE TABLE event_search (
  event_id          TEXT PRIMARY KEY,
  tsv               TSVECTOR NOT NULL,
  request_id        TEXT NOT NULL,
  provider_event_id TEXT
);
CREATE INDEX event_search_tsv ON event_search USING gin (tsv);
CREATE INDEX event_search_request ON event_search (request_id);
CREATE INDEX event_search_provider_event ON event_search (provider_event_id)
  WHERE provider_event_id IS NOT NULL;
CREATE TABLE search_queue (event_id TEXT PRIMARY KEY);
-- Events stored before this migration are indexed in the background too.
INSERT INTO search_queue (event_id) SELECT id FROM events;
