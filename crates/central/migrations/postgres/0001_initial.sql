-- The central's storage on PostgreSQL. Mirrors migrations/sqlite one file for one
-- file, so both backends end with the same tables, columns (in the same order),
-- keys and indexes. Integers are BIGINT throughout: the code binds and reads every
-- integer as i64. Times stay TEXT in RFC 3339 UTC, comparable as text, as on SQLite.

CREATE TABLE location (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('store', 'warehouse', 'online')),
    name      TEXT NOT NULL,
    country   TEXT NOT NULL,
    city      TEXT NOT NULL,
    address   TEXT NOT NULL,
    lat       DOUBLE PRECISION NOT NULL,
    lon       DOUBLE PRECISION NOT NULL,
    time_zone TEXT NOT NULL,
    currency  TEXT NOT NULL
);

CREATE TABLE product (
    id            TEXT PRIMARY KEY,
    style_code    TEXT NOT NULL UNIQUE,
    product_class TEXT NOT NULL,
    record        TEXT NOT NULL -- the ProductRecord as sent to devices (JSON)
);

CREATE TABLE variant (
    sku        TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES product (id),
    gtin       TEXT NOT NULL UNIQUE
);
CREATE INDEX variant_product ON variant (product_id);

CREATE TABLE stock (
    sku         TEXT NOT NULL REFERENCES variant (sku),
    location_id TEXT NOT NULL REFERENCES location (id),
    on_hand     BIGINT NOT NULL CHECK (on_hand >= 0),
    reserved    BIGINT NOT NULL CHECK (reserved >= 0),
    in_transit  BIGINT NOT NULL CHECK (in_transit >= 0),
    transit_eta TEXT,
    PRIMARY KEY (sku, location_id)
);

CREATE TABLE safety_rule (
    location_id   TEXT NOT NULL REFERENCES location (id),
    product_class TEXT NOT NULL,
    units         BIGINT NOT NULL CHECK (units >= 0),
    PRIMARY KEY (location_id, product_class)
);

-- Each scope's change counter. `head` is bumped inside the writing transaction, so
-- sequence numbers are gap-free and in commit order (two writers of one scope meet
-- on this row's lock: the later waits for the earlier's commit). Changes at or
-- below `floor` have been trimmed: a device behind it must resync.
CREATE TABLE scope_head (
    scope TEXT PRIMARY KEY,
    head  BIGINT NOT NULL,
    floor BIGINT NOT NULL DEFAULT 0
);

-- The compacted change log: the latest change of every key of every scope. An
-- upsert replaces the key's earlier change; a delete leaves a tombstone (NULL payload).
CREATE TABLE change_log (
    scope   TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    key     TEXT NOT NULL,
    payload TEXT, -- a protocol Record as JSON; NULL for a tombstone
    PRIMARY KEY (scope, seq)
);
CREATE UNIQUE INDEX change_log_key ON change_log (scope, key);

CREATE TABLE enrollment_code (
    code_hash  TEXT PRIMARY KEY, -- SHA-256 of the code's digits
    store_id   TEXT NOT NULL REFERENCES location (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL REFERENCES location (id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE, -- SHA-256 of the bearer token; the token itself is never stored
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
);
