//! Unified commerce at the central: one ledger of every sale, order, return and
//! cancellation, whatever the channel, and what is computed from it.
//!
//! - Other channels' systems send transactions to `POST /v1/channel/transactions`
//!   with a channel token. Each runs in its own savepoint with the stored result, so
//!   a retry answers the stored result and a reused id with another body is refused;
//!   a transaction is in the ledger whole or not at all.
//! - Devices' endless-aisle orders, their cancellations and the returns devices take
//!   are written to the same ledger by the push commands, so the store's report counts
//!   them as the store's own.
//! - An entry with a known customer is published to the customer's home store as a
//!   `Purchase`, so that store's devices show the customer's whole history offline.
//! - The store report is `vitrina_core::commerce::sales_report` over the ledger.

use crate::error::CentralError;
use crate::storage::{self, record_upsert, rfc3339, sha256_hex, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Savepoint};
use vitrina_core::commerce::{is_channel, Attribution, DateRange, LedgerEntry, SalesReport, TxnKind};
use vitrina_core::Currency;
use vitrina_protocol::*;

/// Most lines one transaction may carry.
const MAX_LINES: usize = 500;
/// Most units of one line.
const MAX_QUANTITY: i64 = 10_000;
/// Highest unit price, in minor units (a billion pesos).
const MAX_UNIT_MINOR: i64 = 1_000_000_000_000;
/// A channel token with this channel may send any channel's transactions: the CSV
/// importer of other systems' exports.
pub const IMPORT_CHANNEL: &str = "import";

/// An entry to write to the ledger.
struct NewEntry<'a> {
    id: String,
    channel: &'a str,
    kind: TxnKind,
    reference: &'a str,
    store_id: Option<&'a str>,
    customer: Option<(String, String)>, // (customer id, home store)
    occurred_at: DateTime<Utc>,
    currency: &'a str,
    lines: Vec<TransactionLine>,
    original_id: Option<String>,
    order_id: Option<&'a str>,
}

/// Applies `transactions` sent with a token of `token_channel`, each in its own
/// savepoint; answers one result each and whether any store's scope changed.
pub fn ingest(
    conn: &mut Connection,
    token_channel: &str,
    transactions: &[ChannelTransaction],
) -> Result<(Vec<TransactionResult>, bool)> {
    let mut results = Vec::with_capacity(transactions.len());
    let mut published = false;
    let mut tx = conn.transaction()?;
    for t in transactions {
        let sp = tx.savepoint()?;
        let (result, effect) = ingest_one(&sp, token_channel, t)?;
        sp.commit()?;
        published |= effect;
        results.push(result);
    }
    tx.commit()?;
    Ok((results, published))
}

fn rejection(t: &ChannelTransaction, reason: TransactionRejection, detail: impl Into<String>) -> TransactionResult {
    TransactionResult {
        transaction_id: t.transaction_id.clone(),
        channel: t.channel.clone(),
        accepted: false,
        store_id: None,
        customer_id: None,
        reason: Some(reason),
        detail: Some(detail.into()),
        replayed: false,
    }
}

fn ingest_one(conn: &Connection, token_channel: &str, t: &ChannelTransaction) -> Result<(TransactionResult, bool)> {
    use TransactionRejection as R;
    if t.transaction_id.trim().is_empty() || t.transaction_id.len() > 200 {
        return Ok((rejection(t, R::InvalidId, "transaction_id"), false));
    }
    if !is_channel(&t.channel) || t.channel == "endless_aisle" {
        return Ok((rejection(t, R::UnknownChannel, "channel"), false));
    }
    if token_channel != IMPORT_CHANNEL && token_channel != t.channel {
        return Ok((rejection(t, R::ChannelNotAllowed, format!("this token sends for {token_channel}")), false));
    }
    let request_hash = sha256_hex(&serde_json::to_string(t)?);
    let stored: Option<(String, String)> = conn
        .prepare_cached("SELECT request_hash, result FROM channel_transaction WHERE channel = ?1 AND transaction_id = ?2")?
        .query_row(params![t.channel, t.transaction_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((hash, result)) = stored {
        if hash != request_hash {
            return Ok((rejection(t, R::ReusedId, "transaction_id"), false));
        }
        let mut result: TransactionResult = serde_json::from_str(&result)?;
        result.replayed = true;
        return Ok((result, false));
    }
    let (result, published) = match validate_and_write(conn, t)? {
        Ok((store_id, customer_id, published)) => (
            TransactionResult {
                transaction_id: t.transaction_id.clone(),
                channel: t.channel.clone(),
                accepted: true,
                store_id,
                customer_id,
                reason: None,
                detail: None,
                replayed: false,
            },
            published,
        ),
        Err((reason, detail)) => (rejection(t, reason, detail), false),
    };
    conn.prepare_cached(
        "INSERT INTO channel_transaction (channel, transaction_id, request_hash, result, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![t.channel, t.transaction_id, request_hash, serde_json::to_string(&result)?, rfc3339(storage::now())])?;
    Ok((result, published))
}

type Refused = (TransactionRejection, String);

/// Checks `t` and writes its ledger entry; answers the store it counts for, the
/// customer it was matched to and whether a purchase was published.
fn validate_and_write(
    conn: &Connection,
    t: &ChannelTransaction,
) -> Result<std::result::Result<(Option<String>, Option<String>, bool), Refused>> {
    use TransactionRejection as R;
    let Some(kind) = TxnKind::parse(&t.kind) else {
        return Ok(Err((R::InvalidKind, "kind".into())));
    };
    let Ok(occurred_at) = DateTime::parse_from_rfc3339(t.occurred_at.trim()) else {
        return Ok(Err((R::InvalidTime, "occurred_at".into())));
    };
    let occurred_at = occurred_at.with_timezone(&Utc);
    if Currency::parse(&t.currency).is_err() {
        return Ok(Err((R::InvalidCurrency, "currency".into())));
    }
    if t.lines.is_empty() || t.lines.len() > MAX_LINES {
        return Ok(Err((R::NoLines, "lines".into())));
    }
    for (i, line) in t.lines.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Ok(Err((R::InvalidQuantity, format!("lines[{i}].quantity"))));
        }
        if !(0..=MAX_UNIT_MINOR).contains(&line.unit_minor) {
            return Ok(Err((R::InvalidPrice, format!("lines[{i}].unit_minor"))));
        }
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM variant WHERE sku = ?1)")?
            .query_row([&line.sku], |r| r.get(0))?;
        if !known {
            return Ok(Err((R::UnknownSku, format!("lines[{i}].sku"))));
        }
    }
    for (field, store) in [("sold_at_store", &t.sold_at_store), ("pickup_store", &t.pickup_store)] {
        if let Some(id) = store.as_deref().filter(|s| !s.trim().is_empty()) {
            if storage::location(conn, id)?.is_none_or(|l| l.kind != vitrina_core::LocationKind::Store) {
                return Ok(Err((R::UnknownStore, field.into())));
            }
        }
    }
    let customer = match &t.customer {
        Some(reference) => match_customer(conn, reference)?,
        None => None,
    };
    let original_id = match t.original_transaction_id.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(original) => {
            let id = channel_entry_id(&t.channel, original);
            let exists: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM ledger_entry WHERE id = ?1)")?
                .query_row([&id], |r| r.get(0))?;
            if !exists {
                return Ok(Err((R::UnknownOriginal, "original_transaction_id".into())));
            }
            Some(id)
        }
        None if kind == TxnKind::Cancellation => {
            return Ok(Err((R::UnknownOriginal, "original_transaction_id".into())));
        }
        None => None,
    };
    let attribution = Attribution {
        sold_at: t.sold_at_store.as_deref(),
        pickup_at: t.pickup_store.as_deref(),
        customer_home: customer.as_ref().map(|(_, home)| home.as_str()),
    };
    let store_id = attribution.store().map(str::to_owned);
    if let Some(store) = &store_id {
        let location = storage::location(conn, store)?.ok_or(CentralError::NotFound)?;
        if location.currency != t.currency {
            return Ok(Err((R::CurrencyMismatch, format!("{store} sells in {}", location.currency))));
        }
    }
    let customer_id = customer.as_ref().map(|(id, _)| id.clone());
    let published = insert_entry(
        conn,
        NewEntry {
            id: channel_entry_id(&t.channel, &t.transaction_id),
            channel: &t.channel,
            kind,
            reference: &t.transaction_id,
            store_id: store_id.as_deref(),
            customer,
            occurred_at,
            currency: &t.currency,
            lines: t.lines.clone(),
            original_id,
            order_id: None,
        },
    )?
    .is_some();
    Ok(Ok((store_id, customer_id, published)))
}

fn channel_entry_id(channel: &str, transaction_id: &str) -> String {
    format!("{channel}:{transaction_id}")
}

/// The customer a sending system means, with their home store: by id, then phone,
/// then email. Phones are compared in E.164; emails without case.
fn match_customer(conn: &Connection, reference: &CustomerRef) -> Result<Option<(String, String)>> {
    let one = |sql: &str, value: &str| -> Result<Option<(String, String)>> {
        Ok(conn.prepare_cached(sql)?.query_row([value], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    };
    if let Some(id) = reference.id.as_deref().filter(|s| !s.is_empty()) {
        if let Some(found) = one("SELECT id, store_id FROM customer WHERE id = ?1", id)? {
            return Ok(Some(found));
        }
    }
    if let Some(phone) = reference.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if let Ok(phone) = vitrina_core::PhoneE164::from_e164(phone) {
            let found = one("SELECT id, store_id FROM customer WHERE phone = ?1 ORDER BY created_at LIMIT 1", phone.as_str())?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    if let Some(email) = reference.email.as_deref().map(str::trim).filter(|s| s.contains('@')) {
        return one(
            "SELECT id, store_id FROM customer WHERE lower(email) = lower(?1) ORDER BY created_at LIMIT 1",
            email,
        );
    }
    Ok(None)
}

/// Writes `entry` to the ledger and, when it has a customer, publishes it to their
/// home store's scope; answers that effect.
fn insert_entry(conn: &Connection, entry: NewEntry<'_>) -> Result<Option<ScopeCursor>> {
    let amount_minor: i64 = entry.lines.iter().map(|l| l.unit_minor.saturating_mul(l.quantity)).sum();
    let units: i64 = entry.lines.iter().map(|l| l.quantity).sum();
    let occurred_at = rfc3339(entry.occurred_at);
    conn.prepare_cached(
        "INSERT INTO ledger_entry (id, channel, kind, reference, store_id, customer_id, occurred_at, received_at,
             currency, amount_minor, units, original_id, order_id, lines)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        entry.id,
        entry.channel,
        entry.kind.as_str(),
        entry.reference,
        entry.store_id,
        entry.customer.as_ref().map(|(id, _)| id),
        occurred_at,
        rfc3339(storage::now()),
        entry.currency,
        amount_minor,
        units,
        entry.original_id,
        entry.order_id,
        serde_json::to_string(&entry.lines)?,
    ])?;
    let Some((customer_id, home)) = entry.customer else {
        return Ok(None);
    };
    let record = PurchaseRecord {
        id: entry.id,
        store_id: home.clone(),
        customer_id,
        channel: entry.channel.to_owned(),
        kind: entry.kind,
        reference: entry.reference.to_owned(),
        attributed_store_id: entry.store_id.map(str::to_owned),
        occurred_at,
        currency: entry.currency.to_owned(),
        amount_minor,
        lines: entry.lines,
        order_id: entry.order_id.map(str::to_owned),
    };
    let scope = store_scope(&home);
    let seq = record_upsert(conn, &scope, &Record::Purchase(record))?;
    Ok(Some(ScopeCursor { scope, after: seq }))
}

/// The price of `sku` in `currency`, from its product's prices.
fn unit_price(conn: &Connection, sku: &str, currency: &str) -> Result<i64> {
    let record: Option<String> = conn
        .prepare_cached("SELECT p.record FROM variant v JOIN product p ON p.id = v.product_id WHERE v.sku = ?1")?
        .query_row([sku], |r| r.get(0))
        .optional()?;
    let Some(record) = record else {
        return Ok(0);
    };
    let product: ProductRecord = serde_json::from_str(&record)?;
    Ok(product.prices.iter().find(|p| p.currency == currency).map_or(0, |p| p.minor))
}

fn customer_home(conn: &Connection, customer_id: Option<&str>) -> Result<Option<(String, String)>> {
    let Some(id) = customer_id else {
        return Ok(None);
    };
    let home: Option<String> =
        conn.prepare_cached("SELECT store_id FROM customer WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?;
    Ok(home.map(|home| (id.to_owned(), home)))
}

fn order_entry_id(order_id: &str) -> String {
    format!("endless_aisle:{order_id}")
}

/// Records an order placed on a device of `store` as the store's endless-aisle
/// sale, at the catalog's prices in the store's currency.
pub fn record_device_order(conn: &Connection, store: &LocationRecord, order: &OrderRecord) -> Result<Option<ScopeCursor>> {
    let mut lines = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        lines.push(TransactionLine {
            sku: line.sku.clone(),
            quantity: line.quantity,
            unit_minor: unit_price(conn, &line.sku, &store.currency)?,
        });
    }
    let occurred_at = parse_time(&order.created_at)?;
    insert_entry(
        conn,
        NewEntry {
            id: order_entry_id(&order.id),
            channel: "endless_aisle",
            kind: TxnKind::Order,
            reference: &order.number,
            store_id: Some(&store.id),
            customer: customer_home(conn, order.customer_id.as_deref())?,
            occurred_at,
            currency: &store.currency,
            lines,
            original_id: None,
            order_id: Some(&order.id),
        },
    )
}

/// The lines of a device order as its ledger entry priced them.
fn order_entry(conn: &Connection, order_id: &str) -> Result<Option<(String, String, Vec<TransactionLine>)>> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached("SELECT store_id, currency, lines FROM ledger_entry WHERE id = ?1")?
        .query_row([order_entry_id(order_id)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(store, currency, lines)| Ok((store, currency, serde_json::from_str(&lines)?))).transpose()
}

/// Records the cancellation of a device's order, for the store that placed it.
pub fn record_device_cancellation(conn: &Connection, order: &OrderRecord) -> Result<Option<ScopeCursor>> {
    let Some((store_id, currency, lines)) = order_entry(conn, &order.id)? else {
        return Ok(None);
    };
    insert_entry(
        conn,
        NewEntry {
            id: format!("{}:cancelled", order_entry_id(&order.id)),
            channel: "endless_aisle",
            kind: TxnKind::Cancellation,
            reference: &order.number,
            store_id: Some(&store_id),
            customer: customer_home(conn, order.customer_id.as_deref())?,
            occurred_at: storage::now(),
            currency: &currency,
            lines,
            original_id: Some(order_entry_id(&order.id)),
            order_id: Some(&order.id),
        },
    )
}

/// Records units of a device's order brought back to `store`, at the prices paid.
pub fn record_device_return(
    conn: &Connection,
    store: &LocationRecord,
    return_id: &str,
    order: &OrderRecord,
    returned: &[ReturnLine],
) -> Result<Option<ScopeCursor>> {
    let Some((_, currency, bought)) = order_entry(conn, &order.id)? else {
        return Ok(None);
    };
    let lines = returned
        .iter()
        .map(|r| TransactionLine {
            sku: r.sku.clone(),
            quantity: r.quantity,
            unit_minor: bought.iter().find(|b| b.sku == r.sku).map_or(0, |b| b.unit_minor),
        })
        .collect();
    insert_entry(
        conn,
        NewEntry {
            id: format!("endless_aisle:return:{return_id}"),
            channel: "endless_aisle",
            kind: TxnKind::Return,
            reference: &order.number,
            store_id: Some(&store.id),
            customer: customer_home(conn, order.customer_id.as_deref())?,
            occurred_at: storage::now(),
            currency: &currency,
            lines,
            original_id: Some(order_entry_id(&order.id)),
            order_id: Some(&order.id),
        },
    )
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CentralError::Internal(anyhow::anyhow!("a stored time {s:?}: {e}")))
}

/// The sales report of `store` over `range` of its days.
pub fn report(conn: &Connection, store: &LocationRecord, range: DateRange) -> Result<SalesReport> {
    let tz: chrono_tz::Tz = store
        .time_zone
        .parse()
        .map_err(|_| CentralError::Internal(anyhow::anyhow!("store {} has time zone {}", store.id, store.time_zone)))?;
    let currency = Currency::parse(&store.currency)
        .map_err(|_| CentralError::Internal(anyhow::anyhow!("store {} has currency {}", store.id, store.currency)))?;
    let (start, end) = range.utc_bounds(tz);
    let mut stmt = conn.prepare_cached(
        "SELECT occurred_at, channel, kind, amount_minor, units FROM ledger_entry
         WHERE store_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?3",
    )?;
    let mut entries = Vec::new();
    let mut rows = stmt.query(params![store.id, rfc3339(start), rfc3339(end)])?;
    while let Some(r) = rows.next()? {
        let occurred_at: String = r.get(0)?;
        let kind: String = r.get(2)?;
        entries.push(LedgerEntry {
            occurred_at: parse_time(&occurred_at)?,
            channel: r.get(1)?,
            kind: TxnKind::parse(&kind)
                .ok_or_else(|| CentralError::Internal(anyhow::anyhow!("ledger kind {kind:?}")))?,
            amount_minor: r.get(3)?,
            units: r.get(4)?,
        });
    }
    Ok(vitrina_core::sales_report(&store.id, currency, tz, range, entries))
}

/// Whether `associate_id` is an active manager of `store`.
pub fn is_manager(conn: &Connection, store: &LocationRecord, associate_id: &str) -> Result<bool> {
    let row: Option<(String, String, bool)> = conn
        .prepare_cached("SELECT store_id, role, active FROM associate WHERE id = ?1")?
        .query_row([associate_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(matches!(row, Some((ref s, ref role, true)) if *s == store.id && role == "manager"))
}

/// Why a device's command about lost demand or safety stock was refused.
pub enum Refusal {
    Invalid(&'static str, &'static str),
    Forbidden,
}

/// Records what a customer wanted and could not have, for the store's managers.
pub fn record_lost_demand(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    demand: &LostDemandRecord,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
    if demand.store_id != store.id {
        return Ok(Err(Refusal::Forbidden));
    }
    if demand.id.trim().is_empty() || demand.id.len() > 100 {
        return Ok(Err(Refusal::Invalid("id", "empty")));
    }
    if !LOST_DEMAND_REASONS.contains(&demand.reason.as_str()) {
        return Ok(Err(Refusal::Invalid("reason", "unknown")));
    }
    let text = demand.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > 200) {
        return Ok(Err(Refusal::Invalid("text", "too_long")));
    }
    if let Some(sku) = &demand.sku {
        let product: Option<String> = sp
            .prepare_cached("SELECT product_id FROM variant WHERE sku = ?1")?
            .query_row([sku], |r| r.get(0))
            .optional()?;
        if product.is_none() {
            return Ok(Err(Refusal::Invalid("sku", "unknown")));
        }
    }
    if let Some(product) = &demand.product_id {
        let known: bool = sp
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM product WHERE id = ?1)")?
            .query_row([product], |r| r.get(0))?;
        if !known {
            return Ok(Err(Refusal::Invalid("product_id", "unknown")));
        }
    }
    if demand.sku.is_none() && demand.product_id.is_none() && text.is_none() {
        return Ok(Err(Refusal::Invalid("text", "empty")));
    }
    if let Some(associate) = &demand.associate_id {
        let of_store: bool = sp
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM associate WHERE id = ?1 AND store_id = ?2)")?
            .query_row(params![associate, store.id], |r| r.get(0))?;
        if !of_store {
            return Ok(Err(Refusal::Invalid("associate_id", "unknown")));
        }
    }
    let mut record = demand.clone();
    record.text = text.map(str::to_owned);
    let inserted = sp
        .prepare_cached(
            "INSERT INTO lost_demand (id, store_id, sku, product_id, reason, recorded_at, received_at, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            record.id,
            record.store_id,
            record.sku,
            record.product_id,
            record.reason,
            record.recorded_at,
            rfc3339(storage::now()),
            serde_json::to_string(&record)?
        ])?;
    if inserted == 0 {
        return Ok(Ok(Vec::new()));
    }
    let scope = store_scope(&store.id);
    let seq = record_upsert(sp, &scope, &Record::LostDemand(record))?;
    Ok(Ok(vec![ScopeCursor { scope, after: seq }]))
}

/// Most units a safety-stock rule may keep back.
pub const MAX_SAFETY_UNITS: i64 = 1_000;

/// A manager sets their store's safety stock for a product class; every device of
/// the chain gets the rule with the catalog.
pub fn set_safety_rule(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    rule: &SetSafetyRule,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
    if !is_manager(sp, store, &rule.by_associate_id)? {
        return Ok(Err(Refusal::Forbidden));
    }
    if !(0..=MAX_SAFETY_UNITS).contains(&rule.units) {
        return Ok(Err(Refusal::Invalid("units", "out_of_range")));
    }
    let known: bool = sp
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM product WHERE product_class = ?1)")?
        .query_row([&rule.product_class], |r| r.get(0))?;
    if !known {
        return Ok(Err(Refusal::Invalid("product_class", "unknown")));
    }
    sp.prepare_cached(
        "INSERT INTO safety_rule (location_id, product_class, units) VALUES (?1, ?2, ?3)
         ON CONFLICT (location_id, product_class) DO UPDATE SET units = excluded.units",
    )?
    .execute(params![store.id, rule.product_class, rule.units])?;
    let record = SafetyRuleRecord { location_id: store.id.clone(), product_class: rule.product_class.clone(), units: rule.units };
    let seq = record_upsert(sp, CATALOG_SCOPE, &Record::SafetyRule(record))?;
    tracing::info!(store = %store.id, class = %rule.product_class, units = rule.units, manager = %rule.by_associate_id, "safety stock changed");
    Ok(Ok(vec![ScopeCursor { scope: CATALOG_SCOPE.to_owned(), after: seq }]))
}
