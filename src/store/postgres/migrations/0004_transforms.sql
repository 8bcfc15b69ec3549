-- What a route's transform sent, kept on the attempt for inspection.
ALTER TABLE attempts ADD COLUMN request_body TEXT;
-- The backend's own id for the order it created from this delivery (its `orderId` answer).
ALTER TABLE deliveries ADD COLUMN internal_order_id TEXT;
-- Why a delivery is quarantined (a JSON array of reasons).
ALTER TABLE deliveries ADD COLUMN reasons TEXT;
