-- Stock keyed by location first: a location's rows sit together, so a first sync,
-- which brings one location's inventory after another, writes each at the end of
-- its own range rather than between the rows of every location already there.
-- Reading one SKU everywhere goes through the locations the cache holds
-- inventory for (its inventory scopes), a handful of key lookups.
CREATE TABLE stock_by_location (
    sku         TEXT NOT NULL,
    location_id TEXT NOT NULL,
    on_hand     INTEGER NOT NULL,
    reserved    INTEGER NOT NULL,
    in_transit  INTEGER NOT NULL,
    transit_eta TEXT,
    entry_hash  INTEGER NOT NULL DEFAULT 0, -- protocol::entry_hash of the row's record
    PRIMARY KEY (location_id, sku)
) STRICT, WITHOUT ROWID;
INSERT INTO stock_by_location (sku, location_id, on_hand, reserved, in_transit, transit_eta, entry_hash)
    SELECT sku, location_id, on_hand, reserved, in_transit, transit_eta, entry_hash FROM stock;
DROP TABLE stock;
ALTER TABLE stock_by_location RENAME TO stock;
