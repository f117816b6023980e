-- Stylist appointments: services (chain-wide), stylists with their schedules
-- (per store), and appointments. The central is the authority: a booking is taken
-- only after checking, in the same transaction, that the stylist is free. On SQLite
-- every write transaction is serialized, so two bookings of one slot can't both pass.

CREATE TABLE service (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol ServiceRecord (JSON)
) STRICT;

CREATE TABLE stylist (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES location (id),
    record   TEXT NOT NULL -- protocol StylistRecord (JSON)
) STRICT;
CREATE INDEX stylist_store ON stylist (store_id);

CREATE TABLE appointment (
    id         TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL REFERENCES location (id),
    stylist_id TEXT NOT NULL REFERENCES stylist (id),
    busy_from  TEXT NOT NULL, -- RFC 3339 UTC, comparable as text
    busy_until TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'no_show', 'cancelled')),
    record     TEXT NOT NULL -- protocol AppointmentRecord (JSON)
) STRICT;
CREATE INDEX appointment_stylist_time ON appointment (stylist_id, busy_from);
