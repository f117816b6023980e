-- Business commands pushed by devices, and the orders they place.

ALTER TABLE device ADD COLUMN last_counter BIGINT NOT NULL DEFAULT 0;

-- Every command a device pushed, once: (device, counter) and (device, mutation_id)
-- each identify it; the stored result answers retries.
CREATE TABLE device_mutation (
    device_id    TEXT NOT NULL REFERENCES device (id),
    counter      BIGINT NOT NULL,
    mutation_id  TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result       TEXT NOT NULL, -- the MutationResult answered the first time (JSON)
    received_at  TEXT NOT NULL,
    PRIMARY KEY (device_id, counter),
    UNIQUE (device_id, mutation_id)
);

CREATE TABLE customer_order (
    id         TEXT PRIMARY KEY, -- made on the device
    number     TEXT NOT NULL UNIQUE,
    store_id   TEXT NOT NULL REFERENCES location (id),
    device_id  TEXT NOT NULL REFERENCES device (id),
    channel    TEXT NOT NULL,
    fulfilment TEXT NOT NULL, -- FulfilmentRecord (JSON)
    status     TEXT NOT NULL,
    created_at TEXT NOT NULL -- arrival at the central: events are ordered by arrival
);

CREATE TABLE order_line (
    order_id           TEXT NOT NULL REFERENCES customer_order (id),
    line_no            BIGINT NOT NULL,
    sku                TEXT NOT NULL REFERENCES variant (sku),
    quantity           BIGINT NOT NULL CHECK (quantity > 0),
    source_location_id TEXT NOT NULL REFERENCES location (id),
    PRIMARY KEY (order_id, line_no)
);
