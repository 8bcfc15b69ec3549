-- Ordering (docs/ordering.md): a delivery's ordering key, its place in the key's order (key_seq,
-- the order deliveries were stored in) and whether it holds the key's turn. Only the turn holder
-- of a key can be pending, retry or held; the key's other deliveries wait in state `queued`.
ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
ALTER TABLE deliveries ADD COLUMN key_seq INTEGER;
ALTER TABLE deliveries ADD COLUMN key_turn INTEGER NOT NULL DEFAULT 0;
-- One turn per key and destination: the database itself refuses a second.
CREATE UNIQUE INDEX deliveries_key_turn ON deliveries (destination, ordering_key) WHERE key_turn = 1;
-- The next in line of a key: its oldest queued delivery.
CREATE INDEX deliveries_key_queue ON deliveries (destination, ordering_key, key_seq)
  WHERE state = 'queued';
-- key_seq's next value is the largest + 1 (one writer: the file's own process).
CREATE INDEX deliveries_key_seq ON deliveries (key_seq) WHERE key_seq IS NOT NULL;
