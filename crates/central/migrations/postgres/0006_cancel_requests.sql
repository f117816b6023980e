-- A cancellation asked for while the order is being picked: the warehouse decides.
ALTER TABLE customer_order ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
