//! The central's storage: locations, stock, devices and the change log devices pull,
//! written once for SQLite and PostgreSQL (see [`crate::sql`]).
//!
//! Invariant: every write that devices must see calls [`record_change`] inside the
//! same transaction, so a scope's sequence numbers are gap-free and in commit order.

use crate::error::CentralError;
use crate::sql::{params, Announcement, Connection, OptionalExtension, Transaction, Value};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use vitrina_core::LocationKind;
use vitrina_protocol::{
    inventory_scope, inventory_scope_location, LocationRecord, Record, ScopePage, ScopeStatus, StockRecord,
    CATALOG_SCOPE,
};

pub use crate::db::{Db, Result};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn sha256_hex(data: &str) -> String {
    hex::encode(Sha256::digest(data.as_bytes()))
}

// ------------------------------------------------------------------ change log

/// Appends a change to `scope` and returns its sequence number. Must run inside the
/// transaction (or savepoint) that made the change.
pub fn record_change(tx: &Connection, scope: &str, key: &str, record: Option<&Record>) -> Result<i64> {
    tx.announce(Announcement::Changes)?;
    let payload = record.map(serde_json::to_string).transpose()?;
    let previous: Option<Option<String>> = tx
        .prepare_cached("SELECT payload FROM change_log WHERE scope = ?1 AND key = ?2")?
        .query_row(params![scope, key], |r| r.get(0))
        .optional()?;
    let mut delta = 0i64;
    if let Some(Some(old)) = &previous {
        delta ^= vitrina_protocol::entry_hash(key, old);
    }
    if let Some(new) = &payload {
        delta ^= vitrina_protocol::entry_hash(key, new);
    }
    // SQLite has no XOR operator: the new checksum is computed here, inside the
    // same transaction as the head it goes with.
    let checksum = tx
        .prepare_cached("SELECT checksum FROM scope_head WHERE scope = ?1")?
        .query_row([scope], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0)
        ^ delta;
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO scope_head (scope, head, checksum) VALUES (?1, 1, ?2)
             ON CONFLICT (scope) DO UPDATE SET head = scope_head.head + 1, checksum = excluded.checksum
             RETURNING head",
        )?
        .query_row(params![scope, checksum], |r| r.get(0))?;
    tx.prepare_cached("DELETE FROM change_log WHERE scope = ?1 AND key = ?2")?.execute(params![scope, key])?;
    tx.prepare_cached("INSERT INTO change_log (scope, seq, key, payload) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![scope, seq, key, payload])?;
    Ok(seq)
}

/// Change-log entries written in bulk, for loading a chain into a database: every
/// key must be new to its scope. Sequence numbers and checksums go on from each
/// scope's head exactly as [`record_change`]'s would, in the order given.
#[derive(Default)]
pub struct BulkChanges {
    pending: Vec<(String, String, String)>,
}

impl BulkChanges {
    pub fn new() -> BulkChanges {
        BulkChanges::default()
    }

    /// Queues an upsert of `key` (a new key) with `payload` (a Record's JSON).
    pub fn upsert(&mut self, scope: &str, key: String, payload: String) {
        self.pending.push((scope.to_owned(), key, payload));
    }

    /// Writes what is queued, in the transaction that wrote the records.
    pub fn write(&mut self, tx: &Connection) -> Result<()> {
        tx.announce(Announcement::Changes)?;
        let mut heads: std::collections::HashMap<String, (i64, i64)> = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(self.pending.len());
        for (scope, key, payload) in self.pending.drain(..) {
            let head = match heads.get_mut(&scope) {
                Some(head) => head,
                None => {
                    let current = tx
                        .prepare_cached("SELECT head, checksum FROM scope_head WHERE scope = ?1")?
                        .query_row([&scope], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?
                        .unwrap_or((0, 0));
                    heads.entry(scope.clone()).or_insert(current)
                }
            };
            head.0 += 1;
            head.1 ^= vitrina_protocol::entry_hash(&key, &payload);
            rows.push(vec![Value::Text(scope), Value::Integer(head.0), Value::Text(key), Value::Text(payload)]);
        }
        tx.copy_in("change_log", &["scope", "seq", "key", "payload"], &rows)?;
        for (scope, (head, checksum)) in heads {
            tx.prepare_cached(
                "INSERT INTO scope_head (scope, head, checksum) VALUES (?1, ?2, ?3)
                 ON CONFLICT (scope) DO UPDATE SET head = excluded.head, checksum = excluded.checksum",
            )?
            .execute(params![scope, head, checksum])?;
        }
        Ok(())
    }
}

/// Records an upsert of `record` in `scope`.
pub fn record_upsert(tx: &Connection, scope: &str, record: &Record) -> Result<i64> {
    record_change(tx, scope, &record.key(), Some(record))
}

/// Changes left in a scope are counted exactly up to this many; beyond it a page
/// says `head - cursor`, an upper bound (compaction leaves gaps in the sequence).
pub const COUNT_CAP: i64 = 20_000;

/// Where a scope's change log stands: its last sequence number, the oldest cursor
/// it still serves (older changes were compacted away) and its checksum at the head.
/// A scope nothing was ever written to stands at zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeHead {
    pub head: i64,
    pub floor: i64,
    pub checksum: i64,
}

impl ScopeHead {
    /// Whether a device at `after` must pull the scope again from the start: a
    /// cursor beyond the head means the central's data was replaced; one below the
    /// floor means the changes it needs were compacted away.
    fn needs_resync(&self, after: i64) -> bool {
        after > self.head || (after < self.floor && after != 0) || after < 0
    }

    /// The page for a device already at the head: no changes, its checksum. `None`
    /// when the scope has news for `after` or must be pulled again.
    pub fn page_if_current(&self, scope: &str, after: i64) -> Option<ServedPage> {
        (after == self.head && !self.needs_resync(after))
            .then(|| ServedPage::empty(scope, ScopeStatus::Ok, after, self.head, 0, Some(self.checksum)))
    }

    fn from_row(r: &crate::sql::Row) -> crate::sql::Result<ScopeHead> {
        Ok(ScopeHead { head: r.get(0)?, floor: r.get(1)?, checksum: r.get(2)? })
    }
}

/// Where `scope` stands.
pub fn scope_head(conn: &Connection, scope: &str) -> Result<ScopeHead> {
    Ok(conn
        .prepare_cached("SELECT head, floor, checksum FROM scope_head WHERE scope = ?1")?
        .query_row([scope], ScopeHead::from_row)
        .optional()?
        .unwrap_or_default())
}

/// Where each of `scopes` stands, in one query; a scope never written to is absent.
pub fn scope_heads(conn: &Connection, scopes: &[&str]) -> Result<std::collections::HashMap<String, ScopeHead>> {
    if scopes.is_empty() {
        return Ok(Default::default());
    }
    let placeholders: Vec<String> = (1..=scopes.len()).map(|i| format!("?{i}")).collect();
    let sql =
        format!("SELECT head, floor, checksum, scope FROM scope_head WHERE scope IN ({})", placeholders.join(", "));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(scopes.to_vec(), |r| Ok((r.get::<_, String>(3)?, ScopeHead::from_row(r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Where every scope stands.
pub fn all_scope_heads(conn: &Connection) -> Result<std::collections::HashMap<String, ScopeHead>> {
    let mut stmt = conn.prepare_cached("SELECT head, floor, checksum, scope FROM scope_head")?;
    let rows = stmt.query_map((), |r| Ok((r.get::<_, String>(3)?, ScopeHead::from_row(r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A scope's page as the central serves it: a `ScopePage` on the wire, its
/// changes written out as they are read from the change log, each record's JSON
/// as stored. Reading a page then costs no parsing and no writing of records,
/// and the bytes a device receives are the ones the scope's checksum was summed
/// over.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedPage {
    pub scope: String,
    pub status: ScopeStatus,
    pub cursor: i64,
    pub head: i64,
    pub remaining: i64,
    pub checksum: Option<i64>,
    /// The changes: `Change`s in JSON, separated by commas (the array's brackets
    /// are written around them).
    changes: Vec<u8>,
    /// How many changes, and the bytes of their records.
    pub change_count: usize,
    pub record_bytes: usize,
}

impl ServedPage {
    /// A page without changes.
    fn empty(scope: &str, status: ScopeStatus, cursor: i64, head: i64, remaining: i64, checksum: Option<i64>) -> Self {
        ServedPage {
            scope: scope.to_owned(),
            status,
            cursor,
            head,
            remaining,
            checksum,
            changes: Vec::new(),
            change_count: 0,
            record_bytes: 0,
        }
    }

    /// The page as a device reads it, its records parsed.
    pub fn parse(&self) -> Result<ScopePage> {
        Ok(ScopePage {
            scope: self.scope.clone(),
            status: self.status,
            changes: serde_json::from_slice(&[b"[", self.changes.as_slice(), b"]"].concat())?,
            cursor: self.cursor,
            head: self.head,
            remaining: self.remaining,
            checksum: self.checksum,
        })
    }

    /// Writes the page as the JSON of a `ScopePage`.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<()> {
        out.extend_from_slice(b"{\"scope\":");
        serde_json::to_writer(&mut *out, &self.scope)?;
        out.extend_from_slice(b",\"status\":");
        serde_json::to_writer(&mut *out, &self.status)?;
        out.extend_from_slice(b",\"changes\":[");
        out.extend_from_slice(&self.changes);
        out.push(b']');
        let numbers = format!(",\"cursor\":{},\"head\":{},\"remaining\":{}", self.cursor, self.head, self.remaining);
        out.extend_from_slice(numbers.as_bytes());
        out.extend_from_slice(b",\"checksum\":");
        serde_json::to_writer(&mut *out, &self.checksum)?;
        out.push(b'}');
        Ok(())
    }
}

/// A pull's answer as the central serves it: a `PullResponse` on the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedResponse {
    pub server_time: String,
    pub scopes: Vec<ServedPage>,
}

impl ServedResponse {
    /// The JSON of the `PullResponse`.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let size: usize = self.scopes.iter().map(|p| p.changes.len() + 160).sum();
        let mut out = Vec::with_capacity(size + 64);
        out.extend_from_slice(b"{\"server_time\":");
        serde_json::to_writer(&mut out, &self.server_time)?;
        out.extend_from_slice(b",\"scopes\":[");
        for (i, page) in self.scopes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            page.write_json(&mut out)?;
        }
        out.extend_from_slice(b"]}");
        Ok(out)
    }
}

/// Change-log rows a page reads at a time on PostgreSQL.
const READ_CHUNK: usize = 1_000;

/// How much one page may carry: at most `changes` changes and, past its first
/// change, `bytes` bytes of records. A page always carries a change when its
/// scope has one, so a scope moves on however large its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimit {
    pub changes: u32,
    pub bytes: usize,
}

impl PageLimit {
    /// At most `changes` changes, whatever their size.
    pub fn changes(changes: u32) -> PageLimit {
        PageLimit { changes, bytes: usize::MAX }
    }
}

/// Up to `limit` changes of `scope` after `after`, parsed.
pub fn pull_scope(conn: &Connection, scope: &str, after: i64, limit: u32) -> Result<ScopePage> {
    let head = scope_head(conn, scope)?;
    pull_scope_at(conn, scope, head, after, PageLimit::changes(limit))?.parse()
}

/// The changes of `scope` after `after` that fit `limit`, the scope standing at
/// `at` (read in the same transaction), as served.
pub fn pull_scope_at(
    conn: &Connection,
    scope: &str,
    at: ScopeHead,
    after: i64,
    limit: PageLimit,
) -> Result<ServedPage> {
    let ScopeHead { head, checksum, .. } = at;
    if at.needs_resync(after) {
        return Ok(ServedPage::empty(scope, ScopeStatus::ResyncRequired, 0, head, head, None));
    }
    if let Some(page) = at.page_if_current(scope, after) {
        return Ok(page);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT seq, key, payload FROM change_log WHERE scope = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    // Written as read: each record's JSON as stored (the central wrote it, from a
    // `Record`, and summed the scope's checksum over these very bytes).
    let mut changes = Vec::with_capacity(4096);
    let (mut count, mut bytes, mut last) = (0usize, 0usize, after);
    // On PostgreSQL, a chunk at a time: it hands a statement's rows over whole, and
    // a page that fills its byte budget early would otherwise read all `limit`.
    // SQLite reads row by row and stops where the page does.
    let chunk = match conn.backend() {
        crate::sql::Backend::Postgres => READ_CHUNK,
        crate::sql::Backend::Sqlite => usize::MAX,
    };
    let mut full = false;
    while !full {
        let want = (limit.changes as usize).saturating_sub(count).min(chunk);
        if want == 0 {
            break;
        }
        let (from, mut read) = (last, 0usize);
        stmt.each(params![scope, from, want as i64], |row| {
            read += 1;
            let payload = row.text(2)?;
            let size = payload.map_or(0, str::len);
            if count > 0 && bytes.saturating_add(size) > limit.bytes {
                full = true;
                return Ok(false);
            }
            let seq = row.int(0)?;
            changes.extend_from_slice(if count > 0 { b",{\"seq\":" } else { b"{\"seq\":" });
            std::io::Write::write_fmt(&mut changes, format_args!("{seq}"))
                .map_err(|e| crate::sql::Error::Conversion { index: 0, message: e.to_string() })?;
            changes.extend_from_slice(b",\"key\":");
            serde_json::to_writer(&mut changes, row.text(1)?.unwrap_or_default())
                .map_err(|e| crate::sql::Error::Conversion { index: 1, message: e.to_string() })?;
            match payload {
                Some(record) => {
                    changes.extend_from_slice(b",\"op\":\"upsert\",\"record\":");
                    changes.extend_from_slice(record.as_bytes());
                }
                None => changes.extend_from_slice(b",\"op\":\"delete\""),
            }
            changes.push(b'}');
            (count, bytes, last) = (count + 1, bytes + size, seq);
            Ok(true)
        })?;
        if read < want {
            break;
        }
    }
    let cursor = last;
    // The head's change is never compacted away, so the scope is done exactly when
    // the cursor reaches it. Otherwise the changes left are counted only when at
    // most COUNT_CAP of them can be left: counting is a scan, and a first sync asks
    // after every scope with every page. Beyond, `head - cursor` is an upper bound.
    let remaining: i64 = if cursor >= head {
        0
    } else if head - cursor > COUNT_CAP {
        head - cursor
    } else {
        conn.prepare_cached(
            "SELECT COUNT(*) FROM (SELECT 1 FROM change_log WHERE scope = ?1 AND seq > ?2 LIMIT ?3) AS left_over",
        )?
        .query_row(params![scope, cursor, COUNT_CAP], |r| r.get(0))?
    };
    let checksum = (remaining == 0).then_some(checksum);
    Ok(ServedPage {
        scope: scope.to_owned(),
        status: ScopeStatus::Ok,
        cursor,
        head,
        remaining,
        checksum,
        changes,
        change_count: count,
        record_bytes: bytes,
    })
}

// ------------------------------------------------------------------ locations

pub fn location(conn: &Connection, id: &str) -> Result<Option<LocationRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, kind, name, country, city, address, lat, lon, time_zone, currency FROM location WHERE id = ?1",
        )?
        .query_row([id], location_from_row)
        .optional()?)
}

pub fn locations(conn: &Connection) -> Result<Vec<LocationRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, name, country, city, address, lat, lon, time_zone, currency FROM location ORDER BY id",
    )?;
    let rows = stmt.query_map((), location_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn location_from_row(r: &crate::sql::Row) -> crate::sql::Result<LocationRecord> {
    let kind: String = r.get(1)?;
    Ok(LocationRecord {
        id: r.get(0)?,
        kind: LocationKind::parse(&kind).unwrap_or(LocationKind::Store),
        name: r.get(2)?,
        country: r.get(3)?,
        city: r.get(4)?,
        address: r.get(5)?,
        lat: r.get(6)?,
        lon: r.get(7)?,
        time_zone: r.get(8)?,
        currency: r.get(9)?,
    })
}

pub fn insert_location(tx: &Transaction<'_>, l: &LocationRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO location (id, kind, name, country, city, address, lat, lon, time_zone, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
    record_upsert(tx, CATALOG_SCOPE, &Record::Location(Box::new(l.clone())))?;
    Ok(())
}

/// How many other stores' stock a device holds: the nearest of its country.
pub const NEAREST_STORES: usize = 8;

/// The scopes a device of `store` pulls: the catalog, its store's customers and
/// orders, and the inventory of its region: its own store, the [`NEAREST_STORES`]
/// nearest stores of its country, and every warehouse and online channel of its
/// country. A chain of any size thus gives each tablet at most eleven or so
/// locations' stock; stores farther away are asked of the central live.
pub fn region_scopes(conn: &Connection, store: &LocationRecord) -> Result<Vec<String>> {
    use vitrina_core::geo::{distance_km, Coordinates};
    let mut scopes = vec![CATALOG_SCOPE.to_owned(), vitrina_protocol::store_scope(&store.id)];
    let mut stmt = conn.prepare_cached("SELECT id, kind, lat, lon FROM location WHERE country = ?1 ORDER BY id")?;
    let rows = stmt.query_map([&store.country], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?, r.get::<_, f64>(3)?))
    })?;
    let here = Coordinates { lat: store.lat, lon: store.lon };
    let mut held = Vec::new();
    let mut others = Vec::new();
    for row in rows {
        let (id, kind, lat, lon) = row?;
        if id == store.id || LocationKind::parse(&kind) != Some(LocationKind::Store) {
            held.push(id);
        } else {
            others.push((distance_km(here, Coordinates { lat, lon }), id));
        }
    }
    others.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    held.extend(others.into_iter().take(NEAREST_STORES).map(|(_, id)| id));
    held.sort();
    scopes.extend(held.iter().map(|id| inventory_scope(id)));
    Ok(scopes)
}

/// Whether a device of `store` may pull `scope`: the catalog, its own store's
/// records, and the stock of any location of its country (`in_country` tells
/// which location ids are). Its region is what it is given to hold; farther stock
/// of its country may still be pulled.
pub fn may_pull(store: &LocationRecord, scope: &str, in_country: impl Fn(&str) -> bool) -> bool {
    if scope == CATALOG_SCOPE || scope == vitrina_protocol::store_scope(&store.id) {
        return true;
    }
    inventory_scope_location(scope).is_some_and(in_country)
}

/// The ids of the locations of `country`.
pub fn location_ids_in(conn: &Connection, country: &str) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM location WHERE country = ?1")?;
    let rows = stmt.query_map([country], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every location's country, by location id.
pub fn location_countries(conn: &Connection) -> Result<std::collections::HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, country FROM location")?;
    let rows = stmt.query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether a device of `store` may pull `scope` ([`may_pull`]).
pub fn scope_allowed(conn: &Connection, store: &LocationRecord, scope: &str) -> Result<bool> {
    let here = location_ids_in(conn, &store.country)?;
    Ok(may_pull(store, scope, |id| here.contains(id)))
}

// ------------------------------------------------------------------ stock

/// A stock row read as `sku, location_id, on_hand, reserved, in_transit, transit_eta`.
pub fn stock_from_row(r: &crate::sql::Row) -> crate::sql::Result<StockRecord> {
    Ok(StockRecord {
        sku: r.get(0)?,
        location_id: r.get(1)?,
        on_hand: r.get(2)?,
        reserved: r.get(3)?,
        in_transit: r.get(4)?,
        transit_eta: r.get(5)?,
    })
}

/// The stock of one SKU at one location, if recorded.
pub fn stock_of(conn: &Connection, sku: &str, location_id: &str) -> Result<Option<StockRecord>> {
    Ok(conn
        .prepare_cached(
            "SELECT sku, location_id, on_hand, reserved, in_transit, transit_eta FROM stock
             WHERE sku = ?1 AND location_id = ?2",
        )?
        .query_row([sku, location_id], stock_from_row)
        .optional()?)
}

// ------------------------------------------------------------------ availability

/// One SKU's availability at every location of `store`'s country (beyond the region a
/// device holds), with the same rule the device applies (`vitrina_core::availability`).
pub fn availability(
    conn: &Connection,
    store: &LocationRecord,
    sku: &str,
) -> Result<vitrina_protocol::AvailabilityResponse> {
    use vitrina_core::availability::{available_to_promise, StockLevel};
    let class: String = conn
        .prepare_cached("SELECT p.product_class FROM variant v JOIN product p ON p.id = v.product_id WHERE v.sku = ?1")?
        .query_row([sku], |r| r.get(0))
        .optional()?
        .ok_or(CentralError::NotFound)?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, COALESCE(s.on_hand, 0), COALESCE(s.reserved, 0), COALESCE(r.units, 0)
         FROM location l
         LEFT JOIN stock s ON s.location_id = l.id AND s.sku = ?1
         LEFT JOIN safety_rule r ON r.location_id = l.id AND r.product_class = ?2
         WHERE l.country = ?3
         ORDER BY l.id",
    )?;
    let rows = stmt.query_map(params![sku, class, store.country], |r| {
        let level = StockLevel { on_hand: r.get(1)?, reserved: r.get(2)? };
        let safety: i64 = r.get(3)?;
        Ok(vitrina_protocol::AvailabilityRecord {
            location_id: r.get(0)?,
            on_hand: level.on_hand,
            reserved: level.reserved,
            safety,
            atp: available_to_promise(level, safety),
        })
    })?;
    Ok(vitrina_protocol::AvailabilityResponse { sku: sku.to_owned(), locations: rows.collect::<Result<_, _>>()? })
}

// ------------------------------------------------------------------ enrollment

/// The digits of a typed code: "1234-5678", "1234 5678" and "12345678" are one code.
fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).collect()
}

/// Mints a one-time enrollment code for `store_id`, valid for `valid_for`.
pub fn mint_enrollment_code(conn: &Connection, store_id: &str, valid_for: chrono::Duration) -> Result<String> {
    use rand::Rng;
    let digits: u32 = rand::thread_rng().gen_range(0..100_000_000);
    let code = format!("{:04}-{:04}", digits / 10_000, digits % 10_000);
    let now = now();
    conn.execute(
        "INSERT INTO enrollment_code (code_hash, store_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256_hex(&normalise_code(&code)), store_id, rfc3339(now), rfc3339(now + valid_for)],
    )?;
    Ok(code)
}

/// Spends an enrollment code: the store it was minted for, once.
pub fn redeem_enrollment_code(tx: &Transaction<'_>, code: &str) -> Result<Option<String>> {
    let hash = sha256_hex(&normalise_code(code));
    let now = rfc3339(now());
    Ok(tx
        .query_row(
            "UPDATE enrollment_code SET used_at = ?2
             WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING store_id",
            params![hash, now],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn insert_device(tx: &Transaction<'_>, id: &str, store_id: &str, name: &str, token: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO device (id, store_id, name, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, store_id, name, sha256_hex(token), rfc3339(now())],
    )?;
    Ok(())
}

/// The device holding `token`, unless unknown or revoked: (device id, store id).
pub fn device_by_token(conn: &Connection, token: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, store_id FROM device WHERE token_hash = ?1 AND revoked_at IS NULL")?
        .query_row([sha256_hex(token)], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The devices of `store_id`, newest first.
pub fn devices_of(conn: &Connection, store_id: &str, asking: &str) -> Result<Vec<vitrina_protocol::DeviceInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, enrolled_at, revoked_at FROM device WHERE store_id = ?1 ORDER BY enrolled_at DESC, id",
    )?;
    let rows = stmt.query_map([store_id], |r| {
        let id: String = r.get(0)?;
        Ok(vitrina_protocol::DeviceInfo {
            this_device: id == asking,
            id,
            name: r.get(1)?,
            enrolled_at: r.get(2)?,
            revoked_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `token` belonged to a device that was revoked.
pub fn token_revoked(conn: &Connection, token: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM device WHERE token_hash = ?1 AND revoked_at IS NOT NULL)")?
        .query_row([sha256_hex(token)], |r| r.get(0))?)
}

/// Revokes `device_id` of `store_id` (any store when `None`), ends the sessions
/// opened on it and records who did it; answers whether a live device was revoked.
/// Its token is refused from the next request on.
pub fn revoke_device(
    conn: &Connection,
    device_id: &str,
    store_id: Option<&str>,
    by: crate::audit::Audit<'_>,
) -> Result<bool> {
    let revoked = conn.execute(
        "UPDATE device SET revoked_at = ?3 WHERE id = ?1 AND revoked_at IS NULL AND (CAST(?2 AS TEXT) IS NULL OR store_id = ?2)",
        params![device_id, store_id, rfc3339(now())],
    )? > 0;
    if revoked {
        conn.announce(Announcement::Devices)?;
        conn.execute("DELETE FROM associate_session WHERE device_id = ?1", [device_id])?;
        let device_store: Option<String> =
            conn.query_row("SELECT store_id FROM device WHERE id = ?1", [device_id], |r| r.get(0)).optional()?;
        crate::audit::record(
            conn,
            crate::audit::Audit {
                action: "device.revoked",
                store_id: device_store.as_deref(),
                subject: Some(device_id),
                ..by
            },
        )?;
    }
    Ok(revoked)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::empty_db as db;

    fn store(id: &str, country: &str) -> LocationRecord {
        LocationRecord {
            id: id.into(),
            kind: LocationKind::Store,
            name: id.into(),
            country: country.into(),
            city: "x".into(),
            address: "x".into(),
            lat: 0.0,
            lon: 0.0,
            time_zone: "America/Santiago".into(),
            currency: "CLP".into(),
        }
    }

    #[test]
    fn a_device_holds_its_store_the_nearest_stores_and_its_countrys_warehouse_and_online_stock() {
        let (_dir, db) = db();
        let at = |id: &str, kind: LocationKind, country: &str, km_north: f64| LocationRecord {
            kind,
            // A degree of latitude is about 111 km.
            lat: -33.0 + km_north / 111.0,
            lon: -70.6,
            ..store(id, country)
        };
        let home = at("CL-HOME", LocationKind::Store, "CL", 0.0);
        let scopes = db
            .blocking(|conn| {
                let tx = conn.transaction()?;
                insert_location(&tx, &home)?;
                insert_location(&tx, &at("CL-WH", LocationKind::Warehouse, "CL", 900.0))?;
                insert_location(&tx, &at("CL-WEB", LocationKind::Online, "CL", 0.0))?;
                // Twelve other stores, 5 km apart going north, listed out of order.
                for n in [7, 3, 12, 1, 9, 5, 11, 2, 8, 4, 10, 6] {
                    insert_location(&tx, &at(&format!("CL-S{n:02}"), LocationKind::Store, "CL", 5.0 * n as f64))?;
                }
                insert_location(&tx, &at("PE-NEAR", LocationKind::Store, "PE", 1.0))?;
                tx.commit()?;
                region_scopes(conn, &home)
            })
            .unwrap();
        let mut expected = vec![CATALOG_SCOPE.to_owned(), vitrina_protocol::store_scope("CL-HOME")];
        let mut held: Vec<String> = ["CL-HOME", "CL-WEB", "CL-WH"].iter().map(|s| s.to_string()).collect();
        held.extend((1..=NEAREST_STORES).map(|n| format!("CL-S{n:02}")));
        held.sort();
        expected.extend(held.iter().map(|id| inventory_scope(id)));
        assert_eq!(scopes, expected, "its own, the eight nearest, the warehouse however far, the online channel");
    }

    #[test]
    fn a_read_transaction_reads_what_was_committed_and_on_postgresql_writes_nothing() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("A", "CL"))?;
            tx.commit()?;
            let postgres = conn.backend() == crate::sql::Backend::Postgres;
            let tx = conn.read_transaction()?;
            assert_eq!(pull_scope(&tx, CATALOG_SCOPE, 0, 10)?.changes.len(), 1);
            let write = tx.execute("UPDATE scope_head SET head = head + 1", ());
            assert_eq!(write.is_err(), postgres, "{write:?}");
            tx.rollback()?;
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn sequence_numbers_are_gap_free_per_scope_and_a_key_keeps_only_its_latest_change() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("A", "CL"))?;
            insert_location(&tx, &store("B", "CL"))?;
            let again = Record::Location(Box::new(store("A", "MX")));
            assert_eq!(record_upsert(&tx, CATALOG_SCOPE, &again)?, 3);
            assert_eq!(record_change(&tx, "inventory:A", "stock:x", None)?, 1, "scopes count separately");
            tx.commit()?;
            let page = pull_scope(conn, CATALOG_SCOPE, 0, 100)?;
            let seqs: Vec<i64> = page.changes.iter().map(|c| c.seq).collect();
            assert_eq!(seqs, [2, 3], "A's first change was replaced by its latest");
            assert_eq!((page.cursor, page.head, page.remaining), (3, 3, 0));
            Ok(())
        })
        .unwrap();
    }

    /// Writes `n` stores to the catalog scope, one change each (seq 1 to `n`).
    fn catalog_of_locations(conn: &mut Connection, n: usize) -> Result<()> {
        let tx = conn.transaction()?;
        for i in 0..n {
            insert_location(&tx, &store(&format!("L{i:05}"), "CL"))?;
        }
        tx.commit()?;
        Ok(())
    }

    #[test]
    fn pages_continue_after_the_cursor_and_count_what_remains() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            catalog_of_locations(conn, 5)?;
            let first = pull_scope(conn, CATALOG_SCOPE, 0, 2)?;
            assert_eq!((first.cursor, first.remaining), (2, 3));
            let second = pull_scope(conn, CATALOG_SCOPE, first.cursor, 2)?;
            assert_eq!(second.changes[0].seq, 3);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_served_page_is_a_scope_page_on_the_wire_its_records_the_bytes_its_checksum_was_summed_over() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("A", "CL"))?;
            insert_location(&tx, &store("B", "CL"))?;
            record_change(&tx, CATALOG_SCOPE, "location:gone", None)?;
            tx.commit()?;
            let served =
                pull_scope_at(conn, CATALOG_SCOPE, scope_head(conn, CATALOG_SCOPE)?, 0, PageLimit::changes(100))?;
            let resync =
                pull_scope_at(conn, CATALOG_SCOPE, scope_head(conn, CATALOG_SCOPE)?, 99, PageLimit::changes(100))?;
            let response = ServedResponse { server_time: "2026-11-24T10:00:00Z".into(), scopes: vec![served, resync] };
            let wire: vitrina_protocol::PullResponse = serde_json::from_slice(&response.to_json()?)?;
            assert_eq!(wire.server_time, "2026-11-24T10:00:00Z");
            assert_eq!(wire.scopes, [response.scopes[0].parse()?, response.scopes[1].parse()?]);

            let page = &wire.scopes[0];
            let ops: Vec<bool> =
                page.changes.iter().map(|c| matches!(c.op, vitrina_protocol::ChangeOp::Upsert { .. })).collect();
            assert_eq!(ops, [true, true, false], "two upserts and a deletion");
            assert_eq!((response.scopes[0].change_count, page.cursor, page.remaining), (3, 3, 0));
            // Every record arrives as the bytes the central hashed: their hashes as
            // received sum to the scope's checksum.
            let summed = page.changes.iter().filter_map(|c| c.received_hash).fold(0, |a, h| a ^ h);
            assert_eq!(page.checksum, Some(summed));
            assert_eq!(wire.scopes[1].status, ScopeStatus::ResyncRequired);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_page_stops_at_its_byte_budget_yet_always_carries_a_change() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            catalog_of_locations(conn, 5)?;
            let at = scope_head(conn, CATALOG_SCOPE)?;
            let whole = pull_scope_at(conn, CATALOG_SCOPE, at, 0, PageLimit::changes(100))?;
            let one = whole.record_bytes / 5;
            let two = PageLimit { changes: 100, bytes: 2 * one + 1 };
            let page = pull_scope_at(conn, CATALOG_SCOPE, at, 0, two)?;
            assert_eq!(page.change_count, 2, "records of about one size: two fit");
            assert_eq!((page.cursor, page.remaining), (2, 3), "and the rest is left for the next page");
            assert!(page.record_bytes <= two.bytes);
            let none = PageLimit { changes: 100, bytes: 0 };
            let page = pull_scope_at(conn, CATALOG_SCOPE, at, page.cursor, none)?;
            assert_eq!((page.change_count, page.cursor), (1, 3), "a page carries a change whatever its size");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_page_longer_than_a_read_chunk_carries_every_change_in_order() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            catalog_of_locations(conn, 2 * READ_CHUNK + 100)?;
            let at = scope_head(conn, CATALOG_SCOPE)?;
            let wanted = 2 * READ_CHUNK + 50;
            let page = pull_scope_at(conn, CATALOG_SCOPE, at, 0, PageLimit::changes(wanted as u32))?.parse()?;
            let seqs: Vec<i64> = page.changes.iter().map(|c| c.seq).collect();
            assert_eq!(seqs, (1..=wanted as i64).collect::<Vec<_>>());
            assert_eq!((page.cursor, page.remaining), (wanted as i64, 50));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_cursor_beyond_the_head_asks_for_a_resync() {
        let (_dir, db) = db();
        let page = db.blocking(|conn| pull_scope(conn, CATALOG_SCOPE, 99, 10)).unwrap();
        assert_eq!(page.status, ScopeStatus::ResyncRequired);
    }

    #[test]
    fn an_enrollment_code_works_once_however_it_is_typed() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("A", "CL"))?;
            tx.commit()?;
            let code = mint_enrollment_code(conn, "A", chrono::Duration::hours(1))?;
            let typed = code.replace('-', " ");
            let tx = conn.transaction()?;
            assert_eq!(redeem_enrollment_code(&tx, &typed)?.as_deref(), Some("A"));
            assert_eq!(redeem_enrollment_code(&tx, &code)?, None, "a spent code is refused");
            tx.commit()?;
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn an_expired_enrollment_code_is_refused() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("A", "CL"))?;
            tx.commit()?;
            let code = mint_enrollment_code(conn, "A", chrono::Duration::seconds(-1))?;
            let tx = conn.transaction()?;
            assert_eq!(redeem_enrollment_code(&tx, &code)?, None);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn devices_pull_only_their_countrys_inventories() {
        let (_dir, db) = db();
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            insert_location(&tx, &store("CL1", "CL"))?;
            insert_location(&tx, &store("CL2", "CL"))?;
            insert_location(&tx, &store("MX1", "MX"))?;
            tx.commit()?;
            let home = store("CL1", "CL");
            assert_eq!(region_scopes(conn, &home)?, ["catalog", "store:CL1", "inventory:CL1", "inventory:CL2"]);
            assert!(!scope_allowed(conn, &home, "store:CL2")?, "another store's customers");
            assert!(scope_allowed(conn, &home, "inventory:CL2")?);
            assert!(!scope_allowed(conn, &home, "inventory:MX1")?, "another country's stock");
            assert!(!scope_allowed(conn, &home, "orders:CL1")?, "an unknown scope");
            Ok(())
        })
        .unwrap();
    }
}
