-- Ordering (docs/ordering.md): a delivery's ordering key, its place in the key's order (key_seq,
-- from a sequence taken under the key's advisory lock: the order deliveries were stored in) and
-- whether it holds the key's turn. Only the turn holder of a key can be pending, retry or held;
-- the key's other deliveries wait in state `queued`. Claims need nothing more: two instances can
-- never claim two deliveries of one key, as only one of them is ever claimable.
ALTER TABLE deliveries ADD COLUMN ordering_key text NULL;
ALTER TABLE deliveries ADD COLUMN key_seq bigint NULL;
ALTER TABLE deliveries ADD COLUMN key_turn boolean NOT NULL DEFAULT false;
-- One turn per key and destination: the database itself refuses a second.
CREATE UNIQUE INDEX deliveries_key_turn ON deliveries (destination, ordering_key) WHERE key_turn;
-- The next in line of a key: its oldest queued delivery.
CREATE INDEX deliveries_key_queue ON deliveries (destination, ordering_key, key_seq)
  WHERE state = 'queued';
CREATE SEQUENCE delivery_key_seq;
