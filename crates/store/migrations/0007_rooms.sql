-- The store's rooms that some services take (fitting rooms), as the central publishes them.
CREATE TABLE room (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL -- protocol RoomRecord (JSON)
) STRICT;
