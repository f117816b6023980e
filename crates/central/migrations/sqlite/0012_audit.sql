-- Who did what: sign-ins, enrollments, revocations, orders, cancellations and
-- managers' changes. Never a secret: no PIN, token or code is written here.

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL, -- RFC 3339 UTC, the central's clock
    action       TEXT NOT NULL,
    store_id     TEXT,
    device_id    TEXT,
    associate_id TEXT,
    channel      TEXT,
    subject      TEXT, -- what it was about: an order, a device, a stylist, a product class
    detail       TEXT  -- JSON
) STRICT;
CREATE INDEX audit_store_at ON audit_log (store_id, at);
