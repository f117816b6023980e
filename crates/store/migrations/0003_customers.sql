-- The store's customers and orders as pulled, and what orders made here record.

CREATE TABLE customer (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_folded       TEXT NOT NULL, -- lower case without accents, for search
    phone             TEXT, -- E.164
    email             TEXT, -- lower case
    marketing_consent INTEGER NOT NULL CHECK (marketing_consent IN (0, 1)),
    pending           INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)) -- made here, not yet confirmed
) STRICT;
CREATE INDEX customer_phone ON customer (phone);
CREATE INDEX customer_email ON customer (email);

ALTER TABLE local_order ADD COLUMN customer_id TEXT;
ALTER TABLE local_order ADD COLUMN payment TEXT;
ALTER TABLE local_order ADD COLUMN promise_date TEXT;

-- Orders of this store as the central last told (whichever device or channel made
-- them). A row here is the truth about an order; local_order keeps what this
-- device made until the central's version arrives.
CREATE TABLE store_order (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol OrderRecord (JSON)
) STRICT;
