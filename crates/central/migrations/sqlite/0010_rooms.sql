-- Rooms some services take (fitting rooms), per store, with how many appointments
-- each holds at once.
CREATE TABLE room (
    id       TEXT PRIMARY KEY,
    store_id TEXT NOT NULL REFERENCES location (id),
    record   TEXT NOT NULL -- protocol RoomRecord (JSON)
) STRICT;
CREATE INDEX room_store ON room (store_id);
