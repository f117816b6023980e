-- Unified commerce: one ledger of every sale, order, return and cancellation of
-- every channel (other systems' transactions and devices' endless-aisle orders),
-- lost demand recorded by associates, and associates' sessions at the central.

ALTER TABLE customer ADD COLUMN chain_consent BIGINT NOT NULL DEFAULT 0 CHECK (chain_consent IN (0, 1));
CREATE INDEX customer_phone ON customer (phone);
CREATE INDEX customer_email ON customer (email);

CREATE TABLE ledger_entry (
    id           TEXT PRIMARY KEY,
    channel      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('sale', 'order', 'return', 'cancellation')),
    reference    TEXT NOT NULL, -- the sender's transaction id, or the order's number
    store_id     TEXT REFERENCES location (id), -- the store it counts for; NULL: the chain only
    customer_id  TEXT REFERENCES customer (id),
    occurred_at  TEXT NOT NULL, -- RFC 3339 UTC, seconds, comparable as text
    received_at  TEXT NOT NULL,
    currency     TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    units        BIGINT NOT NULL CHECK (units >= 0),
    original_id  TEXT, -- the ledger entry a return or cancellation undoes
    order_id     TEXT, -- a device's order
    lines        TEXT NOT NULL -- [TransactionLine] (JSON)
);
CREATE INDEX ledger_store_time ON ledger_entry (store_id, occurred_at);
CREATE INDEX ledger_customer ON ledger_entry (customer_id, occurred_at);
CREATE INDEX ledger_order ON ledger_entry (order_id);

-- Every transaction another channel sent, once: a retry gets the stored result, a
-- reused id with another body is refused.
CREATE TABLE channel_transaction (
    channel        TEXT NOT NULL,
    transaction_id TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    result         TEXT NOT NULL, -- the TransactionResult answered the first time (JSON)
    received_at    TEXT NOT NULL,
    PRIMARY KEY (channel, transaction_id)
);

CREATE TABLE lost_demand (
    id           TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL REFERENCES location (id),
    sku          TEXT,
    product_id   TEXT,
    reason       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    record       TEXT NOT NULL -- protocol LostDemandRecord (JSON)
);
CREATE INDEX lost_demand_store ON lost_demand (store_id, received_at);

-- An associate signed in at the central from a device: the token's SHA-256, who,
-- from which device, until when.
CREATE TABLE associate_session (
    token_hash   TEXT PRIMARY KEY,
    associate_id TEXT NOT NULL REFERENCES associate (id),
    device_id    TEXT NOT NULL REFERENCES device (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

-- Wrong PINs in a row per associate, for the central's own back-off.
CREATE TABLE associate_lockout (
    associate_id TEXT PRIMARY KEY REFERENCES associate (id),
    failures     BIGINT NOT NULL,
    locked_until TEXT
);
