CREATE INDEX appointment_start ON appointment (start);
CREATE INDEX customer_email ON customer (email);
CREATE INDEX customer_phone ON customer (phone);
CREATE INDEX lost_demand_recorded ON lost_demand (recorded_at);
CREATE INDEX product_style_code ON product (style_code);
CREATE INDEX provisional_reservation_stock ON provisional_reservation (sku, location_id);
CREATE INDEX purchase_customer ON purchase (customer_id, occurred_at);
CREATE INDEX variant_gtin14 ON variant (gtin14);
CREATE INDEX variant_product ON variant (product_id);
CREATE TABLE appointment (
    id         TEXT PRIMARY KEY,
    stylist_id TEXT NOT NULL,
    start      TEXT NOT NULL, -- RFC 3339 UTC
    status     TEXT NOT NULL,
    record     TEXT NOT NULL, -- protocol AppointmentRecord (JSON)
    pulled     TEXT,
    counter    INTEGER REFERENCES outbox (counter)
) STRICT;
CREATE TABLE associate (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL,
    pin_hash TEXT NOT NULL, -- Argon2id PHC string
    active   INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;
CREATE TABLE customer (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_folded       TEXT NOT NULL, -- lower case without accents, for search
    phone             TEXT, -- E.164
    email             TEXT, -- lower case
    marketing_consent INTEGER NOT NULL CHECK (marketing_consent IN (0, 1)),
    pending           INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)) -- made here, not yet confirmed
, wishlist TEXT NOT NULL DEFAULT '[]', chain_consent INTEGER NOT NULL DEFAULT 0 CHECK (chain_consent IN (0, 1))) STRICT;
CREATE TABLE customer_pick (
    batch      TEXT NOT NULL CHECK (batch IN ('current', 'waiting')),
    product_id TEXT NOT NULL,
    color_code TEXT NOT NULL,
    size       TEXT,
    wanted     INTEGER NOT NULL CHECK (wanted IN (0, 1)),
    picked_at  TEXT NOT NULL,
    PRIMARY KEY (batch, product_id, color_code)
) STRICT;
CREATE TABLE customer_session (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    product_id TEXT NOT NULL,
    started_at TEXT NOT NULL
) STRICT;
CREATE TABLE local_order (
    id         TEXT PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    counter    INTEGER NOT NULL REFERENCES outbox (counter),
    fulfilment TEXT NOT NULL, -- protocol FulfilmentRecord (JSON)
    lines      TEXT NOT NULL, -- protocol OrderLineRecord array (JSON)
    status     TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'needs_attention', 'cancelled')),
    created_at TEXT NOT NULL
, customer_id TEXT, payment TEXT, promise_date TEXT) STRICT;
CREATE TABLE location (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('store', 'warehouse', 'online')),
    name      TEXT NOT NULL,
    country   TEXT NOT NULL,
    city      TEXT NOT NULL,
    address   TEXT NOT NULL,
    lat       REAL NOT NULL,
    lon       REAL NOT NULL,
    time_zone TEXT NOT NULL,
    currency  TEXT NOT NULL
) STRICT;
CREATE TABLE lost_demand (
    id          TEXT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    product_id  TEXT,
    counter     INTEGER REFERENCES outbox (counter),
    record      TEXT NOT NULL -- protocol LostDemandRecord (JSON)
) STRICT;
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE outbox (
    counter     INTEGER PRIMARY KEY, -- gap-free per device, from 1
    mutation_id TEXT NOT NULL UNIQUE, -- UUIDv7 made here
    command     TEXT NOT NULL, -- protocol Command (JSON)
    state       TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'rejected')),
    result      TEXT, -- protocol MutationResult (JSON) once answered
    created_at  TEXT NOT NULL,
    answered_at TEXT
, associate_id TEXT) STRICT;
CREATE TABLE pending_safety_rule (
    counter       INTEGER PRIMARY KEY REFERENCES outbox (counter),
    product_class TEXT NOT NULL,
    units         INTEGER NOT NULL
) STRICT;
CREATE TABLE pin_guard (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    failures     INTEGER NOT NULL,
    locked_until TEXT
) STRICT;
CREATE TABLE product (
    id             TEXT PRIMARY KEY,
    style_code     TEXT NOT NULL,
    name_es        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_es TEXT NOT NULL,
    description_en TEXT NOT NULL,
    category_es    TEXT NOT NULL,
    category_en    TEXT NOT NULL,
    product_class  TEXT NOT NULL,
    colors         TEXT NOT NULL, -- JSON array of ColorRecord, in display order
    sizes          TEXT NOT NULL, -- JSON array of size labels, in display order
    prices         TEXT NOT NULL  -- JSON array of PriceRecord
) STRICT;
CREATE VIRTUAL TABLE product_search USING fts5 (
    style_code,
    name,
    colors,
    category,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
CREATE TABLE provisional_reservation (
    counter     INTEGER NOT NULL REFERENCES outbox (counter),
    sku         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    PRIMARY KEY (counter, sku, location_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE purchase (
    id          TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL, -- RFC 3339 UTC
    order_id    TEXT,          -- an order placed on a device
    record      TEXT NOT NULL  -- protocol PurchaseRecord (JSON)
) STRICT;
CREATE TABLE report_cache (
    from_date    TEXT NOT NULL,
    to_date      TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    record       TEXT NOT NULL, -- vitrina_core SalesReport (JSON)
    PRIMARY KEY (from_date, to_date)
) STRICT;
CREATE TABLE room (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol RoomRecord (JSON)
) STRICT;
CREATE TABLE safety_rule (
    location_id   TEXT NOT NULL,
    product_class TEXT NOT NULL,
    units         INTEGER NOT NULL,
    PRIMARY KEY (location_id, product_class)
) STRICT, WITHOUT ROWID;
CREATE TABLE scope_cursor (
    scope        TEXT PRIMARY KEY,
    after        INTEGER NOT NULL,
    head         INTEGER NOT NULL,
    confirmed_at TEXT
, checksum INTEGER NOT NULL DEFAULT 0) STRICT;
CREATE TABLE scope_entry (
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    hash  INTEGER NOT NULL, -- protocol::entry_hash of the entry's record
    PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE service (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol ServiceRecord (JSON)
) STRICT;
CREATE TABLE "stock" (
    sku         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    on_hand     INTEGER NOT NULL,
    reserved    INTEGER NOT NULL,
    in_transit  INTEGER NOT NULL,
    transit_eta TEXT,
    entry_hash  INTEGER NOT NULL DEFAULT 0, -- protocol::entry_hash of the row's record
    PRIMARY KEY (location_id, sku)
) STRICT, WITHOUT ROWID;
CREATE TABLE store_order (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol OrderRecord (JSON)
) STRICT;
CREATE TABLE stylist (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol StylistRecord (JSON)
) STRICT;
CREATE TABLE variant (
    sku        TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES product (id) ON DELETE CASCADE,
    color_code TEXT NOT NULL,
    size       TEXT NOT NULL,
    gtin       TEXT NOT NULL, -- as printed on the label
    gtin14     TEXT NOT NULL, -- zero-padded to 14 digits, the lookup key; '' if malformed
    position   INTEGER NOT NULL
) STRICT;
