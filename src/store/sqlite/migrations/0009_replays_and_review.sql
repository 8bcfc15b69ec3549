-- Replays: a new delivery of a stored event (`origin` 'replay'), linked to the delivery it replays
-- (when the event had one to that destination) and to the bulk job that made it (if any). Its
-- idempotency key is its own (src/domain/idempotency.ts).
ALTER TABLE deliveries ADD COLUMN origin TEXT NOT NULL DEFAULT 'ingest';
ALTER TABLE deliveries ADD COLUMN replay_of TEXT;
ALTER TABLE deliveries ADD COLUMN job_id TEXT;
-- At most one delivery per (job, event, destination): a bulk replay that runs a batch again after
-- a crash creates nothing twice. Rows without a job are not in this index (no cost to ingest).
CREATE UNIQUE INDEX deliveries_job_target ON deliveries (job_id, event_id, destination)
  WHERE job_id IS NOT NULL;
-- Dead-letter review (seed 004): failed -> reviewing -> requeued | discarded, who, when, why.
ALTER TABLE deliveries ADD COLUMN review_state TEXT;
ALTER TABLE deliveries ADD COLUMN reviewed_by TEXT;
ALTER TABLE deliveries ADD COLUMN reviewed_at INTEGER;
ALTER TABLE deliveries ADD COLUMN review_note TEXT;
