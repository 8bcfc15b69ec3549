-- Events as received: raw body bytes, redacted headers, identity for dedupe and routing.
CREATE TABLE events (
  id                TEXT PRIMARY KEY,
  source            TEXT NOT NULL,
  provider          TEXT NOT NULL,
  provider_event_id TEXT,
  event_type        TEXT,
  request_id        TEXT NOT NULL,
  client_ip         TEXT NOT NULL,
  method            TEXT NOT NULL,
  url               TEXT NOT NULL,
  headers           TEXT NOT NULL,
  body              BYTEA NOT NULL,
  received_at       BIGINT NOT NULL,
  duplicate_count   INTEGER NOT NULL DEFAULT 0,
  last_duplicate_at BIGINT
);
CREATE INDEX events_source_id ON events (source, id);

-- One row per (source, key) while its window is open; an expired row is taken over in place.
CREATE TABLE event_dedupe (
  source     TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  event_id   TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (source, dedupe_key)
);

-- The delivery queue is this table: due rows are claimed with a lease.
CREATE TABLE deliveries (
  id              TEXT PRIMARY KEY,
  event_id        TEXT NOT NULL REFERENCES events (id),
  route           TEXT NOT NULL,
  destination     TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT,
  lease_owner     TEXT,
  lease_until     BIGINT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX deliveries_event ON deliveries (event_id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'retry');
CREATE INDEX deliveries_state ON deliveries (state, destination);
