-- Stylist appointments as the central publishes them: services (catalog scope),
-- the store's stylists with their schedules and its appointments (store scope).
-- Records are kept whole (JSON) and computed on with vitrina_core::slots.

CREATE TABLE service (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol ServiceRecord (JSON)
) STRICT;

CREATE TABLE stylist (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol StylistRecord (JSON)
) STRICT;

-- `record` is what the device shows: the central's record, or the device's own
-- change while its command (outbox `counter`) is unanswered. `pulled` is the
-- central's last record (NULL for a booking it has not taken yet), to go back to
-- when it refuses a change.
CREATE TABLE appointment (
    id         TEXT PRIMARY KEY,
    stylist_id TEXT NOT NULL,
    start      TEXT NOT NULL, -- RFC 3339 UTC
    status     TEXT NOT NULL,
    record     TEXT NOT NULL, -- protocol AppointmentRecord (JSON)
    pulled     TEXT,
    counter    INTEGER REFERENCES outbox (counter)
) STRICT;
CREATE INDEX appointment_start ON appointment (start);
