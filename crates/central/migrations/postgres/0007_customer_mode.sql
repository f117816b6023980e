-- Product pictures, the people who work at each store, and what customers liked.

-- Files addressed by the SHA-256 of their bytes (lowercase hex): a picture shared
-- by several products is stored once, and a changed picture is a new address.
CREATE TABLE image (
    hash         TEXT PRIMARY KEY CHECK (length(hash) = 64),
    content_type TEXT NOT NULL,
    bytes        BYTEA NOT NULL
);

-- Associates and managers. Only an Argon2id hash of the PIN is kept; it travels to
-- the devices of the associate's store so a PIN can be checked offline.
CREATE TABLE associate (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES location (id),
    name     TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('associate', 'manager')),
    pin_hash TEXT NOT NULL,
    active   BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)) -- 0/1, as on SQLite
);
CREATE INDEX associate_store ON associate (store_id);

-- What a customer liked in store (customer mode), as a JSON array of WishlistItem.
ALTER TABLE customer ADD COLUMN wishlist TEXT NOT NULL DEFAULT '[]';
