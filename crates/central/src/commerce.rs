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
use crate::sql::{params, Connection, OptionalExtension, Savepoint};
use crate::storage::{self, record_upsert, rfc3339, sha256_hex, Result};
use chrono::{DateTime, Utc};
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
    let accepted = results.iter().filter(|r| r.accepted && !r.replayed).count();
    let refused = results.iter().filter(|r| !r.accepted).count();
    crate::audit::record(
        &tx,
        crate::audit::Audit {
            action: "channel.transactions",
            channel: Some(token_channel),
            detail: Some(serde_json::json!({ "accepted": accepted, "refused": refused, "sent": results.len() })),
            ..Default::default()
        },
    )?;
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
        .prepare_cached(
            "SELECT request_hash, result FROM channel_transaction WHERE channel = ?1 AND transaction_id = ?2",
        )?
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
        Ok(Taken { store_id, customer_id, published }) => (
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
    .execute(params![
        t.channel,
        t.transaction_id,
        request_hash,
        serde_json::to_string(&result)?,
        rfc3339(storage::now())
    ])?;
    Ok((result, published))
}

type Refused = (TransactionRejection, String);

/// A transaction taken: the store it counts for, the customer it was matched to,
/// and whether a purchase was published to the customer's store.
struct Taken {
    store_id: Option<String>,
    customer_id: Option<String>,
    published: bool,
}

/// Checks `t` and writes its ledger entry; answers the store it counts for, the
/// customer it was matched to and whether a purchase was published.
fn validate_and_write(conn: &Connection, t: &ChannelTransaction) -> Result<std::result::Result<Taken, Refused>> {
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
    Ok(Ok(Taken { store_id, customer_id, published }))
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
            let found =
                one("SELECT id, store_id FROM customer WHERE phone = ?1 ORDER BY created_at LIMIT 1", phone.as_str())?;
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
    let seq = record_upsert(conn, &scope, &Record::Purchase(Box::new(record)))?;
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
pub fn record_device_order(
    conn: &Connection,
    store: &LocationRecord,
    order: &OrderRecord,
) -> Result<Option<ScopeCursor>> {
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

/// Customers whose phone or email is exactly `query` (a phone as typed in `store`'s
/// country), among those of `store` and those who agreed to one profile across the
/// chain, with their purchases and appointments. Nobody else is ever answered,
/// whatever the device asks.
pub fn lookup_customers(conn: &Connection, store: &LocationRecord, query: &str) -> Result<Vec<ChainCustomer>> {
    let query = query.trim();
    let country = vitrina_core::Country::parse(&store.country).unwrap_or(vitrina_core::Country::CL);
    let phone = vitrina_core::PhoneE164::parse(query, country).ok().map(|p| p.as_str().to_owned());
    let email = query.contains('@').then(|| query.to_lowercase());
    if phone.is_none() && email.is_none() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM customer WHERE (phone = ?1 OR lower(email) = ?2) AND (store_id = ?3 OR chain_consent = 1)
             ORDER BY (store_id = ?3) DESC, created_at LIMIT 5",
        )?;
        let rows = stmt.query_map(params![phone, email, store.id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut found = Vec::new();
    for id in ids {
        let Some(customer) = crate::push::customer_record(conn, &id)? else { continue };
        let purchases = purchases_of(conn, &customer)?;
        let appointments: Vec<AppointmentRecord> = {
            let mut stmt = conn.prepare_cached(
                "SELECT record FROM appointment WHERE json_extract(record, '$.customer_id') = ?1
                 ORDER BY busy_from DESC LIMIT 50",
            )?;
            let rows = stmt.query_map([&id], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for raw in rows {
                out.push(serde_json::from_str(&raw?)?);
            }
            out
        };
        found.push(ChainCustomer { customer, purchases, appointments });
    }
    Ok(found)
}

/// A customer's ledger entries as the purchases their store's devices hold.
fn purchases_of(conn: &Connection, customer: &CustomerRecord) -> Result<Vec<PurchaseRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, kind, reference, store_id, occurred_at, currency, amount_minor, lines, order_id
         FROM ledger_entry WHERE customer_id = ?1 ORDER BY occurred_at DESC LIMIT 200",
    )?;
    let mut rows = stmt.query([&customer.id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let lines: String = r.get(8)?;
        out.push(PurchaseRecord {
            id: r.get(0)?,
            store_id: customer.store_id.clone(),
            customer_id: customer.id.clone(),
            channel: r.get(1)?,
            kind: TxnKind::parse(&kind)
                .ok_or_else(|| CentralError::Internal(anyhow::anyhow!("ledger kind {kind:?}")))?,
            reference: r.get(3)?,
            attributed_store_id: r.get(4)?,
            occurred_at: r.get(5)?,
            currency: r.get(6)?,
            amount_minor: r.get(7)?,
            lines: serde_json::from_str(&lines)?,
            order_id: r.get(9)?,
        });
    }
    Ok(out)
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
    let seq = record_upsert(sp, &scope, &Record::LostDemand(Box::new(record)))?;
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
    if !crate::associates::is_manager(sp, &store.id, &rule.by_associate_id)? {
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
    let record = SafetyRuleRecord {
        location_id: store.id.clone(),
        product_class: rule.product_class.clone(),
        units: rule.units,
    };
    let seq = record_upsert(sp, CATALOG_SCOPE, &Record::SafetyRule(record))?;
    tracing::info!(store = %store.id, class = %rule.product_class, units = rule.units, manager = %rule.by_associate_id, "safety stock changed");
    Ok(Ok(vec![ScopeCursor { scope: CATALOG_SCOPE.to_owned(), after: seq }]))
}

#[cfg(test)]
mod tests {
    use crate::testing::{demo_db, demo_pin, device_token};
    use crate::AppState;
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use axum::Router;
    use serde_json::{json, Value};
    use tower::ServiceExt;
    use vitrina_protocol::{ASSOCIATE_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION};

    const STORE: &str = "CL-SCL-01";
    const OTHER: &str = "CL-SCL-02";

    struct Central {
        _dir: tempfile::TempDir,
        db: crate::Db,
        app: Router,
    }

    fn central() -> Central {
        let (dir, db) = demo_db();
        let app = crate::routes::router(AppState::new(db.clone()));
        Central { _dir: dir, db, app }
    }

    async fn send(app: &Router, req: Request<Body>) -> (StatusCode, Value, String) {
        let response = app.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), text)
    }

    fn request(
        method: &str,
        uri: &str,
        bearer: Option<&str>,
        associate: Option<&str>,
        body: Option<Value>,
    ) -> Request<Body> {
        let mut builder =
            Request::builder().method(method).uri(uri).header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(token) = bearer {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(token) = associate {
            builder = builder.header(ASSOCIATE_HEADER, token);
        }
        match body {
            Some(body) => builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
        .unwrap()
    }

    fn channel_token(db: &crate::Db, channel: &str) -> String {
        let channel = channel.to_owned();
        db.blocking(move |conn| crate::movements::mint_channel_token(conn, &channel)).unwrap()
    }

    async fn sign_in(c: &Central, device: &str, store: &str, role: &str) -> String {
        let body = json!({"associate_id": format!("{store}-{role}"), "pin": demo_pin(store, role)});
        let (status, answer, _) =
            send(&c.app, request("POST", "/v1/associates/sign-in", Some(device), None, Some(body))).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["role"], role);
        answer["token"].as_str().unwrap().to_owned()
    }

    fn sku(c: &Central) -> String {
        c.db.blocking(|conn| Ok(conn.query_row("SELECT sku FROM variant ORDER BY sku LIMIT 1", (), |r| r.get(0))?))
            .unwrap()
    }

    fn sale(id: &str, sku: &str, store: &str, at: &str, unit: i64) -> Value {
        json!({"transaction_id": id, "channel": "pos", "kind": "sale", "occurred_at": at, "sold_at_store": store,
               "currency": "CLP", "lines": [{"sku": sku, "quantity": 2, "unit_minor": unit}]})
    }

    #[tokio::test]
    async fn a_transaction_is_taken_once_and_a_reused_id_with_another_body_is_refused() {
        let c = central();
        let token = channel_token(&c.db, "pos");
        let sku = sku(&c);
        let first = json!({"transactions": [sale("T-1", &sku, STORE, "2026-11-24T15:00:00Z", 10_000)]});
        let (status, answer, _) =
            send(&c.app, request("POST", "/v1/channel/transactions", Some(&token), None, Some(first.clone()))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["results"][0]["accepted"], true, "{answer}");
        assert_eq!(answer["results"][0]["store_id"], STORE);
        let (_, again, _) =
            send(&c.app, request("POST", "/v1/channel/transactions", Some(&token), None, Some(first))).await;
        assert_eq!(again["results"][0]["replayed"], true);
        let changed = json!({"transactions": [sale("T-1", &sku, STORE, "2026-11-24T15:00:00Z", 99)]});
        let (_, refused, _) =
            send(&c.app, request("POST", "/v1/channel/transactions", Some(&token), None, Some(changed))).await;
        assert_eq!(refused["results"][0]["reason"], "reused_id");
        let entries: i64 =
            c.db.blocking(|conn| {
                Ok(conn.query_row("SELECT COUNT(*) FROM ledger_entry WHERE id = 'pos:T-1'", (), |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(entries, 1);
    }

    #[tokio::test]
    async fn bad_transactions_are_refused_whole_with_the_reason_and_the_rest_are_taken() {
        let c = central();
        let token = channel_token(&c.db, "import");
        let sku = sku(&c);
        let mut unknown_sku = sale("B-2", "NOPE", STORE, "2026-11-24T15:00:00Z", 1);
        unknown_sku["lines"] =
            json!([{"sku": sku, "quantity": 1, "unit_minor": 5}, {"sku": "NOPE", "quantity": 1, "unit_minor": 5}]);
        let body = json!({"transactions": [
            sale("B-1", &sku, STORE, "yesterday", 1),
            unknown_sku,
            sale("B-3", &sku, "XX-NOWHERE", "2026-11-24T15:00:00Z", 1),
            {"transaction_id": "B-4", "channel": "pos", "kind": "sale", "occurred_at": "2026-11-24T15:00:00Z",
             "sold_at_store": STORE, "currency": "MXN", "lines": [{"sku": sku, "quantity": 1, "unit_minor": 1}]},
            {"transaction_id": "B-5", "channel": "ecommerce", "kind": "cancellation", "occurred_at": "2026-11-24T15:00:00Z",
             "pickup_store": STORE, "currency": "CLP", "lines": [{"sku": sku, "quantity": 1, "unit_minor": 1}]},
            {"transaction_id": "B-6", "channel": "fax", "kind": "sale", "occurred_at": "2026-11-24T15:00:00Z",
             "sold_at_store": STORE, "currency": "CLP", "lines": [{"sku": sku, "quantity": 1, "unit_minor": 1}]},
            sale("B-7", &sku, STORE, "2026-11-24T15:00:00-03:00", -5),
            sale("B-8", &sku, STORE, "2026-11-24T15:00:00-03:00", 5),
        ]});
        let (status, answer, _) =
            send(&c.app, request("POST", "/v1/channel/transactions", Some(&token), None, Some(body))).await;
        assert_eq!(status, StatusCode::OK);
        let reasons: Vec<&str> =
            answer["results"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap_or("ok")).collect();
        assert_eq!(
            reasons,
            [
                "invalid_time",
                "unknown_sku",
                "unknown_store",
                "currency_mismatch",
                "unknown_original",
                "unknown_channel",
                "invalid_price",
                "ok"
            ]
        );
        assert_eq!(answer["results"][1]["detail"], "lines[1].sku", "the line is named");
        let lines: i64 =
            c.db.blocking(|conn| {
                Ok(conn.query_row("SELECT COUNT(*) FROM ledger_entry WHERE reference LIKE 'B-%'", (), |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(lines, 1, "only the good one is in; the one with a bad second line left nothing behind");
    }

    #[tokio::test]
    async fn a_channels_token_sends_only_its_own_channel() {
        let c = central();
        let token = channel_token(&c.db, "pos");
        let sku = sku(&c);
        let mut web = sale("W-1", &sku, STORE, "2026-11-24T15:00:00Z", 1);
        web["channel"] = json!("ecommerce");
        let (_, answer, _) = send(
            &c.app,
            request("POST", "/v1/channel/transactions", Some(&token), None, Some(json!({"transactions": [web]}))),
        )
        .await;
        assert_eq!(answer["results"][0]["reason"], "channel_not_allowed");
        let device = device_token(&c.db, STORE);
        let (status, _, _) = send(
            &c.app,
            request("POST", "/v1/channel/transactions", Some(&device), None, Some(json!({"transactions": []}))),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a device token is not a channel token");
    }

    #[tokio::test]
    async fn an_online_order_for_pickup_counts_for_the_pickup_store_and_reaches_the_customers_store() {
        let c = central();
        let token = channel_token(&c.db, "ecommerce");
        let sku = sku(&c);
        let phone: String =
            c.db.blocking(|conn| {
                Ok(conn.query_row("SELECT phone FROM customer WHERE store_id = ?1 LIMIT 1", [STORE], |r| r.get(0))?)
            })
            .unwrap();
        let order = json!({"transaction_id": "WEB-9", "channel": "ecommerce", "kind": "order",
            "occurred_at": "2026-11-24T15:00:00Z", "pickup_store": OTHER, "customer": {"phone": phone},
            "currency": "CLP", "lines": [{"sku": sku, "quantity": 1, "unit_minor": 19_990}]});
        let (_, answer, _) = send(
            &c.app,
            request("POST", "/v1/channel/transactions", Some(&token), None, Some(json!({"transactions": [order]}))),
        )
        .await;
        assert_eq!(answer["results"][0]["store_id"], OTHER, "{answer}");
        let customer = answer["results"][0]["customer_id"].as_str().expect("matched by phone").to_owned();
        let published: String =
            c.db.blocking(move |conn| {
                Ok(conn.query_row("SELECT scope FROM change_log WHERE key = 'purchase:ecommerce:WEB-9'", (), |r| {
                    r.get(0)
                })?)
            })
            .unwrap();
        assert_eq!(published, format!("store:{STORE}"), "the purchase travels to {customer}'s own store");
    }

    #[tokio::test]
    async fn the_report_is_for_managers_of_the_devices_store_only() {
        let c = central();
        let device = device_token(&c.db, STORE);
        let other_device = device_token(&c.db, OTHER);
        let uri = "/v1/reports/store?from=2026-11-24";
        let (status, _, _) = send(&c.app, request("GET", uri, None, None, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "no token");
        let (status, body, _) = send(&c.app, request("GET", uri, Some(&device), None, None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "nobody signed in: {body}");
        let associate = sign_in(&c, &device, STORE, "associate").await;
        let (status, body, _) = send(&c.app, request("GET", uri, Some(&device), Some(&associate), None)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "an associate");
        let manager = sign_in(&c, &device, STORE, "manager").await;
        let (status, _, _) = send(&c.app, request("GET", uri, Some(&other_device), Some(&manager), None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a session is bound to the device it was opened on");
        let body = json!({"associate_id": format!("{STORE}-manager"), "pin": demo_pin(STORE, "manager")});
        let (status, _, _) =
            send(&c.app, request("POST", "/v1/associates/sign-in", Some(&other_device), None, Some(body))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a manager of another store can't sign in on this store's device");
        let (status, report, _) = send(&c.app, request("GET", uri, Some(&device), Some(&manager), None)).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["report"]["store_id"], STORE);
        assert_eq!(report["report"]["hours"].as_array().unwrap().len(), 24);
        let (status, _, csv) = send(
            &c.app,
            request(
                "GET",
                "/v1/reports/store?from=2026-11-20&to=2026-11-24&format=csv",
                Some(&device),
                Some(&manager),
                None,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with(&format!("store,{STORE}\r\n")), "{csv}");
        let (status, _, _) = send(
            &c.app,
            request("GET", "/v1/reports/store?from=2026-11-24&to=2026-11-01", Some(&device), Some(&manager), None),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reversed range");
        let (status, _, _) =
            send(&c.app, request("POST", "/v1/associates/sign-out", Some(&device), Some(&manager), None)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _, _) = send(&c.app, request("GET", uri, Some(&device), Some(&manager), None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "signed out");
    }

    #[tokio::test]
    async fn wrong_pins_at_the_central_back_off() {
        let c = central();
        let device = device_token(&c.db, STORE);
        let right = demo_pin(STORE, "manager");
        let wrong = if right == "1357" { "2468" } else { "1357" };
        let attempt = |pin: &str| {
            request(
                "POST",
                "/v1/associates/sign-in",
                Some(&device),
                None,
                Some(json!({"associate_id": format!("{STORE}-manager"), "pin": pin})),
            )
        };
        for left in (0..5).rev() {
            let (status, body, _) = send(&c.app, attempt(wrong)).await;
            if left > 0 {
                assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("wrong_pin")));
            } else {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the fifth wrong PIN locks");
            }
        }
        let (status, _, _) = send(&c.app, attempt(&right)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right PIN waits out the lock");
    }

    #[tokio::test]
    async fn a_safety_stock_change_needs_a_manager_of_the_store() {
        use vitrina_protocol::*;
        let c = central();
        let device = device_token(&c.db, STORE);
        let push = |counter: i64, by: &str| {
            let m = Mutation {
                mutation_id: uuid::Uuid::now_v7().to_string(),
                counter,
                made_by: None,
                command: Command::SetSafetyRule(SetSafetyRule {
                    product_class: "bestseller".into(),
                    units: 4,
                    by_associate_id: by.into(),
                }),
            };
            request(
                "POST",
                "/v1/push",
                Some(&device),
                None,
                Some(serde_json::to_value(PushRequest { mutations: vec![m] }).unwrap()),
            )
        };
        let (_, answer, _) = send(&c.app, push(1, &format!("{STORE}-associate"))).await;
        assert_eq!(answer["results"][0]["rejection"]["reason"], "forbidden", "{answer}");
        let (_, answer, _) = send(&c.app, push(2, &format!("{OTHER}-manager"))).await;
        assert_eq!(answer["results"][0]["rejection"]["reason"], "forbidden", "another store's manager");
        let (_, answer, _) = send(&c.app, push(3, &format!("{STORE}-manager"))).await;
        assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");
        let units: i64 =
            c.db.blocking(|conn| {
                Ok(conn.query_row(
                    "SELECT units FROM safety_rule WHERE location_id = ?1 AND product_class = 'bestseller'",
                    [STORE],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(units, 4);
    }

    #[tokio::test]
    async fn another_stores_customer_is_found_only_with_their_consent_to_a_chain_profile() {
        let c = central();
        let device = device_token(&c.db, STORE);
        let (mine, theirs, other): (String, String, String) =
            c.db.blocking(|conn| {
                let one = |store: &str, n: i64| -> crate::sql::Result<String> {
                    conn.query_row(
                        "SELECT phone FROM customer WHERE store_id = ?1 ORDER BY id LIMIT 1 OFFSET ?2",
                        crate::sql::params![store, n],
                        |r| r.get(0),
                    )
                };
                let (mine, theirs, other) = (one(STORE, 0)?, one(OTHER, 0)?, one(OTHER, 1)?);
                conn.execute("UPDATE customer SET chain_consent = 0 WHERE store_id = ?1", [OTHER])?;
                conn.execute("UPDATE customer SET chain_consent = 1 WHERE phone = ?1", [&theirs])?;
                Ok((mine, theirs, other))
            })
            .unwrap();
        let lookup = |q: &str| {
            request("GET", &format!("/v1/customers/lookup?q={}", q.replace('+', "%2B")), Some(&device), None, None)
        };
        let (status, answer, _) = send(&c.app, lookup(&mine)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["customers"].as_array().unwrap().len(), 1, "the store's own customer");
        let (_, answer, _) = send(&c.app, lookup(&theirs)).await;
        assert_eq!(answer["customers"][0]["customer"]["store_id"], OTHER, "a consenting customer of another store");
        let (_, answer, _) = send(&c.app, lookup(&other)).await;
        assert_eq!(answer["customers"], json!([]), "no consent, no profile, even by exact phone");
        let (status, _, _) = send(&c.app, lookup("+5")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no browsing by fragments");
        let (status, _, _) =
            send(&c.app, request("GET", "/v1/customers/lookup?q=someone%40example.com", None, None, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn an_order_placed_on_a_tablet_counts_as_the_stores_own_sale_and_its_cancellation_takes_it_back() {
        use vitrina_protocol::*;
        let c = central();
        let device = device_token(&c.db, STORE);
        let (sku, price): (String, i64) = c
            .db
            .blocking(|conn| {
                let (sku, record): (String, String) = conn.query_row(
                    "SELECT s.sku, p.record FROM stock s JOIN variant v ON v.sku = s.sku JOIN product p ON p.id = v.product_id
                     WHERE s.location_id = 'CL-WH-01' AND s.on_hand - s.reserved > 5 ORDER BY s.sku LIMIT 1",
                    (),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let product: ProductRecord = serde_json::from_str(&record)?;
                Ok((sku, product.prices.iter().find(|p| p.currency == "CLP").unwrap().minor))
            })
            .unwrap();
        let order_id = uuid::Uuid::now_v7().to_string();
        let commands = [
            Command::PlaceOrder(PlaceOrder {
                order_id: order_id.clone(),
                order_number: "CL-SCL-01-TEST-00001".into(),
                lines: vec![OrderLineRecord { sku: sku.clone(), quantity: 2, source_location_id: "CL-WH-01".into() }],
                fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Siempre Viva 742".into() },
                customer_id: None,
                payment: PaymentRecord { method: "at_till".into(), reference: None },
                promise_date: None,
                allow_other_source: false,
            }),
            Command::CancelOrder(CancelOrder { order_id: order_id.clone() }),
        ];
        let manager = sign_in(&c, &device, STORE, "manager").await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Santiago).date_naive();
        let uri = format!(
            "/v1/reports/store?from={}&to={}",
            today - chrono::Duration::days(1),
            today + chrono::Duration::days(1)
        );
        let endless = |report: &Value| -> (u64, i64, u64, i64) {
            let channel = report["report"]["channels"]
                .as_array()
                .unwrap()
                .iter()
                .find(|ch| ch["channel"] == "endless_aisle")
                .cloned()
                .unwrap_or(json!({"totals": {"orders": 0, "orders_minor": 0, "cancellations": 0, "net_minor": 0}}));
            let t = &channel["totals"];
            (
                t["orders"].as_u64().unwrap(),
                t["orders_minor"].as_i64().unwrap(),
                t["cancellations"].as_u64().unwrap(),
                t["net_minor"].as_i64().unwrap(),
            )
        };
        let (_, before, _) = send(&c.app, request("GET", &uri, Some(&device), Some(&manager), None)).await;
        for (i, command) in commands.into_iter().enumerate() {
            let mutation = Mutation {
                mutation_id: uuid::Uuid::now_v7().to_string(),
                counter: i as i64 + 1,
                made_by: None,
                command,
            };
            let body = serde_json::to_value(PushRequest { mutations: vec![mutation] }).unwrap();
            let (_, answer, _) = send(&c.app, request("POST", "/v1/push", Some(&device), None, Some(body))).await;
            assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");
            let (_, report, _) = send(&c.app, request("GET", &uri, Some(&device), Some(&manager), None)).await;
            let (orders, amount, cancellations, net) = endless(&report);
            let (orders0, amount0, cancellations0, net0) = endless(&before);
            assert_eq!(
                (orders - orders0, amount - amount0),
                (1, 2 * price),
                "the order counts as the store's, at the catalog's price"
            );
            if i == 0 {
                assert_eq!(net - net0, 2 * price);
            } else {
                assert_eq!((cancellations - cancellations0, net - net0), (1, 0), "its cancellation takes it back");
            }
        }
    }
}
