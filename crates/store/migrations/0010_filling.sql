-- A scope being pulled from its start (new, or reset): its entries are written
-- without reading the ones before them, and its checksum is summed once, when the
-- pull reaches the head.
ALTER TABLE scope_cursor ADD COLUMN filling INTEGER NOT NULL DEFAULT 0;
