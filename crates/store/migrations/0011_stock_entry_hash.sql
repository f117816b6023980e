-- A stock row keeps its own entry's hash: an inventory scope's checksum no longer
-- needs a second B-tree as large as the stock table. Every other entry keeps its
-- hash in scope_entry.
ALTER TABLE stock ADD COLUMN entry_hash INTEGER NOT NULL DEFAULT 0; -- protocol::entry_hash of the row's record
UPDATE stock SET entry_hash = COALESCE(
    (SELECT e.hash FROM scope_entry e WHERE e.scope = 'inventory:' || stock.location_id AND e.key = 'stock:' || stock.sku),
    0);
DELETE FROM scope_entry WHERE scope LIKE 'inventory:%' AND key LIKE 'stock:%';

-- An entry is written first and its old hash read only when it was already there,
-- so a scope pulled from its start needs no mark of its own.
ALTER TABLE scope_cursor DROP COLUMN filling;
