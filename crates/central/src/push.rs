//! Business commands pushed by devices, executed by the central as the authority.
//!
//! Each mutation runs in its own savepoint with the record of its result, so a
//! retry (same device, same counter, same body) answers the stored result and a
//! reused counter or mutation id with another body is refused. Counters are
//! gap-free per device: a mutation after a gap is not executed and the answer says
//! where to resend from. A rejection is a result with a reason and alternatives; it
//! never blocks the mutations after it.
//!
//! Stock: an order line reserves units with one conditional UPDATE on
//! available-to-promise (on hand − reserved − safety), so no two devices, however
//! they interleave, are ever confirmed more units than exist.

use crate::appointments;
use crate::commerce;
use crate::error::CentralError;
use crate::sql::{params, Connection, OptionalExtension, Savepoint};
use crate::storage::{self, record_upsert, rfc3339, sha256_hex, Result};
use vitrina_protocol::*;

/// Executes `mutations` from `device_id` (of `store_id`) in counter order.
pub fn apply(
    conn: &mut Connection,
    device_id: &str,
    store: &LocationRecord,
    mutations: &[Mutation],
) -> Result<PushResponse> {
    let mut tx = conn.transaction()?;
    // Written, not only read, first: of two pushes of one device at once, the later
    // waits for this row and (PostgreSQL) runs again, replaying the stored results.
    let mut last: i64 = tx.query_row(
        "UPDATE device SET last_counter = last_counter WHERE id = ?1 RETURNING last_counter",
        [device_id],
        |r| r.get(0),
    )?;
    let mut results = Vec::with_capacity(mutations.len());
    let mut ordered: Vec<&Mutation> = mutations.iter().collect();
    ordered.sort_by_key(|m| m.counter);
    for mutation in ordered {
        let hash = sha256_hex(&serde_json::to_string(mutation)?);
        if mutation.counter <= last {
            results.push(replay(&tx, device_id, mutation, &hash)?);
            continue;
        }
        if mutation.counter != last + 1 {
            // A gap: the device must resend from `last + 1` first.
            break;
        }
        let mut sp = tx.savepoint()?;
        let reused: bool = sp
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM device_mutation WHERE device_id = ?1 AND mutation_id = ?2)")?
            .query_row(params![device_id, mutation.mutation_id], |r| r.get(0))?;
        let result = if reused {
            conflict(mutation)
        } else if !on_roster(&sp, store, mutation.made_by.as_deref())? {
            tracing::warn!(device_id, associate = ?mutation.made_by, "command by an associate not of the device's store");
            refused(mutation, Rejection::Forbidden)
        } else {
            let mut inner = sp.savepoint()?;
            let result = execute(&inner, device_id, store, mutation)?;
            if !result.outcome.is_applied() {
                inner.rollback()?;
            }
            inner.commit()?;
            if result.outcome.is_applied() {
                audit_command(&sp, device_id, store, mutation, &result.outcome)?;
            }
            result
        };
        sp.prepare_cached(
            "INSERT INTO device_mutation (device_id, counter, mutation_id, request_hash, result, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            device_id,
            mutation.counter,
            mutation.mutation_id,
            hash,
            serde_json::to_string(&result)?,
            rfc3339(storage::now())
        ])?;
        sp.execute("UPDATE device SET last_counter = ?2 WHERE id = ?1", params![device_id, mutation.counter])?;
        sp.commit()?;
        last = mutation.counter;
        tracing::info!(device_id, counter = mutation.counter, mutation_id = %mutation.mutation_id, applied = result.outcome.is_applied(), "mutation executed");
        results.push(result);
    }
    tx.commit()?;
    Ok(PushResponse { results, next_counter: last + 1 })
}

/// Records the commands the audit log keeps: orders, cancellations, returns and
/// managers' changes.
fn audit_command(
    conn: &Connection,
    device_id: &str,
    store: &LocationRecord,
    mutation: &Mutation,
    outcome: &MutationOutcome,
) -> Result<()> {
    use crate::audit::{record, Audit};
    let base = Audit {
        store_id: Some(&store.id),
        device_id: Some(device_id),
        associate_id: mutation.made_by.as_deref(),
        ..Audit::default()
    };
    let command = &mutation.command;
    let number = |order_id: &str| -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT number FROM customer_order WHERE id = ?1")?
            .query_row([order_id], |r| r.get(0))
            .optional()?)
    };
    match command {
        Command::PlaceOrder(o) => record(
            conn,
            Audit {
                action: "order.placed",
                subject: Some(&o.order_number),
                detail: Some(serde_json::json!({ "lines": o.lines.len(), "fulfilment": &o.fulfilment })),
                ..base
            },
        ),
        Command::CancelOrder(c) => {
            let action = match outcome {
                MutationOutcome::PendingReview { .. } => "order.cancel_requested",
                _ => "order.cancelled",
            };
            record(conn, Audit { action, subject: number(&c.order_id)?.as_deref(), ..base })
        }
        Command::ReturnOrder(r) => record(
            conn,
            Audit {
                action: "order.returned",
                subject: number(&r.order_id)?.as_deref(),
                detail: Some(serde_json::json!({ "return_id": &r.return_id, "lines": &r.lines })),
                ..base
            },
        ),
        Command::SetAppointmentStatus(s) if s.status == "cancelled" => {
            record(conn, Audit { action: "appointment.cancelled", subject: Some(&s.appointment_id), ..base })
        }
        Command::SetStylistSchedule(s) => record(
            conn,
            Audit {
                action: "schedule.changed",
                associate_id: Some(&s.by_associate_id),
                subject: Some(&s.stylist_id),
                ..base
            },
        ),
        Command::SetSafetyRule(r) => record(
            conn,
            Audit {
                action: "safety_rule.changed",
                associate_id: Some(&r.by_associate_id),
                subject: Some(&r.product_class),
                detail: Some(serde_json::json!({ "units": r.units })),
                ..base
            },
        ),
        _ => Ok(()),
    }
}

/// Whether the associate a command is attributed to is on the roster of the
/// device's store (active or since deactivated: a sale made offline before a
/// deactivation still counts). A command without one comes from an older build.
fn on_roster(conn: &Connection, store: &LocationRecord, associate_id: Option<&str>) -> Result<bool> {
    let Some(id) = associate_id else {
        return Ok(true);
    };
    let home: Option<String> = conn
        .prepare_cached("SELECT store_id FROM associate WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(home.as_deref() == Some(store.id.as_str()))
}

fn conflict(mutation: &Mutation) -> MutationResult {
    refused(mutation, Rejection::Conflict)
}

fn refused(mutation: &Mutation, rejection: Rejection) -> MutationResult {
    MutationResult {
        mutation_id: mutation.mutation_id.clone(),
        counter: mutation.counter,
        outcome: MutationOutcome::Rejected { rejection, alternatives: Vec::new(), slots: Vec::new() },
        effects: Vec::new(),
        replayed: false,
    }
}

/// The stored result of an already executed counter, if the body matches.
fn replay(conn: &Connection, device_id: &str, mutation: &Mutation, hash: &str) -> Result<MutationResult> {
    let stored: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT mutation_id, request_hash, result FROM device_mutation WHERE device_id = ?1 AND counter = ?2",
        )?
        .query_row(params![device_id, mutation.counter], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match stored {
        Some((id, stored_hash, result)) if id == mutation.mutation_id && stored_hash == hash => {
            let mut result: MutationResult = serde_json::from_str(&result)?;
            result.replayed = true;
            Ok(result)
        }
        _ => Ok(conflict(mutation)),
    }
}

fn execute(sp: &Savepoint<'_>, device_id: &str, store: &LocationRecord, mutation: &Mutation) -> Result<MutationResult> {
    let applied =
        |r: std::result::Result<Vec<ScopeCursor>, Refusal>| r.map(|effects| Done::Applied(effects, Vec::new()));
    let outcome = match &mutation.command {
        Command::CreateCustomer(customer) => applied(create_customer(sp, store, customer)?),
        Command::PlaceOrder(order) => {
            place_order(sp, device_id, store, order)?.map(|(effects, changes)| Done::Applied(effects, changes))
        }
        Command::CancelOrder(cancel) => cancel_order(sp, store, &cancel.order_id)?,
        Command::ReturnOrder(ret) => applied(return_order(sp, device_id, store, ret)?),
        Command::SaveWishlist(save) => applied(save_wishlist(sp, store, save)?),
        Command::BookAppointment(b) => {
            let booker = appointments::Booker::Device { customer_id: &b.customer_id };
            return Ok(booking_result(
                mutation,
                appointments::book(
                    sp,
                    store,
                    &b.appointment_id,
                    &b.stylist_id,
                    &b.service_id,
                    &b.start,
                    booker,
                    &b.items,
                )?,
            ));
        }
        Command::RescheduleAppointment(r) => {
            return Ok(booking_result(mutation, appointments::reschedule(sp, store, r)?));
        }
        Command::SetAppointmentStatus(s) => {
            return Ok(booking_result(mutation, appointments::set_status(sp, store, s)?));
        }
        Command::SetStylistSchedule(s) => {
            return Ok(booking_result(mutation, appointments::set_schedule(sp, store, s)?));
        }
        Command::RecordLostDemand(d) => applied(commerce_refusal(commerce::record_lost_demand(sp, store, d)?)),
        Command::SetSafetyRule(r) => applied(commerce_refusal(commerce::set_safety_rule(sp, store, r)?)),
    };
    let (outcome, effects) = match outcome {
        Ok(Done::Applied(effects, changes)) if changes.is_empty() => (MutationOutcome::Applied, effects),
        Ok(Done::Applied(effects, changes)) => (MutationOutcome::AppliedWithChanges { changes }, effects),
        Ok(Done::Review(effects, reason)) => (MutationOutcome::PendingReview { reason }, effects),
        Err((rejection, alternatives)) => {
            (MutationOutcome::Rejected { rejection, alternatives, slots: Vec::new() }, Vec::new())
        }
    };
    Ok(MutationResult {
        mutation_id: mutation.mutation_id.clone(),
        counter: mutation.counter,
        outcome,
        effects,
        replayed: false,
    })
}

/// The result of an appointment command: applied with its effect, or refused with
/// the nearest free slots when the stylist was taken.
fn booking_result(
    mutation: &Mutation,
    done: std::result::Result<ScopeCursor, appointments::Refused>,
) -> MutationResult {
    use appointments::Refused;
    let (outcome, effects) = match done {
        Ok(effect) if effect.after == 0 => (MutationOutcome::Applied, Vec::new()),
        Ok(effect) => (MutationOutcome::Applied, vec![effect]),
        Err(refused) => {
            let (rejection, slots) = match refused {
                Refused::Invalid { field, detail } => {
                    (Rejection::Invalid { field: field.into(), detail: detail.into() }, Vec::new())
                }
                Refused::Forbidden => (Rejection::Forbidden, Vec::new()),
                Refused::SlotTaken(slots) => (Rejection::SlotTaken, slots),
                Refused::NotChangeable => (Rejection::NotChangeable, Vec::new()),
            };
            (MutationOutcome::Rejected { rejection, alternatives: Vec::new(), slots }, Vec::new())
        }
    };
    MutationResult {
        mutation_id: mutation.mutation_id.clone(),
        counter: mutation.counter,
        outcome,
        effects,
        replayed: false,
    }
}

type Refusal = (Rejection, Vec<Alternative>);

fn commerce_refusal(
    done: std::result::Result<Vec<ScopeCursor>, commerce::Refusal>,
) -> std::result::Result<Vec<ScopeCursor>, Refusal> {
    done.map_err(|refused| match refused {
        commerce::Refusal::Invalid(field, detail) => invalid(field, detail),
        commerce::Refusal::Forbidden => (Rejection::Forbidden, Vec::new()),
    })
}

/// What the central did with an accepted command.
enum Done {
    /// Applied: the effects' scopes and seqs, and what was changed from what was sent.
    Applied(Vec<ScopeCursor>, Vec<AppliedChange>),
    /// Taken for a person to decide, for the reason given.
    Review(Vec<ScopeCursor>, String),
}
/// What an applied command did: where its effects were recorded, and what the
/// central changed from what was sent.
type Applied = (Vec<ScopeCursor>, Vec<AppliedChange>);

fn invalid(field: &str, detail: &str) -> Refusal {
    (Rejection::Invalid { field: field.into(), detail: detail.into() }, Vec::new())
}

/// Places an order: reserves every line at its source or none.
fn place_order(
    sp: &Savepoint<'_>,
    device_id: &str,
    store: &LocationRecord,
    order: &PlaceOrder,
) -> Result<std::result::Result<Applied, Refusal>> {
    if order.lines.is_empty() {
        return Ok(Err(invalid("lines", "empty")));
    }
    if order.order_id.trim().is_empty() || order.order_number.trim().is_empty() {
        return Ok(Err(invalid("order_id", "empty")));
    }
    let exists: Option<String> = sp
        .prepare_cached("SELECT store_id FROM customer_order WHERE id = ?1 OR number = ?2")?
        .query_row(params![order.order_id, order.order_number], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        // The same order sent through another mutation: it stands once.
        return Ok(Err(invalid("order_id", "duplicate")));
    }
    if let Some(customer_id) = &order.customer_id {
        let home: Option<String> = sp
            .prepare_cached("SELECT store_id FROM customer WHERE id = ?1")?
            .query_row([customer_id], |r| r.get(0))
            .optional()?;
        match home {
            None => return Ok(Err(invalid("customer_id", "unknown"))),
            Some(home) if home != store.id => return Ok(Err((Rejection::Forbidden, Vec::new()))),
            Some(_) => {}
        }
    }
    if !matches!(order.payment.method.as_str(), "at_till" | "reference" | "payment_link") {
        return Ok(Err(invalid("payment", "method")));
    }
    let mut effects = Vec::new();
    let mut changes = Vec::new();
    let mut lines = order.lines.clone();
    for line in &mut lines {
        if !(1..=1_000).contains(&line.quantity) {
            return Ok(Err(invalid("quantity", "out_of_range")));
        }
        let Some(source) = storage::location(sp, &line.source_location_id)? else {
            return Ok(Err(invalid("source_location_id", "unknown")));
        };
        if source.country != store.country {
            return Ok(Err((Rejection::Forbidden, Vec::new())));
        }
        let reserved = reserve(sp, &line.sku, &line.source_location_id, line.quantity)?;
        let reserved = match reserved {
            Some(stock) => Some(stock),
            None if order.allow_other_source => match other_source(sp, store, order, line)? {
                Some(stock) => {
                    changes.push(AppliedChange {
                        sku: line.sku.clone(),
                        field: "source_location_id".into(),
                        from: line.source_location_id.clone(),
                        to: stock.location_id.clone(),
                    });
                    line.source_location_id = stock.location_id.clone();
                    Some(stock)
                }
                None => None,
            },
            None => None,
        };
        let Some(stock) = reserved else {
            // An unknown SKU has no alternatives; a failed read is passed on (on
            // PostgreSQL it has ended the transaction, which must run again).
            let available = match storage::availability(sp, store, &line.sku) {
                Ok(a) => a.locations,
                Err(crate::CentralError::NotFound) => Vec::new(),
                Err(e) => return Err(e),
            };
            let at_source = available.iter().find(|a| a.location_id == line.source_location_id).map_or(0, |a| a.atp);
            let mut alternatives: Vec<Alternative> = available
                .into_iter()
                .filter(|a| a.location_id != line.source_location_id && a.atp >= line.quantity)
                .map(|a| Alternative { sku: line.sku.clone(), location_id: a.location_id, atp: a.atp })
                .collect();
            alternatives.sort_by(|a, b| b.atp.cmp(&a.atp).then_with(|| a.location_id.cmp(&b.location_id)));
            return Ok(Err((
                Rejection::SoldOut {
                    sku: line.sku.clone(),
                    location_id: line.source_location_id.clone(),
                    available: at_source,
                },
                alternatives,
            )));
        };
        let scope = inventory_scope(&stock.location_id);
        let seq = record_upsert(sp, &scope, &Record::Stock(stock))?;
        effects.push(ScopeCursor { scope, after: seq });
    }
    sp.prepare_cached(
        "INSERT INTO customer_order (id, number, store_id, device_id, channel, fulfilment, status, created_at,
             customer_id, payment, promise_date)
         VALUES (?1, ?2, ?3, ?4, 'endless_aisle', ?5, 'confirmed', ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        order.order_id,
        order.order_number,
        store.id,
        device_id,
        serde_json::to_string(&order.fulfilment)?,
        rfc3339(storage::now()),
        order.customer_id,
        serde_json::to_string(&order.payment)?,
        order.promise_date,
    ])?;
    for (line_no, line) in lines.iter().enumerate() {
        sp.prepare_cached(
            "INSERT INTO order_line (order_id, line_no, sku, quantity, source_location_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            order.order_id,
            line_no as i64 + 1,
            line.sku,
            line.quantity,
            line.source_location_id
        ])?;
    }
    effects.push(record_order(sp, &order.order_id)?);
    let placed = order_record(sp, &order.order_id)?.ok_or(crate::CentralError::NotFound)?;
    effects.extend(commerce::record_device_order(sp, store, &placed)?);
    Ok(Ok((effects, changes)))
}

/// Reserves `line` at the location the sourcing rule prefers among those of the
/// region that still have the units; answers its stock after the reservation.
fn other_source(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    order: &PlaceOrder,
    line: &OrderLineRecord,
) -> Result<Option<StockRecord>> {
    use vitrina_core::sourcing::{choose_source, Candidate, Fulfilment, RequestingStore, SourcingRequest};
    use vitrina_core::Coordinates;
    let available = storage::availability(sp, store, &line.sku)?.locations;
    let mut candidates = Vec::new();
    for a in available.iter().filter(|a| a.location_id != line.source_location_id) {
        if let Some(l) = storage::location(sp, &a.location_id)? {
            candidates.push(Candidate {
                location_id: l.id,
                kind: l.kind,
                coordinates: Coordinates { lat: l.lat, lon: l.lon },
                atp: a.atp,
            });
        }
    }
    let fulfilment = match &order.fulfilment {
        FulfilmentRecord::ShipToHome { .. } => Fulfilment::ShipToHome,
        FulfilmentRecord::ShipToStore { store_id } => Fulfilment::ShipToStore { store_id: store_id.clone() },
        FulfilmentRecord::PickUpAt { store_id } => Fulfilment::PickUpAt { store_id: store_id.clone() },
    };
    let requesting =
        RequestingStore { store_id: store.id.clone(), coordinates: Coordinates { lat: store.lat, lon: store.lon } };
    let Ok(request) = SourcingRequest::new(requesting, fulfilment, line.quantity, candidates) else { return Ok(None) };
    let Some(choice) = choose_source(&request) else { return Ok(None) };
    reserve(sp, &line.sku, &choice.location_id, line.quantity)
}

/// One conditional UPDATE on available-to-promise: reserves `quantity` units or none.
pub(crate) fn reserve(conn: &Connection, sku: &str, location_id: &str, quantity: i64) -> Result<Option<StockRecord>> {
    Ok(conn
        .prepare_cached(
            "UPDATE stock SET reserved = reserved + ?3
             WHERE sku = ?1 AND location_id = ?2
               AND on_hand - reserved - COALESCE((
                   SELECT r.units FROM safety_rule r JOIN variant v ON v.sku = stock.sku
                   JOIN product p ON p.id = v.product_id
                   WHERE r.location_id = stock.location_id AND r.product_class = p.product_class), 0) >= ?3
             RETURNING sku, location_id, on_hand, reserved, in_transit, transit_eta",
        )?
        .query_row(params![sku, location_id, quantity], storage::stock_from_row)
        .optional()?)
}

/// The order as devices see it.
pub fn order_record(conn: &Connection, order_id: &str) -> Result<Option<OrderRecord>> {
    let head = conn
        .prepare_cached(
            "SELECT id, number, store_id, customer_id, channel, status, fulfilment, payment, promise_date, created_at,
                    cancel_requested
             FROM customer_order WHERE id = ?1",
        )?
        .query_row([order_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, bool>(10)?,
            ))
        })
        .optional()?;
    let Some((
        id,
        number,
        store_id,
        customer_id,
        channel,
        status,
        fulfilment,
        payment,
        promise_date,
        created_at,
        cancel_requested,
    )) = head
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT sku, quantity, source_location_id, returned FROM order_line WHERE order_id = ?1 ORDER BY line_no",
    )?;
    let lines = stmt
        .query_map([&id], |r| {
            Ok(OrderLineState {
                sku: r.get(0)?,
                quantity: r.get(1)?,
                source_location_id: r.get(2)?,
                returned: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(OrderRecord {
        id,
        number,
        store_id,
        customer_id,
        channel,
        status,
        lines,
        fulfilment: serde_json::from_str(&fulfilment)?,
        payment: serde_json::from_str(&payment)?,
        promise_date,
        created_at,
        cancel_requested,
    }))
}

/// Publishes the order's current state to its store's scope.
fn record_order(conn: &Connection, order_id: &str) -> Result<ScopeCursor> {
    let order = order_record(conn, order_id)?.ok_or(crate::CentralError::NotFound)?;
    let scope = store_scope(&order.store_id);
    let seq = record_upsert(conn, &scope, &Record::Order(Box::new(order)))?;
    Ok(ScopeCursor { scope, after: seq })
}

fn create_customer(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    customer: &CustomerRecord,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
    if customer.store_id != store.id {
        return Ok(Err((Rejection::Forbidden, Vec::new())));
    }
    if customer.name.trim().is_empty() || customer.name.len() > 200 {
        return Ok(Err(invalid("name", "empty")));
    }
    if let Some(phone) = &customer.phone {
        if vitrina_core::PhoneE164::from_e164(phone).is_err() {
            return Ok(Err(invalid("phone", "e164")));
        }
    }
    if customer.email.as_deref().is_some_and(|e| !e.contains('@') || e.len() > 254) {
        return Ok(Err(invalid("email", "format")));
    }
    let inserted = insert_customer(sp, customer)?;
    if !inserted {
        return Ok(Ok(Vec::new()));
    }
    Ok(Ok(vec![record_customer(sp, &customer.id)?]))
}

/// Stores a new customer (a customer already there stays as it is); answers
/// whether it was new. Publishing it is the caller's.
pub(crate) fn insert_customer(conn: &Connection, customer: &CustomerRecord) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO customer (id, store_id, name, phone, email, marketing_consent, created_at, chain_consent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![
            customer.id,
            customer.store_id,
            customer.name.trim(),
            customer.phone,
            customer.email,
            customer.marketing_consent,
            rfc3339(storage::now()),
            customer.chain_consent
        ])?
        > 0)
}

/// A customer as the central knows it, with their saved wishlist.
pub fn customer_record(conn: &Connection, customer_id: &str) -> Result<Option<CustomerRecord>> {
    let row = conn
        .prepare_cached(
            "SELECT id, store_id, name, phone, email, marketing_consent, wishlist, chain_consent FROM customer
             WHERE id = ?1",
        )?
        .query_row([customer_id], |r| {
            Ok((
                CustomerRecord {
                    id: r.get(0)?,
                    store_id: r.get(1)?,
                    name: r.get(2)?,
                    phone: r.get(3)?,
                    email: r.get(4)?,
                    marketing_consent: r.get(5)?,
                    chain_consent: r.get(7)?,
                    wishlist: Vec::new(),
                },
                r.get::<_, String>(6)?,
            ))
        })
        .optional()?;
    let Some((mut record, wishlist)) = row else {
        return Ok(None);
    };
    record.wishlist = serde_json::from_str(&wishlist)?;
    Ok(Some(record))
}

/// Publishes a customer's current record to its store's devices.
fn record_customer(conn: &Connection, customer_id: &str) -> Result<ScopeCursor> {
    let record = customer_record(conn, customer_id)?
        .ok_or_else(|| CentralError::Internal(anyhow::anyhow!("customer {customer_id} vanished")))?;
    let scope = store_scope(&record.store_id);
    let seq = record_upsert(conn, &scope, &Record::Customer(Box::new(record)))?;
    Ok(ScopeCursor { scope, after: seq })
}

/// Most items a customer's wishlist keeps; the oldest go first.
const WISHLIST_LIMIT: usize = 100;

/// Adds what a customer liked in store to their profile. The same product, colour
/// and size is kept once; "wanted" wins over a plain favourite.
fn save_wishlist(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    save: &SaveWishlist,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
    if save.items.is_empty() || save.items.len() > WISHLIST_LIMIT {
        return Ok(Err(invalid("items", "count")));
    }
    let Some(mut customer) = customer_record(sp, &save.customer_id)? else {
        return Ok(Err(invalid("customer_id", "unknown")));
    };
    if customer.store_id != store.id {
        return Ok(Err((Rejection::Forbidden, Vec::new())));
    }
    for item in &save.items {
        let product: Option<String> = sp
            .prepare_cached("SELECT record FROM product WHERE id = ?1")?
            .query_row([&item.product_id], |r| r.get(0))
            .optional()?;
        let Some(product) = product else {
            return Ok(Err(invalid("product_id", "unknown")));
        };
        let product: ProductRecord = serde_json::from_str(&product)?;
        if !product.colors.iter().any(|c| c.code == item.color_code) {
            return Ok(Err(invalid("color_code", "unknown")));
        }
        if item.size.as_ref().is_some_and(|size| !product.sizes.contains(size)) {
            return Ok(Err(invalid("size", "unknown")));
        }
        let same = |w: &&mut WishlistItem| {
            w.product_id == item.product_id && w.color_code == item.color_code && w.size == item.size
        };
        match customer.wishlist.iter_mut().find(same) {
            Some(existing) => existing.wanted |= item.wanted,
            None => customer.wishlist.push(item.clone()),
        }
    }
    let excess = customer.wishlist.len().saturating_sub(WISHLIST_LIMIT);
    customer.wishlist.drain(..excess);
    sp.prepare_cached("UPDATE customer SET wishlist = ?2 WHERE id = ?1")?
        .execute(params![customer.id, serde_json::to_string(&customer.wishlist)?])?;
    Ok(Ok(vec![record_customer(sp, &customer.id)?]))
}

/// Adds `delta_on_hand` and `delta_reserved` to a stock row (never below zero) and
/// publishes it.
pub(crate) fn adjust_stock(
    conn: &Connection,
    sku: &str,
    location_id: &str,
    delta_on_hand: i64,
    delta_reserved: i64,
) -> Result<ScopeCursor> {
    conn.prepare_cached(
        "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit) VALUES (?1, ?2, ?5, ?6, 0)
         ON CONFLICT (sku, location_id) DO UPDATE
         SET on_hand = CASE WHEN stock.on_hand + ?3 > 0 THEN stock.on_hand + ?3 ELSE 0 END,
             reserved = CASE WHEN stock.reserved + ?4 > 0 THEN stock.reserved + ?4 ELSE 0 END",
    )?
    .execute(params![
        sku,
        location_id,
        delta_on_hand,
        delta_reserved,
        delta_on_hand.max(0),
        delta_reserved.max(0)
    ])?;
    let stock = storage::stock_of(conn, sku, location_id)?.ok_or(crate::CentralError::NotFound)?;
    let scope = inventory_scope(location_id);
    let seq = record_upsert(conn, &scope, &Record::Stock(stock))?;
    Ok(ScopeCursor { scope, after: seq })
}

fn cancel_order(
    sp: &Savepoint<'_>,
    store: &LocationRecord,
    order_id: &str,
) -> Result<std::result::Result<Done, Refusal>> {
    let Some(order) = order_record(sp, order_id)? else {
        return Ok(Err(invalid("order_id", "unknown")));
    };
    if order.store_id != store.id {
        return Ok(Err((Rejection::Forbidden, Vec::new())));
    }
    match order.status.as_str() {
        "cancelled" => Ok(Ok(Done::Applied(Vec::new(), Vec::new()))),
        "confirmed" => Ok(Ok(Done::Applied(cancel_now(sp, &order)?, Vec::new()))),
        // The warehouse may have packed it already: it decides, and reports
        // "cancelled" or "shipped" through the order status endpoint.
        "picking" => {
            sp.execute("UPDATE customer_order SET cancel_requested = 1 WHERE id = ?1", [order_id])?;
            Ok(Ok(Done::Review(vec![record_order(sp, order_id)?], "picking".into())))
        }
        _ => Ok(Err((Rejection::NotCancellable, Vec::new()))),
    }
}

/// Cancels an order that has not shipped: its reservations are released.
fn cancel_now(conn: &Connection, order: &OrderRecord) -> Result<Vec<ScopeCursor>> {
    let mut effects = Vec::new();
    for line in &order.lines {
        effects.push(adjust_stock(conn, &line.sku, &line.source_location_id, 0, -line.quantity)?);
    }
    conn.execute("UPDATE customer_order SET status = 'cancelled' WHERE id = ?1", [&order.id])?;
    effects.push(record_order(conn, &order.id)?);
    effects.extend(commerce::record_device_cancellation(conn, order)?);
    Ok(effects)
}

fn return_order(
    sp: &Savepoint<'_>,
    device_id: &str,
    store: &LocationRecord,
    ret: &ReturnOrder,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
    let Some(order) = order_record(sp, &ret.order_id)? else {
        return Ok(Err(invalid("order_id", "unknown")));
    };
    // An order may be returned in any store of the chain's region.
    let order_store = storage::location(sp, &order.store_id)?;
    if order_store.is_none_or(|s| s.country != store.country) {
        return Ok(Err((Rejection::Forbidden, Vec::new())));
    }
    if !matches!(order.status.as_str(), "shipped" | "ready_for_pickup" | "delivered") || ret.lines.is_empty() {
        return Ok(Err((Rejection::NotReturnable, Vec::new())));
    }
    let already: bool = sp
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM order_return WHERE id = ?1)")?
        .query_row([&ret.return_id], |r| r.get(0))?;
    if already {
        return Ok(Ok(Vec::new()));
    }
    let mut effects = Vec::new();
    for line in &ret.lines {
        let Some(bought) = order.lines.iter().find(|l| l.sku == line.sku) else {
            return Ok(Err((Rejection::NotReturnable, Vec::new())));
        };
        if line.quantity < 1 || bought.returned + line.quantity > bought.quantity {
            return Ok(Err((Rejection::NotReturnable, Vec::new())));
        }
        sp.execute(
            "UPDATE order_line SET returned = returned + ?3 WHERE order_id = ?1 AND sku = ?2",
            params![ret.order_id, line.sku, line.quantity],
        )?;
        sp.execute(
            "INSERT INTO order_return (id, order_id, sku, quantity, location_id, device_id, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![ret.return_id, ret.order_id, line.sku, line.quantity, store.id, device_id, rfc3339(storage::now())],
        )?;
        // The returned units are back on this store's shelf.
        effects.push(adjust_stock(sp, &line.sku, &store.id, line.quantity, 0)?);
    }
    let open: i64 = sp.query_row(
        "SELECT COUNT(*) FROM order_line WHERE order_id = ?1 AND returned < quantity",
        [&ret.order_id],
        |r| r.get(0),
    )?;
    if open == 0 {
        sp.execute("UPDATE customer_order SET status = 'returned' WHERE id = ?1", [&ret.order_id])?;
    }
    effects.push(record_order(sp, &ret.order_id)?);
    effects.extend(commerce::record_device_return(sp, store, &ret.return_id, &order, &ret.lines)?);
    Ok(Ok(effects))
}

/// Moves an order on as its fulfilment system reports. Units leave stock (on hand
/// and reserved together) when the order ships or is put aside for pick-up.
pub fn advance_order(
    conn: &mut Connection,
    order_id: &str,
    status: &str,
    channel: &str,
) -> Result<Option<OrderRecord>> {
    let tx = conn.transaction()?;
    let Some(order) = order_record(&tx, order_id)? else {
        return Ok(None);
    };
    let allowed = match (order.status.as_str(), status) {
        ("confirmed", "picking") => true,
        ("confirmed" | "picking", "shipped" | "ready_for_pickup") => true,
        ("shipped" | "ready_for_pickup", "delivered") => true,
        ("confirmed" | "picking", "cancelled") => true,
        (from, to) => from == to,
    };
    if !allowed {
        return Err(crate::CentralError::Invalid(format!("an order {} cannot become {status}", order.status)));
    }
    if order.status != status && status == "cancelled" {
        cancel_now(&tx, &order)?;
    } else if order.status != status {
        if matches!(status, "shipped" | "ready_for_pickup") {
            for line in &order.lines {
                adjust_stock(&tx, &line.sku, &line.source_location_id, -line.quantity, -line.quantity)?;
            }
        }
        tx.execute("UPDATE customer_order SET status = ?2 WHERE id = ?1", params![order_id, status])?;
        record_order(&tx, order_id)?;
    }
    if order.status != status {
        crate::audit::record(
            &tx,
            crate::audit::Audit {
                action: if status == "cancelled" { "order.cancelled" } else { "order.status" },
                store_id: Some(&order.store_id),
                channel: Some(channel),
                subject: Some(&order.number),
                detail: Some(serde_json::json!({ "from": &order.status, "to": status })),
                ..Default::default()
            },
        )?;
    }
    let updated = order_record(&tx, order_id)?;
    tx.commit()?;
    Ok(updated)
}
