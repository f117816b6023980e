//! Applying pulled pages to the cache.

use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use vitrina_core::Gtin;
use vitrina_protocol::{
    inventory_scope_location, Change, ChangeOp, LocationRecord, ProductRecord, Record, SafetyRuleRecord, ScopeCursor,
    ScopePage, ScopeStatus,
};

impl Store {
    /// The cursor of every scope the device has started pulling.
    pub fn cursors(&self) -> Result<Vec<ScopeCursor>> {
        let mut stmt = self.conn.prepare("SELECT scope, after FROM scope_cursor ORDER BY scope")?;
        let rows = stmt.query_map([], |r| Ok(ScopeCursor { scope: r.get(0)?, after: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Makes sure each of `scopes` has a cursor (0 for a new one) and drops the
    /// scopes, and their data, the device is no longer given.
    pub fn subscribe(&mut self, scopes: &[String]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for scope in scopes {
            tx.execute(
                "INSERT INTO scope_cursor (scope, after, head) VALUES (?1, 0, 0) ON CONFLICT (scope) DO NOTHING",
                [scope],
            )?;
        }
        let existing: Vec<String> = {
            let mut stmt = tx.prepare("SELECT scope FROM scope_cursor")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for scope in existing.iter().filter(|s| !scopes.contains(s)) {
            clear_scope(&tx, scope)?;
            tx.execute("DELETE FROM scope_entry WHERE scope = ?1", [scope])?;
            tx.execute("DELETE FROM scope_cursor WHERE scope = ?1", [scope])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies one scope's page and moves its cursor, in one transaction.
    pub fn apply_page(&mut self, page: &ScopePage, server_time: &str) -> Result<PageOutcome> {
        let outcomes = self.apply_pages(std::slice::from_ref(page), server_time)?;
        outcomes.into_iter().next().ok_or_else(|| StoreError::Corrupt("a page applied without an outcome".into()))
    }

    /// Applies a pull response's pages, one per scope, and moves their cursors, in
    /// one transaction. `server_time` is when the central read the pages; a page
    /// that reaches its head makes it the scope's "confirmed as of" time.
    ///
    /// The stock rows of every inventory page are written together, in the stock
    /// table's key order (location, then SKU).
    pub fn apply_pages(&mut self, pages: &[ScopePage], server_time: &str) -> Result<Vec<PageOutcome>> {
        for (i, page) in pages.iter().enumerate() {
            if pages[..i].iter().any(|earlier| earlier.scope == page.scope) {
                return Err(StoreError::Corrupt(format!("scope {} twice in one response", page.scope)));
            }
        }
        let tx = self.conn.transaction()?;
        let mut outcomes = vec![PageOutcome::Applied; pages.len()];
        let mut checksums = vec![0i64; pages.len()];
        // Each inventory page's stock changes; a page's scope is one location's.
        let mut stock: Vec<(&str, Vec<StockChange<'_>>)> = Vec::new();
        let mut json = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            if page.status == ScopeStatus::ResyncRequired {
                reset_scope(&tx, &page.scope, page.head)?;
                outcomes[i] = PageOutcome::Reset;
                tracing::warn!(scope = %page.scope, "scope reset for a full resync");
                continue;
            }
            checksums[i] = tx
                .prepare_cached("SELECT checksum FROM scope_cursor WHERE scope = ?1")?
                .query_row([&page.scope], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            let location = inventory_scope_location(&page.scope);
            let mut rows = Vec::new();
            for change in &page.changes {
                match location.and_then(|location| StockChange::of(i, location, change)) {
                    Some(row) => rows.push(row),
                    None => checksums[i] ^= apply_entry(&tx, &page.scope, change, &mut json)?,
                }
            }
            if let (Some(location), false) = (location, rows.is_empty()) {
                stock.push((location, rows));
            }
        }
        // In the table's key order: location, then SKU. Two pages never share a
        // location (a scope comes once), so each page's rows are sorted on their
        // own, by a stable sort that keeps two changes to one row in order (and
        // costs one pass when a page comes in order).
        stock.sort_unstable_by_key(|(location, _)| *location);
        let mut statements = StockRows::prepare(&tx)?;
        for (_, rows) in &mut stock {
            if !rows.is_sorted_by_key(|row| row.sku) {
                rows.sort_by_key(|row| row.sku);
            }
            for row in rows.iter() {
                checksums[row.page] ^= statements.apply(row, &mut json)?;
            }
        }
        drop(statements);
        for (i, page) in pages.iter().enumerate() {
            if outcomes[i] == PageOutcome::Reset {
                continue;
            }
            if page.checksum.is_some_and(|expected| expected != checksums[i]) {
                // This cache no longer matches the central's scope: whatever the
                // cause, the cure is to pull the scope again from the start.
                reset_scope(&tx, &page.scope, page.head)?;
                outcomes[i] = PageOutcome::Reset;
                tracing::warn!(scope = %page.scope, "scope diverged from the central's; pulling it again");
                continue;
            }
            let confirmed = (page.remaining == 0).then_some(server_time);
            tx.prepare_cached(
                "INSERT INTO scope_cursor (scope, after, head, confirmed_at, checksum) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (scope) DO UPDATE SET after = excluded.after, head = excluded.head,
                     confirmed_at = COALESCE(excluded.confirmed_at, scope_cursor.confirmed_at),
                     checksum = excluded.checksum",
            )?
            .execute(params![page.scope, page.cursor, page.head, confirmed, checksums[i]])?;
        }
        crate::outbox::prune_provisional_in(&tx)?;
        tx.commit()?;
        Ok(outcomes)
    }

    /// When the central last confirmed `scope`, if ever.
    pub fn confirmed_at(&self, scope: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT confirmed_at FROM scope_cursor WHERE scope = ?1", [scope], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The oldest confirmation among the pulled scopes: how fresh the cache is as a whole.
    pub fn oldest_confirmation(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT CASE WHEN COUNT(*) = COUNT(confirmed_at) THEN MIN(confirmed_at) END FROM scope_cursor",
            [],
            |r| r.get(0),
        )?)
    }
}

/// The entry hash of an upsert: as received, or else of its record written out
/// into `json` (a buffer kept from one change to the next).
fn hash_of(change: &Change, record: &Record, json: &mut Vec<u8>) -> Result<i64> {
    if let Some(hash) = change.received_hash {
        return Ok(hash);
    }
    json.clear();
    serde_json::to_writer(&mut *json, record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(vitrina_protocol::entry_hash(&change.key, json.as_slice()))
}

/// Applies a change whose hash is kept in `scope_entry`; answers what it does to
/// the scope's checksum (the XOR of the old hash and the new one).
fn apply_entry(tx: &Transaction<'_>, scope: &str, change: &Change, json: &mut Vec<u8>) -> Result<i64> {
    match &change.op {
        ChangeOp::Upsert { record } => {
            upsert(tx, record)?;
            let hash = hash_of(change, record, json)?;
            // Written first: an entry is new far more often than not (every entry
            // of a first sync), and only one already there has an old hash to read.
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO scope_entry (scope, key, hash) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )?
                .execute(params![scope, change.key, hash])?;
            if inserted == 1 {
                return Ok(hash);
            }
            let old: i64 = tx
                .prepare_cached("SELECT hash FROM scope_entry WHERE scope = ?1 AND key = ?2")?
                .query_row(params![scope, change.key], |r| r.get(0))?;
            tx.prepare_cached("UPDATE scope_entry SET hash = ?3 WHERE scope = ?1 AND key = ?2")?
                .execute(params![scope, change.key, hash])?;
            Ok(old ^ hash)
        }
        ChangeOp::Delete => {
            delete(tx, &change.key)?;
            let old: Option<i64> = tx
                .prepare_cached("DELETE FROM scope_entry WHERE scope = ?1 AND key = ?2 RETURNING hash")?
                .query_row(params![scope, change.key], |r| r.get(0))
                .optional()?;
            Ok(old.unwrap_or(0))
        }
    }
}

/// A change to a stock row of an inventory scope, which keeps its entry's hash on
/// the row itself.
struct StockChange<'p> {
    /// The response's page it came in.
    page: usize,
    sku: &'p str,
    location: &'p str,
    change: &'p Change,
}

impl<'p> StockChange<'p> {
    /// `change` as a change to a stock row of `location`, if it is one: a stock
    /// record of that location under its own key, or the deletion of a stock key.
    fn of(page: usize, location: &'p str, change: &'p Change) -> Option<StockChange<'p>> {
        let sku = change.key.strip_prefix("stock:")?;
        match &change.op {
            ChangeOp::Upsert { record } => match &**record {
                Record::Stock(s) if s.sku == sku && s.location_id == location => {}
                _ => return None,
            },
            ChangeOp::Delete => {}
        }
        Some(StockChange { page, sku, location, change })
    }
}

/// The statements that write stock rows, prepared once for a response.
struct StockRows<'t> {
    insert: rusqlite::CachedStatement<'t>,
    old_hash: rusqlite::CachedStatement<'t>,
    update: rusqlite::CachedStatement<'t>,
    delete: rusqlite::CachedStatement<'t>,
}

impl<'t> StockRows<'t> {
    fn prepare(tx: &'t Transaction<'_>) -> Result<StockRows<'t>> {
        Ok(StockRows {
            insert: tx.prepare_cached(
                "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta, entry_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            )?,
            old_hash: tx.prepare_cached("SELECT entry_hash FROM stock WHERE sku = ?1 AND location_id = ?2")?,
            update: tx.prepare_cached(
                "UPDATE stock SET on_hand = ?3, reserved = ?4, in_transit = ?5, transit_eta = ?6, entry_hash = ?7
                 WHERE sku = ?1 AND location_id = ?2",
            )?,
            delete: tx.prepare_cached("DELETE FROM stock WHERE sku = ?1 AND location_id = ?2 RETURNING entry_hash")?,
        })
    }

    /// Applies `change`; answers what it does to its scope's checksum.
    fn apply(&mut self, change: &StockChange<'_>, json: &mut Vec<u8>) -> Result<i64> {
        let StockChange { sku, location, change, .. } = change;
        match &change.op {
            ChangeOp::Upsert { record } => {
                let Record::Stock(s) = &**record else {
                    return Err(StoreError::Corrupt(format!("{} is not a stock record", change.key)));
                };
                let hash = hash_of(change, record, json)?;
                let row = params![s.sku, s.location_id, s.on_hand, s.reserved, s.in_transit, s.transit_eta, hash];
                // Written first, as entries are: see `apply_entry`.
                if self.insert.execute(row)? == 1 {
                    return Ok(hash);
                }
                let old: i64 = self.old_hash.query_row(params![sku, location], |r| r.get(0))?;
                self.update.execute(row)?;
                Ok(old ^ hash)
            }
            ChangeOp::Delete => {
                let old: Option<i64> = self.delete.query_row(params![sku, location], |r| r.get(0)).optional()?;
                Ok(old.unwrap_or(0))
            }
        }
    }
}

fn upsert(tx: &Transaction<'_>, record: &Record) -> Result<()> {
    match record {
        Record::Location(l) => upsert_location(tx, l),
        Record::Product(p) => upsert_product(tx, p),
        // Outside an inventory scope a stock record has no row to go to.
        Record::Stock(s) => Err(StoreError::Corrupt(format!("stock of {} outside its inventory scope", s.location_id))),
        Record::SafetyRule(r) => upsert_safety(tx, r),
        Record::Customer(c) => crate::orders::upsert_customer(tx, c, false),
        Record::Order(o) => {
            tx.prepare_cached(
                "INSERT INTO store_order (id, record) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            )?
            .execute(params![o.id, to_json(o)?])?;
            Ok(())
        }
        Record::Associate(a) => {
            tx.prepare_cached(
                "INSERT INTO associate (id, store_id, name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, name = excluded.name,
                     role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active",
            )?
            .execute(params![a.id, a.store_id, a.name, a.role, a.pin_hash, a.active])?;
            Ok(())
        }
        Record::Service(v) => {
            tx.prepare_cached(
                "INSERT INTO service (id, record) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            )?
            .execute(params![v.id, to_json(v)?])?;
            Ok(())
        }
        Record::Stylist(v) => {
            tx.prepare_cached(
                "INSERT INTO stylist (id, record) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            )?
            .execute(params![v.id, to_json(v)?])?;
            Ok(())
        }
        Record::Appointment(a) => crate::appointments::apply_pulled(tx, a),
        Record::Purchase(p) => crate::commerce::apply_purchase(tx, p),
        Record::LostDemand(l) => crate::commerce::apply_lost_demand(tx, l),
        Record::Room(r) => {
            tx.prepare_cached(
                "INSERT INTO room (id, record) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            )?
            .execute(params![r.id, to_json(r)?])?;
            Ok(())
        }
    }
}

fn upsert_location(tx: &Transaction<'_>, l: &LocationRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO location (id, kind, name, country, city, address, lat, lon, time_zone, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, country = excluded.country,
             city = excluded.city, address = excluded.address, lat = excluded.lat, lon = excluded.lon,
             time_zone = excluded.time_zone, currency = excluded.currency",
    )?
    .execute(params![
        l.id,
        l.kind.as_str(),
        l.name,
        l.country,
        l.city,
        l.address,
        l.lat,
        l.lon,
        l.time_zone,
        l.currency
    ])?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn upsert_product(tx: &Transaction<'_>, p: &ProductRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO product (id, style_code, name_es, name_en, description_es, description_en,
             category_es, category_en, product_class, colors, sizes, prices)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET style_code = excluded.style_code, name_es = excluded.name_es,
             name_en = excluded.name_en, description_es = excluded.description_es,
             description_en = excluded.description_en, category_es = excluded.category_es,
             category_en = excluded.category_en, product_class = excluded.product_class,
             colors = excluded.colors, sizes = excluded.sizes, prices = excluded.prices",
    )?
    .execute(params![
        p.id,
        p.style_code,
        p.name_es,
        p.name_en,
        p.description_es,
        p.description_en,
        p.category_es,
        p.category_en,
        p.product_class,
        to_json(&p.colors)?,
        to_json(&p.sizes)?,
        to_json(&p.prices)?,
    ])?;
    let rowid: i64 = tx.prepare_cached("SELECT rowid FROM product WHERE id = ?1")?.query_row([&p.id], |r| r.get(0))?;

    tx.prepare_cached("DELETE FROM variant WHERE product_id = ?1")?.execute([&p.id])?;
    let mut insert_variant = tx.prepare_cached(
        "INSERT INTO variant (sku, product_id, color_code, size, gtin, gtin14, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (position, v) in p.variants.iter().enumerate() {
        // A malformed barcode from upstream must not hide the variant: it stays
        // findable by name, only not by scan.
        let gtin14 = Gtin::parse(&v.gtin).map(|g| g.to_gtin14()).unwrap_or_default();
        insert_variant.execute(params![v.sku, p.id, v.color_code, v.size, v.gtin, gtin14, position as i64])?;
    }

    let colors: Vec<String> = p.colors.iter().flat_map(|c| [c.name_es.clone(), c.name_en.clone()]).collect();
    tx.prepare_cached("DELETE FROM product_search WHERE rowid = ?1")?.execute([rowid])?;
    tx.prepare_cached(
        "INSERT INTO product_search (rowid, style_code, name, colors, category) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        rowid,
        search_codes(&p.style_code),
        format!("{} {}", p.name_es, p.name_en),
        colors.join(" "),
        format!("{} {}", p.category_es, p.category_en),
    ])?;
    Ok(())
}

/// A style code indexed both whole and split ("CAM-1042" → "CAM-1042 CAM1042"), so
/// it is found typed with or without its dash.
fn search_codes(style_code: &str) -> String {
    let joined: String = style_code.chars().filter(|c| c.is_alphanumeric()).collect();
    format!("{style_code} {joined}")
}

fn upsert_safety(tx: &Transaction<'_>, r: &SafetyRuleRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO safety_rule (location_id, product_class, units) VALUES (?1, ?2, ?3)
         ON CONFLICT (location_id, product_class) DO UPDATE SET units = excluded.units",
    )?
    .execute(params![r.location_id, r.product_class, r.units])?;
    Ok(())
}

fn delete(tx: &Transaction<'_>, key: &str) -> Result<()> {
    let (entity, id) = key.split_once(':').ok_or_else(|| StoreError::Corrupt(format!("bad key {key}")))?;
    match entity {
        "location" => {
            tx.execute("DELETE FROM location WHERE id = ?1", [id])?;
        }
        "product" => {
            tx.execute("DELETE FROM product_search WHERE rowid = (SELECT rowid FROM product WHERE id = ?1)", [id])?;
            tx.execute("DELETE FROM product WHERE id = ?1", [id])?;
        }
        "stock" => return Err(StoreError::Corrupt(format!("stock key {key} outside its inventory scope"))),
        "safety" => {
            let (location_id, class) =
                id.split_once(':').ok_or_else(|| StoreError::Corrupt(format!("bad key {key}")))?;
            tx.execute(
                "DELETE FROM safety_rule WHERE location_id = ?1 AND product_class = ?2",
                params![location_id, class],
            )?;
        }
        "customer" => {
            tx.execute("DELETE FROM customer WHERE id = ?1", [id])?;
        }
        "order" => {
            tx.execute("DELETE FROM store_order WHERE id = ?1", [id])?;
        }
        "associate" => {
            tx.execute("DELETE FROM associate WHERE id = ?1", [id])?;
        }
        "service" => {
            tx.execute("DELETE FROM service WHERE id = ?1", [id])?;
        }
        "stylist" => {
            tx.execute("DELETE FROM stylist WHERE id = ?1", [id])?;
        }
        "appointment" => {
            tx.execute("DELETE FROM appointment WHERE id = ?1", [id])?;
        }
        "room" => {
            tx.execute("DELETE FROM room WHERE id = ?1", [id])?;
        }
        "purchase" => {
            tx.execute("DELETE FROM purchase WHERE id = ?1", [id])?;
        }
        "lost_demand" => {
            tx.execute("DELETE FROM lost_demand WHERE id = ?1", [id])?;
        }
        other => return Err(StoreError::Corrupt(format!("unknown entity {other}"))),
    }
    Ok(())
}

/// What applying a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOutcome {
    Applied,
    /// The scope was emptied and its cursor set back to 0: pull it again.
    Reset,
}

fn reset_scope(tx: &Transaction<'_>, scope: &str, head: i64) -> Result<()> {
    clear_scope(tx, scope)?;
    tx.execute("DELETE FROM scope_entry WHERE scope = ?1", [scope])?;
    tx.execute(
        "UPDATE scope_cursor SET after = 0, head = ?2, confirmed_at = NULL, checksum = 0 WHERE scope = ?1",
        params![scope, head],
    )?;
    Ok(())
}

/// Removes the data a scope brought.
fn clear_scope(tx: &Transaction<'_>, scope: &str) -> Result<()> {
    if let Some(location) = inventory_scope_location(scope) {
        tx.execute("DELETE FROM stock WHERE location_id = ?1", [location])?;
    } else if scope.starts_with("store:") {
        tx.execute_batch(
            "DELETE FROM customer WHERE pending = 0; DELETE FROM store_order; DELETE FROM purchase;
             DELETE FROM lost_demand WHERE counter IS NULL;",
        )?;
    } else if scope == vitrina_protocol::CATALOG_SCOPE {
        tx.execute_batch(
            "DELETE FROM product_search; DELETE FROM variant; DELETE FROM product;
             DELETE FROM location; DELETE FROM safety_rule;",
        )?;
    }
    Ok(())
}
