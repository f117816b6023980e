//! Applying pulled pages to the cache.

use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use vitrina_core::Gtin;
use vitrina_protocol::{
    inventory_scope_location, ChangeOp, LocationRecord, ProductRecord, Record, SafetyRuleRecord, ScopeCursor,
    ScopePage, ScopeStatus, StockRecord,
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
                "INSERT INTO scope_cursor (scope, after, head, filling) VALUES (?1, 0, 0, 1) ON CONFLICT (scope) DO NOTHING",
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
    /// `server_time` is when the central read the page; when the page reaches the
    /// head it becomes the scope's "confirmed as of" time.
    pub fn apply_page(&mut self, page: &ScopePage, server_time: &str) -> Result<PageOutcome> {
        let tx = self.conn.transaction()?;
        if page.status == ScopeStatus::ResyncRequired {
            reset_scope(&tx, &page.scope, page.head)?;
            tx.commit()?;
            tracing::warn!(scope = %page.scope, "scope reset for a full resync");
            return Ok(PageOutcome::Reset);
        }
        let location = inventory_scope_location(&page.scope);
        let (mut checksum, filling): (i64, bool) = tx
            .prepare_cached("SELECT checksum, filling FROM scope_cursor WHERE scope = ?1")?
            .query_row([&page.scope], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, false));
        for change in &page.changes {
            // A scope pulled from its start holds nearly none of the entries its
            // pages bring: their hashes are summed once at the head instead of each
            // entry's old hash being read here.
            if !filling {
                let old: Option<i64> = tx
                    .prepare_cached("SELECT hash FROM scope_entry WHERE scope = ?1 AND key = ?2")?
                    .query_row(params![page.scope, change.key], |r| r.get(0))
                    .optional()?;
                if let Some(old) = old {
                    checksum ^= old;
                }
            }
            match &change.op {
                ChangeOp::Upsert { record } => {
                    upsert(&tx, record)?;
                    let hash = vitrina_protocol::entry_hash(&change.key, &to_json(record)?);
                    checksum ^= hash;
                    tx.prepare_cached(
                        "INSERT INTO scope_entry (scope, key, hash) VALUES (?1, ?2, ?3)
                         ON CONFLICT (scope, key) DO UPDATE SET hash = excluded.hash",
                    )?
                    .execute(params![page.scope, change.key, hash])?;
                }
                ChangeOp::Delete => {
                    delete(&tx, location, &change.key)?;
                    tx.prepare_cached("DELETE FROM scope_entry WHERE scope = ?1 AND key = ?2")?
                        .execute(params![page.scope, change.key])?;
                }
            }
        }
        let filled = filling && page.remaining == 0;
        if filled {
            checksum = summed_checksum(&tx, &page.scope)?;
        }
        if page.checksum.is_some_and(|expected| expected != checksum) {
            // This cache no longer matches the central's scope: whatever the cause,
            // the cure is to pull the scope again from the start.
            reset_scope(&tx, &page.scope, page.head)?;
            tx.commit()?;
            tracing::warn!(scope = %page.scope, "scope diverged from the central's; pulling it again");
            return Ok(PageOutcome::Reset);
        }
        let confirmed = (page.remaining == 0).then_some(server_time);
        tx.execute(
            "INSERT INTO scope_cursor (scope, after, head, confirmed_at, checksum, filling)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (scope) DO UPDATE SET after = excluded.after, head = excluded.head,
                 confirmed_at = COALESCE(excluded.confirmed_at, scope_cursor.confirmed_at),
                 checksum = excluded.checksum, filling = excluded.filling",
            params![page.scope, page.cursor, page.head, confirmed, checksum, filling && !filled],
        )?;
        crate::outbox::prune_provisional_in(&tx)?;
        tx.commit()?;
        Ok(PageOutcome::Applied)
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

fn upsert(tx: &Transaction<'_>, record: &Record) -> Result<()> {
    match record {
        Record::Location(l) => upsert_location(tx, l),
        Record::Product(p) => upsert_product(tx, p),
        Record::Stock(s) => upsert_stock(tx, s),
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

fn upsert_stock(tx: &Transaction<'_>, s: &StockRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
             in_transit = excluded.in_transit, transit_eta = excluded.transit_eta",
    )?
    .execute(params![s.sku, s.location_id, s.on_hand, s.reserved, s.in_transit, s.transit_eta])?;
    Ok(())
}

fn upsert_safety(tx: &Transaction<'_>, r: &SafetyRuleRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO safety_rule (location_id, product_class, units) VALUES (?1, ?2, ?3)
         ON CONFLICT (location_id, product_class) DO UPDATE SET units = excluded.units",
    )?
    .execute(params![r.location_id, r.product_class, r.units])?;
    Ok(())
}

fn delete(tx: &Transaction<'_>, location: Option<&str>, key: &str) -> Result<()> {
    let (entity, id) = key.split_once(':').ok_or_else(|| StoreError::Corrupt(format!("bad key {key}")))?;
    match entity {
        "location" => {
            tx.execute("DELETE FROM location WHERE id = ?1", [id])?;
        }
        "product" => {
            tx.execute("DELETE FROM product_search WHERE rowid = (SELECT rowid FROM product WHERE id = ?1)", [id])?;
            tx.execute("DELETE FROM product WHERE id = ?1", [id])?;
        }
        "stock" => {
            let location = location.ok_or_else(|| StoreError::Corrupt(format!("stock key {key} outside inventory")))?;
            tx.execute("DELETE FROM stock WHERE sku = ?1 AND location_id = ?2", params![id, location])?;
        }
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
        "UPDATE scope_cursor SET after = 0, head = ?2, confirmed_at = NULL, checksum = 0, filling = 1 WHERE scope = ?1",
        params![scope, head],
    )?;
    Ok(())
}

/// A scope's checksum summed from its entries: the XOR of their hashes.
fn summed_checksum(tx: &Transaction<'_>, scope: &str) -> Result<i64> {
    let mut stmt = tx.prepare_cached("SELECT hash FROM scope_entry WHERE scope = ?1")?;
    let mut rows = stmt.query([scope])?;
    let mut checksum = 0i64;
    while let Some(row) = rows.next()? {
        checksum ^= row.get::<_, i64>(0)?;
    }
    Ok(checksum)
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
