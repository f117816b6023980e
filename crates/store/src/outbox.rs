//! The outbox: business commands made on this device, waiting for the central.
//!
//! Invariants:
//! - A command's local effect (a pending order, its provisional reservation) and its
//!   outbox row are written in one transaction, so neither exists without the other.
//! - Counters are gap-free from 1 and never reused, even after rows are answered.
//! - A provisional reservation stays until the central's effect of its command has
//!   been pulled (every effect scope's cursor has reached the effect's seq), or the
//!   command was rejected: the figure on screen never goes back to older data.

use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use vitrina_protocol::{
    Command, FulfilmentRecord, Mutation, MutationOutcome, MutationResult, OrderLineRecord, PaymentRecord, PlaceOrder,
    PushResponse, ScopeCursor,
};

/// An order to place, as the associate composed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub lines: Vec<OrderLineRecord>,
    pub fulfilment: FulfilmentRecord,
    pub customer_id: Option<String>,
    pub payment: PaymentRecord,
    pub promise_date: Option<String>,
    /// Whether the central may take a line from another location of the region when
    /// its source has run out by the time the order arrives.
    pub allow_other_source: bool,
}

/// An order as the device saved it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LocalOrder {
    pub id: String,
    pub number: String,
    /// pending (saved here, waiting for the central), confirmed, needs_attention (rejected).
    pub status: String,
    #[ts(type = "unknown")]
    pub fulfilment: FulfilmentRecord,
    #[ts(type = "unknown")]
    pub lines: Vec<OrderLineRecord>,
    pub created_at: String,
}

impl Store {
    /// Saves an order placed on a customer's behalf: the pending order, its
    /// provisional reservations and the outbox row, in one transaction. Answers the
    /// order as saved.
    pub fn place_order(&mut self, order: NewOrder, now: &str) -> Result<LocalOrder> {
        let NewOrder { lines, fulfilment, customer_id, payment, promise_date, allow_other_source } = order;
        let enrollment = self.enrollment()?.ok_or(StoreError::NotEnrolled)?;
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        let order_id = uuid::Uuid::now_v7().to_string();
        // Store, the random tail of the device id, and the device's counter: readable
        // at the till and never the same on two devices.
        let id = &enrollment.device_id;
        let device_tail = id.get(id.len().saturating_sub(8)..).unwrap_or(id);
        let number = format!("{}-{}-{counter:05}", enrollment.store.id, device_tail.to_uppercase());
        let command = Command::PlaceOrder(PlaceOrder {
            order_id: order_id.clone(),
            order_number: number.clone(),
            lines: lines.clone(),
            fulfilment: fulfilment.clone(),
            customer_id: customer_id.clone(),
            payment: payment.clone(),
            promise_date: promise_date.clone(),
            allow_other_source,
        });
        insert_outbox(&tx, counter, self.acting.as_deref(), &command, now)?;
        tx.execute(
            "INSERT INTO local_order (id, number, counter, fulfilment, lines, status, created_at,
                 customer_id, payment, promise_date)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?8, ?9)",
            params![
                order_id,
                number,
                counter,
                to_json(&fulfilment)?,
                to_json(&lines)?,
                now,
                customer_id,
                to_json(&payment)?,
                promise_date
            ],
        )?;
        for line in &lines {
            tx.execute(
                "INSERT INTO provisional_reservation (counter, sku, location_id, quantity) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (counter, sku, location_id) DO UPDATE SET quantity = quantity + excluded.quantity",
                params![counter, line.sku, line.source_location_id, line.quantity],
            )?;
        }
        tx.commit()?;
        tracing::info!(counter, order = %number, "order saved and queued");
        Ok(LocalOrder { id: order_id, number, status: "pending".into(), fulfilment, lines, created_at: now.to_owned() })
    }

    /// Commands not yet answered by the central, oldest first.
    pub fn pending_mutations(&self, limit: usize) -> Result<Vec<Mutation>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT counter, mutation_id, command, associate_id FROM outbox
             WHERE state = 'pending' ORDER BY counter LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        let mut mutations = Vec::new();
        for row in rows {
            let (counter, mutation_id, command, associate_id) = row?;
            let command: Command = serde_json::from_str(&command).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            mutations.push(Mutation { mutation_id, counter, made_by: associate_id, command });
        }
        Ok(mutations)
    }

    /// Forgets the enrollment and everything cached, to enroll again (another store,
    /// another central). Refused while commands made here are unsent: answers their
    /// number then, and changes nothing.
    pub fn reset(&mut self) -> Result<Result<(), i64>> {
        let tx = self.conn.transaction()?;
        let unsent: i64 = tx.query_row("SELECT COUNT(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?;
        if unsent > 0 {
            return Ok(Err(unsent));
        }
        clear_all(&tx)?;
        tx.commit()?;
        tracing::info!("device reset");
        Ok(Ok(()))
    }

    /// Wipes everything this device holds, unsent commands included: for a device
    /// the central revoked (lost or stolen). Deleted pages are overwritten and the
    /// file is rebuilt, so nothing of the data stays readable in it.
    pub fn wipe(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "secure_delete", true)?;
        let tx = self.conn.transaction()?;
        clear_all(&tx)?;
        tx.commit()?;
        // Rebuild the file, then fold the write-ahead log into it and empty the log,
        // so no old page survives in either file.
        self.conn.execute_batch("VACUUM")?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        tracing::warn!("device wiped");
        Ok(())
    }

    /// How many commands wait for the central.
    pub fn pending_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?)
    }

    /// Records the central's answers, in one transaction.
    pub fn record_push(&mut self, response: &PushResponse, now: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        for result in &response.results {
            record_result(&tx, result, now)?;
        }
        prune_provisional(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Drops provisional reservations whose central effect is now in the cache.
    pub fn prune_provisional(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        prune_provisional(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Orders placed on this device, newest first.
    pub fn local_orders(&self) -> Result<Vec<LocalOrder>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, number, status, fulfilment, lines, created_at FROM local_order ORDER BY counter DESC",
        )?;
        let rows = stmt.query_map([], crate::query::text_columns::<6>)?;
        let mut orders = Vec::new();
        for row in rows {
            let [id, number, status, fulfilment, lines, created_at] = row?;
            orders.push(LocalOrder {
                id,
                number,
                status,
                fulfilment: from_json(&fulfilment)?,
                lines: from_json(&lines)?,
                created_at,
            });
        }
        Ok(orders)
    }

    /// The central's answer to the command with `counter`, if any.
    pub fn mutation_result(&self, counter: i64) -> Result<Option<MutationResult>> {
        let raw: Option<Option<String>> =
            self.conn.query_row("SELECT result FROM outbox WHERE counter = ?1", [counter], |r| r.get(0)).optional()?;
        raw.flatten().map(|s| from_json(&s)).transpose()
    }
}

/// Follows what the central changed in an order: the line's source, and where the
/// provisional hold is shown until the central's stock is pulled.
fn apply_changes(tx: &Transaction<'_>, counter: i64, changes: &[vitrina_protocol::AppliedChange]) -> Result<()> {
    let raw: Option<String> =
        tx.query_row("SELECT lines FROM local_order WHERE counter = ?1", [counter], |r| r.get(0)).optional()?;
    let Some(raw) = raw else { return Ok(()) };
    let mut lines: Vec<OrderLineRecord> = from_json(&raw)?;
    for change in changes.iter().filter(|c| c.field == "source_location_id") {
        for line in lines.iter_mut().filter(|l| l.sku == change.sku && l.source_location_id == change.from) {
            line.source_location_id = change.to.clone();
        }
        tx.execute(
            "UPDATE provisional_reservation SET location_id = ?4 WHERE counter = ?1 AND sku = ?2 AND location_id = ?3",
            params![counter, change.sku, change.from, change.to],
        )?;
    }
    tx.execute("UPDATE local_order SET lines = ?2 WHERE counter = ?1", params![counter, to_json(&lines)?])?;
    Ok(())
}

/// Empties every table of the cache (the schema stays). Lists the tables from the
/// schema itself, so a table added by a later migration is never forgotten; an FTS5
/// table is emptied through itself, never through its shadow tables.
fn clear_all(tx: &Transaction<'_>) -> Result<()> {
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    let tables: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let virtual_tables: Vec<&str> =
        tables.iter().filter(|(_, sql)| sql.starts_with("CREATE VIRTUAL")).map(|(name, _)| name.as_str()).collect();
    for (name, _) in &tables {
        let shadow = virtual_tables.iter().any(|v| name != v && name.starts_with(&format!("{v}_")));
        if !shadow {
            tx.execute(&format!("DELETE FROM \"{}\"", name.replace('"', "\"\"")), [])?;
        }
    }
    Ok(())
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn next_counter(tx: &Transaction<'_>) -> Result<i64> {
    let counter: i64 = tx
        .query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_counter'", [], |r| r.get(0))
        .optional()?
        .unwrap_or(1);
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('next_counter', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(counter + 1).to_string()],
    )?;
    Ok(counter)
}

/// Queues `command`, attributed to `by` (the associate signed in on the device).
pub(crate) fn insert_outbox(
    tx: &Transaction<'_>,
    counter: i64,
    by: Option<&str>,
    command: &Command,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (counter, mutation_id, command, state, created_at, associate_id)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
        params![counter, uuid::Uuid::now_v7().to_string(), to_json(command)?, now, by],
    )?;
    Ok(())
}

fn record_result(tx: &Transaction<'_>, result: &MutationResult, now: &str) -> Result<()> {
    let state = if result.outcome.is_applied() { "applied" } else { "rejected" };
    let updated = tx.execute(
        "UPDATE outbox SET state = ?2, result = ?3, answered_at = ?4
         WHERE counter = ?1 AND mutation_id = ?5 AND state = 'pending'",
        params![result.counter, state, to_json(result)?, now, result.mutation_id],
    )?;
    if updated == 0 {
        return Ok(());
    }
    let status = if state == "applied" { "confirmed" } else { "needs_attention" };
    tx.execute("UPDATE local_order SET status = ?2 WHERE counter = ?1", params![result.counter, status])?;
    if state == "rejected" {
        tx.execute("DELETE FROM provisional_reservation WHERE counter = ?1", [result.counter])?;
        crate::appointments::refused(tx, result.counter)?;
    }
    crate::commerce::answered(tx, result)?;
    if let MutationOutcome::AppliedWithChanges { changes } = &result.outcome {
        apply_changes(tx, result.counter, changes)?;
    }
    Ok(())
}

/// Drops provisional reservations whose effect is pulled; inside the caller's transaction.
pub(crate) fn prune_provisional_in(tx: &Transaction<'_>) -> Result<()> {
    prune_provisional(tx)
}

fn prune_provisional(tx: &Transaction<'_>) -> Result<()> {
    let answered: Vec<(i64, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT DISTINCT o.counter, o.result FROM provisional_reservation p
             JOIN outbox o ON o.counter = p.counter WHERE o.state = 'applied'",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (counter, result) in answered {
        let result: MutationResult = from_json(&result)?;
        if effects_pulled(tx, &result.effects)? {
            tx.execute("DELETE FROM provisional_reservation WHERE counter = ?1", [counter])?;
        }
    }
    Ok(())
}

pub(crate) fn effects_pulled(tx: &rusqlite::Connection, effects: &[ScopeCursor]) -> Result<bool> {
    for effect in effects {
        let after: Option<i64> = tx
            .prepare_cached("SELECT after FROM scope_cursor WHERE scope = ?1")?
            .query_row([&effect.scope], |r| r.get(0))
            .optional()?;
        // A scope this device doesn't pull can't show the effect: nothing to wait for.
        if after.is_some_and(|after| after < effect.after) {
            return Ok(false);
        }
    }
    Ok(true)
}
