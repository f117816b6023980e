-- Customers of a store, what orders record about payment and promise, and returns.

CREATE TABLE customer (
    id                TEXT PRIMARY KEY,
    store_id          TEXT NOT NULL REFERENCES location (id),
    name              TEXT NOT NULL,
    phone             TEXT, -- E.164
    email             TEXT,
    marketing_consent BIGINT NOT NULL CHECK (marketing_consent IN (0, 1)), -- 0/1, as on SQLite
    created_at        TEXT NOT NULL
);
CREATE INDEX customer_store ON customer (store_id);

ALTER TABLE customer_order ADD COLUMN customer_id TEXT REFERENCES customer (id);
ALTER TABLE customer_order ADD COLUMN payment TEXT NOT NULL DEFAULT '{"method":"at_till","reference":null}';
ALTER TABLE customer_order ADD COLUMN promise_date TEXT;
ALTER TABLE order_line ADD COLUMN returned BIGINT NOT NULL DEFAULT 0;

-- Units of an order brought back, in any store, recorded against the original order.
CREATE TABLE order_return (
    id          TEXT NOT NULL, -- made by the device that took the return
    order_id    TEXT NOT NULL REFERENCES customer_order (id),
    sku         TEXT NOT NULL,
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    location_id TEXT NOT NULL REFERENCES location (id),
    device_id   TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (id, sku)
);
