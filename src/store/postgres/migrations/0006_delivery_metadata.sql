-- Fields captured from a destination's answer (`capture:` on a route or declared by its
-- transform), as one JSON object; the backend's order id becomes one of them.
ALTER TABLE deliveries ADD COLUMN metadata text NULL;
UPDATE deliveries SET metadata = json_build_object('internalOrderId', internal_order_id)::text
  WHERE internal_order_id IS NOT NULL;
ALTER TABLE deliveries DROP COLUMN internal_order_id;
