-- Unified commerce on the device: customers' purchases from every channel (store
-- scope), lost demand recorded here or pulled, managers' safety-stock changes
-- waiting for the central, and the last store reports fetched for offline reading.

ALTER TABLE customer ADD COLUMN chain_consent INTEGER NOT NULL DEFAULT 0 CHECK (chain_consent IN (0, 1));

CREATE TABLE purchase (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL, -- RFC 3339 UTC
    order_id    TEXT,          -- an order placed on a device
    record      TEXT NOT NULL  -- protocol PurchaseRecord (JSON)
) STRICT;
CREATE INDEX purchase_customer ON purchase (customer_id, occurred_at);

-- What customers wanted and could not have. `counter` is the outbox row of one
-- recorded here and not yet confirmed.
CREATE TABLE lost_demand (
    id          TEXT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    product_id  TEXT,
    counter     INTEGER REFERENCES outbox (counter),
    record      TEXT NOT NULL -- protocol LostDemandRecord (JSON)
) STRICT;
CREATE INDEX lost_demand_recorded ON lost_demand (recorded_at);

-- A manager's safety-stock change queued for the central; it applies when the
-- central's rule is pulled.
CREATE TABLE pending_safety_rule (
    counter       INTEGER PRIMARY KEY REFERENCES outbox (counter),
    product_class TEXT NOT NULL,
    units         INTEGER NOT NULL
) STRICT;

CREATE TABLE report_cache (
    from_date    TEXT NOT NULL,
    to_date      TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    record       TEXT NOT NULL, -- vitrina_core SalesReport (JSON)
    PRIMARY KEY (from_date, to_date)
) STRICT;
