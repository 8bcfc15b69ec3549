-- Background jobs (bulk replays): the state lives here, so a job resumes after a restart, on any
-- instance; the one running it holds a lease, as a worker holds a delivery's.
CREATE TABLE jobs (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  state       TEXT NOT NULL,
  params      TEXT NOT NULL,
  total       INTEGER NOT NULL,
  done        INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  cursor      TEXT,
  created_by  TEXT,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  finished_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  error       TEXT
);
CREATE INDEX jobs_state ON jobs (state, created_at);

-- Retention: the key rows of an event (its dedupe window still open keeps it), and expired keys
-- swept in order. Both append in time order on insert.
CREATE INDEX event_dedupe_event ON event_dedupe (event_id);
CREATE INDEX event_dedupe_expires ON event_dedupe (expires_at);

-- A bulk replay waits while too many of its deliveries wait: counted from this small index (only
-- a job's deliveries that are still waiting are in it; ingest's never are, so their updates stay
-- HOT).
CREATE INDEX deliveries_job_waiting ON deliveries (job_id)
  WHERE job_id IS NOT NULL AND state IN ('pending', 'queued', 'retry', 'held');
