-- Stylist appointments: services (chain-wide), stylists with their schedules
-- (per store), and appointments. The central is the authority: a booking is taken
-- only after checking, in the same transaction, that the stylist is free. On
-- PostgreSQL transactions run side by side, so the exclusion constraint below keeps
-- that rule whatever the isolation: of two bookings of one stylist's time that
-- raced, the later fails with exclusion_violation (23P01; at SERIALIZABLE too, not
-- as a serialization failure).

CREATE EXTENSION IF NOT EXISTS btree_gist; -- text equality (=) inside a GiST exclusion

-- The instant an RFC 3339 text names. A text-to-timestamptz cast is only STABLE,
-- because a text without an offset is read in the session's TimeZone; the times
-- stored here always carry one (utc_text writes "...Z"), so the result never
-- depends on the session, which is what makes declaring it IMMUTABLE sound.
CREATE OR REPLACE FUNCTION vitrina_ts(text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT $1::timestamptz $$;

-- SQLite's json_extract, for the '$.field' paths the storage code reads out of
-- records kept as JSON text.
CREATE OR REPLACE FUNCTION json_extract(doc text, path text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CAST(doc AS jsonb) #>> string_to_array(substr(path, 3), '.') $$;

CREATE TABLE service (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol ServiceRecord (JSON)
);

CREATE TABLE stylist (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES location (id),
    record   TEXT NOT NULL -- protocol StylistRecord (JSON)
);
CREATE INDEX stylist_store ON stylist (store_id);

CREATE TABLE appointment (
    id         TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL REFERENCES location (id),
    stylist_id TEXT NOT NULL REFERENCES stylist (id),
    busy_from  TEXT NOT NULL, -- RFC 3339 UTC, comparable as text
    busy_until TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'no_show', 'cancelled')),
    record     TEXT NOT NULL, -- protocol AppointmentRecord (JSON)
    -- What appointments::check_slot enforces, made safe under concurrency: a booked
    -- or checked-in appointment's busy interval (buffers included, half-open, so
    -- back to back is fine) overlaps no other such appointment of the stylist in the
    -- store. A no-show or cancelled one takes no time, as in appointments::bookings.
    -- The store is part of the key because the check only sees the store's own
    -- appointments; without it a stylist moved between stores could be refused here
    -- a booking the code accepts.
    CONSTRAINT appointment_stylist_free EXCLUDE USING gist (
        store_id WITH =,
        stylist_id WITH =,
        tstzrange(vitrina_ts(busy_from), vitrina_ts(busy_until), '[)') WITH &&
    ) WHERE (status IN ('booked', 'checked_in'))
);
CREATE INDEX appointment_stylist_time ON appointment (stylist_id, busy_from);
