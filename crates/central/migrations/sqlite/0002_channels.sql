-- Other sales channels (e-commerce, point of sale, ...) and the stock movements they send.

CREATE TABLE channel_token (
    id         TEXT PRIMARY KEY,
    channel    TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the bearer token
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

-- Every movement received, once: a retry gets the stored result, a reused id with
-- another body is refused.
CREATE TABLE stock_movement (
    channel      TEXT NOT NULL,
    movement_id  TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result       TEXT NOT NULL, -- the MovementResult answered the first time (JSON)
    received_at  TEXT NOT NULL,
    PRIMARY KEY (channel, movement_id)
) STRICT;

-- A movement that could not be applied as sent (a sale of more units than recorded):
-- accepted, because the sale happened, and raised for someone to count.
CREATE TABLE stock_discrepancy (
    id          INTEGER PRIMARY KEY,
    sku         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    channel     TEXT NOT NULL,
    movement_id TEXT NOT NULL,
    wanted      INTEGER NOT NULL, -- the change the movement asked for
    applied     INTEGER NOT NULL, -- the change made
    raised_at   TEXT NOT NULL
) STRICT;
