-- Customer mode: the store's associates (to check a PIN offline), the session of a
-- customer browsing on the device, what they picked, and the PIN back-off.

CREATE TABLE associate (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL,
    pin_hash TEXT NOT NULL, -- Argon2id PHC string
    active   INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;

-- At most one row: present while the device is in customer mode, so the mode
-- survives a restart of the app.
CREATE TABLE customer_session (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    product_id TEXT NOT NULL,
    started_at TEXT NOT NULL
) STRICT;

-- What the customer picked: 'current' during the session, 'waiting' once the
-- associate is back, until added to a cart, saved to a profile or dismissed.
CREATE TABLE customer_pick (
    batch      TEXT NOT NULL CHECK (batch IN ('current', 'waiting')),
    product_id TEXT NOT NULL,
    color_code TEXT NOT NULL,
    size       TEXT,
    wanted     INTEGER NOT NULL CHECK (wanted IN (0, 1)),
    picked_at  TEXT NOT NULL,
    PRIMARY KEY (batch, product_id, color_code)
) STRICT;

-- Wrong PINs in a row and the lock they earned (see vitrina_core::lockout).
CREATE TABLE pin_guard (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    failures     INTEGER NOT NULL,
    locked_until TEXT
) STRICT;

-- What the customer liked in store, as the central keeps it (JSON array of WishlistItem).
ALTER TABLE customer ADD COLUMN wishlist TEXT NOT NULL DEFAULT '[]';
