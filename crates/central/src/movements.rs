//! Stock movements from other channels (point of sale, e-commerce, receipts,
//! transfers), applied idempotently.
//!
//! Each movement runs in its own savepoint: the stock update, its change-log entry
//! and the record of the movement commit together or not at all. A movement id seen
//! before with the same body answers the stored result; with another body it is
//! refused. A sale is a fact: when it asks for more units than recorded, on hand
//! stops at zero and a discrepancy is raised rather than refusing the sale.

use crate::sql::{params, Connection, OptionalExtension};
use crate::storage::{self, record_upsert, rfc3339, sha256_hex, Result};
use vitrina_protocol::{
    inventory_scope, MovementKind, MovementOutcome, MovementRejection, MovementResult, Record, StockMovement,
    StockRecord,
};

/// Largest quantity one movement may carry.
const MAX_QUANTITY: i64 = 1_000_000;

/// Applies `movements` from `channel` in order; answers one result each.
pub fn apply(conn: &mut Connection, channel: &str, movements: &[StockMovement]) -> Result<Vec<MovementResult>> {
    let mut results = Vec::with_capacity(movements.len());
    let mut tx = conn.transaction()?;
    for movement in movements {
        let mut sp = tx.savepoint()?;
        let result = apply_one(&mut sp, channel, movement)?;
        sp.commit()?;
        results.push(result);
    }
    tx.commit()?;
    Ok(results)
}

fn rejected(movement: &StockMovement, reason: MovementRejection) -> MovementResult {
    MovementResult {
        movement_id: movement.movement_id.clone(),
        outcome: MovementOutcome::Rejected,
        on_hand: None,
        reason: Some(reason),
        replayed: false,
    }
}

fn apply_one(tx: &mut crate::sql::Savepoint<'_>, channel: &str, m: &StockMovement) -> Result<MovementResult> {
    if m.movement_id.trim().is_empty() || m.movement_id.len() > 200 {
        return Ok(rejected(m, MovementRejection::InvalidId));
    }
    let request_hash = sha256_hex(&serde_json::to_string(m)?);
    let stored: Option<(String, String)> = tx
        .prepare_cached("SELECT request_hash, result FROM stock_movement WHERE channel = ?1 AND movement_id = ?2")?
        .query_row(params![channel, m.movement_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((hash, result)) = stored {
        if hash != request_hash {
            return Ok(rejected(m, MovementRejection::ReusedId));
        }
        let mut result: MovementResult = serde_json::from_str(&result)?;
        result.replayed = true;
        return Ok(result);
    }

    let result = decide_and_apply(tx, channel, m)?;
    if result.outcome != MovementOutcome::Rejected {
        // Rejections are not stored: the same id may be sent again once corrected.
        tx.prepare_cached(
            "INSERT INTO stock_movement (channel, movement_id, request_hash, result, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            channel,
            m.movement_id,
            request_hash,
            serde_json::to_string(&result)?,
            rfc3339(storage::now())
        ])?;
    }
    Ok(result)
}

fn decide_and_apply(tx: &crate::sql::Savepoint<'_>, channel: &str, m: &StockMovement) -> Result<MovementResult> {
    let wanted = match m.kind {
        MovementKind::Adjustment if m.quantity != 0 && m.quantity.abs() <= MAX_QUANTITY => m.quantity,
        MovementKind::Adjustment => return Ok(rejected(m, MovementRejection::InvalidQuantity)),
        _ if !(1..=MAX_QUANTITY).contains(&m.quantity) => {
            return Ok(rejected(m, MovementRejection::InvalidQuantity));
        }
        MovementKind::Sale | MovementKind::TransferOut => -m.quantity,
        MovementKind::Return | MovementKind::Receipt | MovementKind::TransferIn => m.quantity,
    };
    if storage::location(tx, &m.location_id)?.is_none() {
        return Ok(rejected(m, MovementRejection::UnknownLocation));
    }
    let known: bool =
        tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM variant WHERE sku = ?1)")?.query_row([&m.sku], |r| r.get(0))?;
    if !known {
        return Ok(rejected(m, MovementRejection::UnknownSku));
    }
    let current = storage::stock_of(tx, &m.sku, &m.location_id)?;
    let mut stock = current.unwrap_or(StockRecord {
        sku: m.sku.clone(),
        location_id: m.location_id.clone(),
        on_hand: 0,
        reserved: 0,
        in_transit: 0,
        transit_eta: None,
    });
    let target = stock.on_hand.saturating_add(wanted);
    let applied = target.max(0) - stock.on_hand;
    stock.on_hand = target.max(0);
    tx.prepare_cached(
        "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = excluded.on_hand",
    )?
    .execute(params![
        stock.sku,
        stock.location_id,
        stock.on_hand,
        stock.reserved,
        stock.in_transit,
        stock.transit_eta
    ])?;
    record_upsert(tx, &inventory_scope(&m.location_id), &Record::Stock(stock.clone()))?;

    let outcome = if applied == wanted {
        MovementOutcome::Applied
    } else {
        tx.prepare_cached(
            "INSERT INTO stock_discrepancy (sku, location_id, channel, movement_id, wanted, applied, raised_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            m.sku,
            m.location_id,
            channel,
            m.movement_id,
            wanted,
            applied,
            rfc3339(storage::now())
        ])?;
        tracing::warn!(sku = %m.sku, location = %m.location_id, wanted, applied, "stock discrepancy raised");
        MovementOutcome::AppliedWithDiscrepancy
    };
    Ok(MovementResult {
        movement_id: m.movement_id.clone(),
        outcome,
        on_hand: Some(stock.on_hand),
        reason: None,
        replayed: false,
    })
}

/// Mints a bearer token for another channel's system. The token is shown once.
pub fn mint_channel_token(conn: &Connection, channel: &str) -> Result<String> {
    let token = crate::routes::new_token();
    conn.execute(
        "INSERT INTO channel_token (id, channel, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![uuid::Uuid::now_v7().to_string(), channel, sha256_hex(&token), rfc3339(storage::now())],
    )?;
    Ok(token)
}

/// The channel holding `token`, unless unknown or revoked.
pub fn channel_by_token(conn: &Connection, token: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT channel FROM channel_token WHERE token_hash = ?1 AND revoked_at IS NULL")?
        .query_row([sha256_hex(token)], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::demo_db;

    fn movement(id: &str, kind: MovementKind, quantity: i64) -> StockMovement {
        StockMovement {
            movement_id: id.into(),
            sku: String::new(),
            location_id: "CL-SCL-01".into(),
            kind,
            quantity,
            occurred_at: None,
        }
    }

    fn some_sku(conn: &Connection) -> (String, i64) {
        conn.query_row(
            "SELECT sku, on_hand FROM stock WHERE location_id = 'CL-SCL-01' AND on_hand BETWEEN 2 AND 50 LIMIT 1",
            (),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    #[test]
    fn the_same_movement_sent_twice_changes_stock_once() {
        let (_dir, db) = demo_db();
        db.blocking(|conn| {
            let (sku, before) = some_sku(conn);
            let m = StockMovement { sku, ..movement("pos-1", MovementKind::Receipt, 5) };
            let first = apply(conn, "pos", std::slice::from_ref(&m))?;
            let second = apply(conn, "pos", std::slice::from_ref(&m))?;
            assert_eq!(first[0].on_hand, Some(before + 5));
            assert_eq!(second[0].on_hand, Some(before + 5), "the retry gets the stored result");
            assert!(second[0].replayed && !first[0].replayed);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_reused_movement_id_with_another_body_is_refused() {
        let (_dir, db) = demo_db();
        db.blocking(|conn| {
            let (sku, _) = some_sku(conn);
            let m = StockMovement { sku, ..movement("pos-2", MovementKind::Receipt, 5) };
            apply(conn, "pos", std::slice::from_ref(&m))?;
            let other = StockMovement { quantity: 6, ..m };
            let result = apply(conn, "pos", &[other])?;
            assert_eq!(result[0].reason, Some(MovementRejection::ReusedId));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_sale_of_more_than_recorded_is_accepted_and_raises_a_discrepancy() {
        let (_dir, db) = demo_db();
        db.blocking(|conn| {
            let (sku, before) = some_sku(conn);
            let m = StockMovement { sku, ..movement("pos-3", MovementKind::Sale, before + 3) };
            let result = apply(conn, "pos", &[m])?;
            assert_eq!(result[0].outcome, MovementOutcome::AppliedWithDiscrepancy);
            assert_eq!(result[0].on_hand, Some(0), "stock never goes negative");
            let raised: i64 = conn.query_row("SELECT COUNT(*) FROM stock_discrepancy", (), |r| r.get(0))?;
            assert_eq!(raised, 1);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn unknown_skus_locations_and_bad_quantities_are_rejected_with_a_reason() {
        let (_dir, db) = demo_db();
        db.blocking(|conn| {
            let (sku, _) = some_sku(conn);
            let results = apply(
                conn,
                "pos",
                &[
                    StockMovement { sku: "NOPE".into(), ..movement("a", MovementKind::Sale, 1) },
                    StockMovement {
                        sku: sku.clone(),
                        location_id: "XX".into(),
                        ..movement("b", MovementKind::Sale, 1)
                    },
                    StockMovement { sku: sku.clone(), ..movement("c", MovementKind::Sale, 0) },
                    StockMovement { sku: sku.clone(), ..movement("d", MovementKind::Adjustment, 0) },
                    StockMovement { sku, ..movement("", MovementKind::Receipt, 1) },
                ],
            )?;
            let reasons: Vec<_> = results.iter().map(|r| r.reason).collect();
            assert_eq!(
                reasons,
                [
                    Some(MovementRejection::UnknownSku),
                    Some(MovementRejection::UnknownLocation),
                    Some(MovementRejection::InvalidQuantity),
                    Some(MovementRejection::InvalidQuantity),
                    Some(MovementRejection::InvalidId),
                ]
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_movement_is_a_change_devices_pull() {
        let (_dir, db) = demo_db();
        db.blocking(|conn| {
            let (sku, _) = some_sku(conn);
            let scope = inventory_scope("CL-SCL-01");
            let head_before = storage::pull_scope(conn, &scope, 0, 1)?.head;
            apply(conn, "pos", &[StockMovement { sku: sku.clone(), ..movement("e", MovementKind::Sale, 1) }])?;
            let page = storage::pull_scope(conn, &scope, head_before, 10)?;
            assert_eq!(page.changes.len(), 1);
            assert_eq!(page.changes[0].key, format!("stock:{sku}"));
            Ok(())
        })
        .unwrap();
    }
}
