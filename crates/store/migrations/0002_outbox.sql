-- Commands made on this device, queued for the central, and what they changed locally.

-- The outbox: every business command, in the order it was made. The local change
-- and its outbox row are written in one transaction. Rows are kept after the
-- central answers: they are the device's record of what it sent and what came back.
CREATE TABLE outbox (
    counter     INTEGER PRIMARY KEY, -- gap-free per device, from 1
    mutation_id TEXT NOT NULL UNIQUE, -- UUIDv7 made here
    command     TEXT NOT NULL, -- protocol Command (JSON)
    state       TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'rejected')),
    result      TEXT, -- protocol MutationResult (JSON) once answered
    created_at  TEXT NOT NULL,
    answered_at TEXT
) STRICT;

CREATE TABLE local_order (
    id         TEXT PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    counter    INTEGER NOT NULL REFERENCES outbox (counter),
    fulfilment TEXT NOT NULL, -- protocol FulfilmentRecord (JSON)
    lines      TEXT NOT NULL, -- protocol OrderLineRecord array (JSON)
    status     TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'needs_attention', 'cancelled')),
    created_at TEXT NOT NULL
) STRICT;

-- Units reserved here before the central's effect of the command has been pulled.
-- Shown on top of the cached stock, so a pending order never flickers away.
CREATE TABLE provisional_reservation (
    counter     INTEGER NOT NULL REFERENCES outbox (counter),
    sku         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (counter, sku, location_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX provisional_reservation_stock ON provisional_reservation (sku, location_id);
