-- Each pulled scope's checksum, kept change by change as the central keeps its own,
-- and each live entry's share of it.
ALTER TABLE scope_cursor ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;

CREATE TABLE scope_entry (
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    hash  INTEGER NOT NULL, -- protocol::entry_hash of the entry's record
    PRIMARY KEY (scope, key)
) STRICT, WITHOUT ROWID;
