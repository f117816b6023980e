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

use crate::storage::{self, record_upsert, rfc3339, sha256_hex, Result};
use rusqlite::{params, Connection, OptionalExtension, Savepoint};
use vitrina_protocol::*;

/// Executes `mutations` from `device_id` (of `store_id`) in counter order.
pub fn apply(
    conn: &mut Connection,
    device_id: &str,
    store: &LocationRecord,
    mutations: &[Mutation],
) -> Result<PushResponse> {
    let mut tx = conn.transaction()?;
    let mut last: i64 = tx.query_row(
        "SELECT last_counter FROM device WHERE id = ?1",
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
        } else {
            let mut inner = sp.savepoint()?;
            let result = execute(&inner, device_id, store, mutation)?;
            if matches!(result.outcome, MutationOutcome::Rejected { .. }) {
                inner.rollback()?;
            }
            inner.commit()?;
            result
        };
        sp.prepare_cached(
            "INSERT INTO device_mutation (device_id, counter, mutation_id, request_hash, result, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![device_id, mutation.counter, mutation.mutation_id, hash, serde_json::to_string(&result)?, rfc3339(storage::now())])?;
        sp.execute(
            "UPDATE device SET last_counter = ?2 WHERE id = ?1",
            params![device_id, mutation.counter],
        )?;
        sp.commit()?;
        last = mutation.counter;
        tracing::info!(device_id, counter = mutation.counter, mutation_id = %mutation.mutation_id, applied = matches!(result.outcome, MutationOutcome::Applied), "mutation executed");
        results.push(result);
    }
    tx.commit()?;
    Ok(PushResponse {
        results,
        next_counter: last + 1,
    })
}

fn conflict(mutation: &Mutation) -> MutationResult {
    MutationResult {
        mutation_id: mutation.mutation_id.clone(),
        counter: mutation.counter,
        outcome: MutationOutcome::Rejected {
            rejection: Rejection::Conflict,
            alternatives: Vec::new(),
        },
        effects: Vec::new(),
        replayed: false,
    }
}

/// The stored result of an already executed counter, if the body matches.
fn replay(
    conn: &Connection,
    device_id: &str,
    mutation: &Mutation,
    hash: &str,
) -> Result<MutationResult> {
    let stored: Option<(String, String, String)> = conn
        .prepare_cached("SELECT mutation_id, request_hash, result FROM device_mutation WHERE device_id = ?1 AND counter = ?2")?
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

fn execute(
    sp: &Savepoint<'_>,
    device_id: &str,
    store: &LocationRecord,
    mutation: &Mutation,
) -> Result<MutationResult> {
    let outcome = match &mutation.command {
        Command::PlaceOrder(order) => place_order(sp, device_id, store, order)?,
    };
    let (outcome, effects) = match outcome {
        Ok(effects) => (MutationOutcome::Applied, effects),
        Err((rejection, alternatives)) => (
            MutationOutcome::Rejected {
                rejection,
                alternatives,
            },
            Vec::new(),
        ),
    };
    Ok(MutationResult {
        mutation_id: mutation.mutation_id.clone(),
        counter: mutation.counter,
        outcome,
        effects,
        replayed: false,
    })
}

type Refusal = (Rejection, Vec<Alternative>);

fn invalid(field: &str, detail: &str) -> Refusal {
    (
        Rejection::Invalid {
            field: field.into(),
            detail: detail.into(),
        },
        Vec::new(),
    )
}

/// Places an order: reserves every line at its source or none.
fn place_order(
    sp: &Savepoint<'_>,
    device_id: &str,
    store: &LocationRecord,
    order: &PlaceOrder,
) -> Result<std::result::Result<Vec<ScopeCursor>, Refusal>> {
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
    let mut effects = Vec::new();
    for line in &order.lines {
        if !(1..=1_000).contains(&line.quantity) {
            return Ok(Err(invalid("quantity", "out_of_range")));
        }
        let Some(source) = storage::location(sp, &line.source_location_id)? else {
            return Ok(Err(invalid("source_location_id", "unknown")));
        };
        if source.country != store.country {
            return Ok(Err((Rejection::Forbidden, Vec::new())));
        }
        let reserved = sp
            .prepare_cached(
                "UPDATE stock SET reserved = reserved + ?3
                 WHERE sku = ?1 AND location_id = ?2
                   AND on_hand - reserved - COALESCE((
                       SELECT r.units FROM safety_rule r JOIN variant v ON v.sku = stock.sku
                       JOIN product p ON p.id = v.product_id
                       WHERE r.location_id = stock.location_id AND r.product_class = p.product_class), 0) >= ?3
                 RETURNING sku, location_id, on_hand, reserved, in_transit, transit_eta",
            )?
            .query_row(params![line.sku, line.source_location_id, line.quantity], |r| {
                Ok(StockRecord {
                    sku: r.get(0)?,
                    location_id: r.get(1)?,
                    on_hand: r.get(2)?,
                    reserved: r.get(3)?,
                    in_transit: r.get(4)?,
                    transit_eta: r.get(5)?,
                })
            })
            .optional()?;
        let Some(stock) = reserved else {
            let available = storage::availability(sp, store, &line.sku)
                .map(|a| a.locations)
                .unwrap_or_default();
            let at_source = available
                .iter()
                .find(|a| a.location_id == line.source_location_id)
                .map_or(0, |a| a.atp);
            let mut alternatives: Vec<Alternative> = available
                .into_iter()
                .filter(|a| a.location_id != line.source_location_id && a.atp >= line.quantity)
                .map(|a| Alternative {
                    sku: line.sku.clone(),
                    location_id: a.location_id,
                    atp: a.atp,
                })
                .collect();
            alternatives.sort_by(|a, b| {
                b.atp
                    .cmp(&a.atp)
                    .then_with(|| a.location_id.cmp(&b.location_id))
            });
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
        "INSERT INTO customer_order (id, number, store_id, device_id, channel, fulfilment, status, created_at)
         VALUES (?1, ?2, ?3, ?4, 'endless_aisle', ?5, 'confirmed', ?6)",
    )?
    .execute(params![order.order_id, order.order_number, store.id, device_id, serde_json::to_string(&order.fulfilment)?, rfc3339(storage::now())])?;
    for (line_no, line) in order.lines.iter().enumerate() {
        sp.prepare_cached(
            "INSERT INTO order_line (order_id, line_no, sku, quantity, source_location_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![order.order_id, line_no as i64 + 1, line.sku, line.quantity, line.source_location_id])?;
    }
    Ok(Ok(effects))
}
