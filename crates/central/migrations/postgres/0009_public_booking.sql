-- The public booking page: customers book a stylist themselves, without an account.

-- A slot a customer is about to book, held for a few minutes while they type their
-- contact details. An unexpired hold that is not yet confirmed takes the stylist's
-- time like a booking: the slot rule at the central (public page and devices alike)
-- treats it as busy. Confirming sets `appointment_id` in the transaction that makes
-- the appointment, so from then on the appointment takes the time instead.
-- No exclusion constraint here, unlike appointment: whether a hold takes time
-- depends on the clock (expired holds stay until a day later), which a constraint
-- cannot see, so it would refuse holds the slot rule accepts.
CREATE TABLE slot_hold (
    id             TEXT PRIMARY KEY,           -- random, the customer's handle on the hold
    store_id       TEXT NOT NULL REFERENCES location (id),
    stylist_id     TEXT NOT NULL REFERENCES stylist (id),
    service_id     TEXT NOT NULL REFERENCES service (id),
    start          TEXT NOT NULL,              -- RFC 3339 UTC
    busy_from      TEXT NOT NULL,              -- start minus the service's buffer before
    busy_until     TEXT NOT NULL,              -- end plus the buffer after
    expires_at     TEXT NOT NULL,              -- RFC 3339 UTC, comparable as text
    client         TEXT NOT NULL,              -- SHA-256 of the client's address, to cap holds per client
    created_at     TEXT NOT NULL,
    -- Set before the appointment is inserted, in the same transaction: checked at commit.
    appointment_id TEXT REFERENCES appointment (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX slot_hold_store_time ON slot_hold (store_id, busy_until);
CREATE INDEX slot_hold_client ON slot_hold (client, expires_at);

-- Bookings made on the public page, and the SHA-256 of the secret that lets the
-- customer download their calendar file. The secret itself is never stored.
CREATE TABLE public_booking (
    appointment_id TEXT PRIMARY KEY REFERENCES appointment (id),
    token_hash     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
