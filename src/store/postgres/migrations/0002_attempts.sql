-- Every attempt of a delivery, kept after the delivery ends (dead letters keep their history).
CREATE TABLE attempts (
  id            TEXT PRIMARY KEY,
  delivery_id   TEXT NOT NULL REFERENCES deliveries (id),
  number        INTEGER NOT NULL,
  worker        TEXT NOT NULL,
  started_at    BIGINT NOT NULL,
  duration_ms   INTEGER NOT NULL,
  status_code   INTEGER,
  response_body TEXT,
  error         TEXT,
  error_class   TEXT,
  outcome       TEXT NOT NULL,
  UNIQUE (delivery_id, number)
);

ALTER TABLE deliveries ADD COLUMN error_class TEXT;
ALTER TABLE deliveries ADD COLUMN dead_reason TEXT;
-- Attempts made before the last requeue: the retry budget counts from here.
ALTER TABLE deliveries ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0;

-- Destinations an operator (or a 410 Gone) paused; their deliveries are held, not attempted.
CREATE TABLE destination_state (
  destination TEXT PRIMARY KEY,
  paused      BOOLEAN NOT NULL DEFAULT FALSE,
  reason      TEXT,
  updated_at  BIGINT NOT NULL
);

-- Claiming is per destination (its own concurrency, rate limit and breaker).
CREATE INDEX deliveries_due_by_destination ON deliveries (destination, next_attempt_at, id)
  WHERE state IN ('pending', 'retry');
CREATE INDEX deliveries_created ON deliveries (created_at);
