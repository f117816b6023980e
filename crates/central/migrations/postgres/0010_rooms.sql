-- Rooms some services take (fitting rooms), per store, with how many appointments
-- each holds at once. A capacity of several can't be an exclusion constraint (and
-- appointments name no room), so only the slot rule guards it: SQLite runs one
-- writer at a time, and on PostgreSQL the central's SERIALIZABLE transactions make
-- a booking that raced another fail and run again.
CREATE TABLE room (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES location (id),
    record   TEXT NOT NULL -- protocol RoomRecord (JSON)
);
CREATE INDEX room_store ON room (store_id);
