//! Unified commerce on the device: a customer's history across channels, lost
//! demand, managers' safety-stock rules and the last store reports fetched.
//!
//! Everything here reads the cache, so the customer view and the lost-demand list
//! work offline. A customer's purchases travel in their home store's scope (only
//! that store's devices have them); orders placed here and not yet confirmed are
//! joined from the outbox's `local_order`, so nothing made on this device is
//! missing while the link is down.

use crate::outbox::{from_json, insert_outbox, next_counter, to_json};
use crate::query::parse_json;
use crate::{rfc3339, CustomerView, PinCheck, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use ts_rs::TS;
use vitrina_core::{Currency, Money, SalesReport, TxnKind};
use vitrina_protocol::{
    AppointmentRecord, Command, LostDemandRecord, MutationOutcome, MutationResult, OrderLineRecord, OrderRecord,
    PurchaseRecord, SetSafetyRule, LOST_DEMAND_REASONS,
};

/// One product of a purchase or an order, named in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActivityItem {
    pub sku: String,
    pub name_es: String,
    pub name_en: String,
    pub color_es: String,
    pub color_en: String,
    pub size: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// One thing a customer did with the chain: a sale, an order, a return, a
/// cancellation (any channel) or an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActivityView {
    pub id: String,
    /// sale, order, return, cancellation or appointment.
    pub kind: String,
    /// pos, endless_aisle, ecommerce, app, social; for appointments, device or public.
    pub channel: String,
    /// RFC 3339 UTC: when it happened (an appointment: its start).
    pub occurred_at: String,
    /// The order's number or the sending system's id.
    pub reference: String,
    /// Never negative; the kind says which way it counts.
    pub amount: Option<Money>,
    pub items: Vec<ActivityItem>,
    /// An order's state (confirmed, shipped, …) or an appointment's (booked, …).
    pub status: Option<String>,
    /// Where it was sold, picked up, returned or booked.
    pub store_name: Option<String>,
    pub service_es: Option<String>,
    pub service_en: Option<String>,
    /// Made on this device and not yet confirmed by the central.
    pub pending: bool,
}

/// A customer across every channel, as this store's devices see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerProfile {
    pub customer: CustomerView,
    /// The store the customer belongs to.
    pub home_store_name: String,
    /// Looked up at the central: a customer of another store who agreed to one
    /// profile across the chain (not kept on this device).
    pub from_chain: bool,
    /// Sales and orders less returns and cancellations, in the store's currency.
    pub lifetime_value: Money,
    /// Transactions in other currencies, left out of the lifetime value.
    pub other_currency: u32,
    pub orders: u32,
    pub returns: u32,
    pub appointments: u32,
    /// Items saved from customer mode.
    pub saved_items: u32,
    /// Newest first.
    pub activity: Vec<ActivityView>,
}

/// What an associate records when a customer leaves without what they wanted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct NewLostDemand {
    pub sku: Option<String>,
    pub product_id: Option<String>,
    pub text: Option<String>,
    /// not_anywhere, declined_wait, not_in_catalog or other.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LostDemandView {
    pub id: String,
    pub reason: String,
    pub sku: Option<String>,
    pub product_id: Option<String>,
    pub style_code: Option<String>,
    pub name_es: Option<String>,
    pub name_en: Option<String>,
    pub color_es: Option<String>,
    pub color_en: Option<String>,
    pub size: Option<String>,
    pub text: Option<String>,
    pub associate_name: Option<String>,
    pub recorded_at: String,
    /// Recorded here, not yet confirmed by the central.
    pub pending: bool,
}

/// A product customers asked for and could not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AskedProduct {
    pub product_id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub product_class: String,
    pub times: u32,
    /// The most recent time.
    pub last_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReasonCount {
    pub reason: String,
    pub times: u32,
}

/// The store's lost demand over the last days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LostDemandSummary {
    pub days: u32,
    pub total: u32,
    /// Newest first, at most 200.
    pub entries: Vec<LostDemandView>,
    /// Most asked for first.
    pub top_products: Vec<AskedProduct>,
    pub by_reason: Vec<ReasonCount>,
}

/// The store's safety stock for one product class, with what lost demand says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SafetyRuleView {
    pub product_class: String,
    /// Units kept back for walk-in customers, as the central confirmed.
    #[ts(type = "number")]
    pub units: i64,
    /// A manager's change waiting for the central.
    #[ts(type = "number | null")]
    pub pending_units: Option<i64>,
    /// A change the central refused (its reason), until the next change.
    pub refused: Option<String>,
    /// Products of the class in the catalog.
    pub products: u32,
    /// Lost-demand records of the class in the last 30 days.
    pub lost_demand_30d: u32,
}

/// Why a manager's action was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SafetyRefused {
    Pin(PinCheck),
    NotManager,
    Invalid(&'static str),
}

/// A store report fetched from the central, kept for reading offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CachedReport {
    pub report: SalesReport,
    /// The central's clock when it computed the report.
    pub generated_at: String,
}

/// Lost-demand records older than this are left out of the manager's list.
pub const LOST_DEMAND_DAYS: u32 = 30;

pub(crate) fn apply_purchase(tx: &Transaction<'_>, p: &PurchaseRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO purchase (id, customer_id, occurred_at, order_id, record) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, occurred_at = excluded.occurred_at,
             order_id = excluded.order_id, record = excluded.record",
    )?
    .execute(params![p.id, p.customer_id, p.occurred_at, p.order_id, to_json(p)?])?;
    Ok(())
}

pub(crate) fn apply_lost_demand(tx: &Transaction<'_>, l: &LostDemandRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO lost_demand (id, recorded_at, product_id, counter, record) VALUES (?1, ?2, ?3, NULL, ?4)
         ON CONFLICT (id) DO UPDATE SET recorded_at = excluded.recorded_at, product_id = excluded.product_id,
             counter = NULL, record = excluded.record",
    )?
    .execute(params![l.id, l.recorded_at, l.product_id, to_json(l)?])?;
    Ok(())
}

/// After the central answered `result`: a refused lost-demand record is dropped (it
/// named something the central doesn't know). A refused safety-stock change stays
/// in `pending_safety_rule`; the view reads its outbox row and shows the refusal.
pub(crate) fn answered(tx: &Transaction<'_>, result: &MutationResult) -> Result<()> {
    if !result.outcome.is_applied() {
        tx.execute("DELETE FROM lost_demand WHERE counter = ?1", [result.counter])?;
    }
    Ok(())
}

/// Newest first, and the counts.
fn finish(profile: &mut CustomerProfile) {
    profile.activity.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then_with(|| b.id.cmp(&a.id)));
    let count = |kind: &str| profile.activity.iter().filter(|a| a.kind == kind).count() as u32;
    profile.orders = count("order") + count("sale");
    profile.returns = count("return");
}

struct Names {
    style_code: String,
    name_es: String,
    name_en: String,
    class: String,
}

impl Store {
    fn product_names(&self, product_id: &str) -> Result<Option<Names>> {
        Ok(self
            .conn
            .prepare_cached("SELECT style_code, name_es, name_en, product_class FROM product WHERE id = ?1")?
            .query_row([product_id], |r| {
                Ok(Names { style_code: r.get(0)?, name_es: r.get(1)?, name_en: r.get(2)?, class: r.get(3)? })
            })
            .optional()?)
    }

    fn activity_item(&self, sku: &str, quantity: i64, currency: &str) -> Result<ActivityItem> {
        Ok(match self.variant_item(sku, currency) {
            Ok(item) => ActivityItem {
                sku: sku.to_owned(),
                name_es: item.name_es,
                name_en: item.name_en,
                color_es: item.color.name_es,
                color_en: item.color.name_en,
                size: item.size,
                quantity,
            },
            // A SKU no longer in the catalog still shows, by its code.
            Err(StoreError::NotFound) => ActivityItem {
                sku: sku.to_owned(),
                name_es: sku.to_owned(),
                name_en: sku.to_owned(),
                color_es: String::new(),
                color_en: String::new(),
                size: String::new(),
                quantity,
            },
            Err(e) => return Err(e),
        })
    }

    fn store_name(&self, id: Option<&str>) -> Result<Option<String>> {
        match id {
            Some(id) => Ok(Some(self.location_name(id)?)),
            None => Ok(None),
        }
    }

    /// A customer of this store with everything they did in any channel, newest
    /// first, and their lifetime value in the store's currency.
    pub fn customer_profile(&self, customer_id: &str) -> Result<CustomerProfile> {
        let (customer, wishlist): (CustomerView, String) = self
            .conn
            .prepare_cached(
                "SELECT id, name, phone, email, marketing_consent, pending, chain_consent, wishlist
                 FROM customer WHERE id = ?1",
            )?
            .query_row([customer_id], |r| {
                Ok((
                    CustomerView {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        phone: r.get(2)?,
                        email: r.get(3)?,
                        marketing_consent: r.get(4)?,
                        pending: r.get(5)?,
                        chain_consent: r.get(6)?,
                    },
                    r.get(7)?,
                ))
            })
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let saved_items = from_json::<Vec<serde_json::Value>>(&wishlist).map_or(0, |w| w.len() as u32);
        let purchases: Vec<PurchaseRecord> = {
            let mut stmt = self.conn.prepare_cached("SELECT record FROM purchase WHERE customer_id = ?1")?;
            let rows = stmt.query_map([customer_id], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for raw in rows {
                out.push(parse_json(&raw?)?);
            }
            out
        };
        let appointments: Vec<(AppointmentRecord, bool)> = {
            let rows: Vec<(String, Option<i64>)> = {
                let mut stmt = self.conn.prepare_cached("SELECT record, counter FROM appointment")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut out = Vec::new();
            for (raw, counter) in rows {
                let a: AppointmentRecord = parse_json(&raw)?;
                if a.customer_id.as_deref() == Some(customer_id) {
                    let pending = counter.is_some_and(|c| self.command_pending(c).unwrap_or(false));
                    out.push((a, pending));
                }
            }
            out
        };
        let home = self.home()?;
        let mut profile = self.build_profile(customer, saved_items, &home.name, purchases, appointments)?;
        self.add_local_orders(&mut profile, customer_id)?;
        Ok(profile)
    }

    /// The profile of a customer the central answered (`lookup_customers`), in the
    /// same form as a cached one.
    pub fn chain_profile(&self, found: &vitrina_protocol::ChainCustomer) -> Result<CustomerProfile> {
        let c = &found.customer;
        let customer = CustomerView {
            id: c.id.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            marketing_consent: c.marketing_consent,
            pending: false,
            chain_consent: c.chain_consent,
        };
        let home_name = self.location_name(&c.store_id)?;
        let mut profile = self.build_profile(
            customer,
            c.wishlist.len() as u32,
            &home_name,
            found.purchases.clone(),
            found.appointments.iter().cloned().map(|a| (a, false)).collect(),
        )?;
        profile.from_chain = c.store_id != self.home()?.id;
        Ok(profile)
    }

    fn build_profile(
        &self,
        customer: CustomerView,
        saved_items: u32,
        home_store_name: &str,
        purchases: Vec<PurchaseRecord>,
        appointments: Vec<(AppointmentRecord, bool)>,
    ) -> Result<CustomerProfile> {
        let home = self.home()?;
        let currency = Currency::parse(&home.currency).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let orders_by_id: HashMap<String, OrderRecord> = {
            let mut stmt = self.conn.prepare_cached("SELECT record FROM store_order")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            let mut map = HashMap::new();
            for raw in rows {
                let order: OrderRecord = parse_json(&raw?)?;
                if order.customer_id.as_deref() == Some(customer.id.as_str()) {
                    map.insert(order.id.clone(), order);
                }
            }
            map
        };
        let mut activity = Vec::new();
        let mut lifetime = 0i64;
        let mut other_currency = 0u32;
        for p in purchases {
            let amount = Currency::parse(&p.currency).ok().map(|c| Money::new(p.amount_minor, c));
            if p.currency == home.currency {
                lifetime = lifetime.saturating_add(p.kind.sign() * p.amount_minor);
            } else {
                other_currency += 1;
            }
            let items = p
                .lines
                .iter()
                .map(|l| self.activity_item(&l.sku, l.quantity, &p.currency))
                .collect::<Result<Vec<_>>>()?;
            let status = match (&p.order_id, p.kind) {
                (Some(order_id), TxnKind::Order) => orders_by_id.get(order_id).map(|o| o.status.clone()),
                _ => None,
            };
            activity.push(ActivityView {
                id: p.id.clone(),
                kind: p.kind.as_str().to_owned(),
                channel: p.channel.clone(),
                occurred_at: p.occurred_at.clone(),
                reference: p.reference.clone(),
                amount,
                items,
                status,
                store_name: self.store_name(p.attributed_store_id.as_deref())?,
                service_es: None,
                service_en: None,
                pending: false,
            });
        }
        let appointment_count = appointments.len() as u32;
        for (a, pending) in appointments {
            let service: Option<(String, String)> = self
                .conn
                .prepare_cached("SELECT record FROM service WHERE id = ?1")?
                .query_row([&a.service_id], |r| r.get::<_, String>(0))
                .optional()?
                .map(|raw| parse_json::<vitrina_protocol::ServiceRecord>(&raw))
                .transpose()?
                .map(|s| (s.name_es, s.name_en));
            activity.push(ActivityView {
                id: format!("appointment:{}", a.id),
                kind: "appointment".into(),
                channel: a.channel.clone(),
                occurred_at: a.start.clone(),
                reference: a.id.clone(),
                amount: None,
                items: a.items.iter().map(|sku| self.activity_item(sku, 1, &home.currency)).collect::<Result<_>>()?,
                status: Some(a.status.clone()),
                store_name: Some(self.location_name(&a.store_id)?),
                service_es: service.as_ref().map(|s| s.0.clone()),
                service_en: service.map(|s| s.1),
                pending,
            });
        }
        let mut profile = CustomerProfile {
            customer,
            home_store_name: home_store_name.to_owned(),
            from_chain: false,
            lifetime_value: Money::new(lifetime, currency),
            other_currency,
            orders: 0,
            returns: 0,
            appointments: appointment_count,
            saved_items,
            activity,
        };
        finish(&mut profile);
        Ok(profile)
    }

    /// Orders placed on this device that the central's ledger doesn't show yet.
    fn add_local_orders(&self, profile: &mut CustomerProfile, customer_id: &str) -> Result<()> {
        let home = self.home()?;
        let currency = profile.lifetime_value.currency;
        let known: HashSet<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT order_id FROM purchase WHERE customer_id = ?1 AND order_id IS NOT NULL")?;
            let rows = stmt.query_map([customer_id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let local: Vec<(String, String, String, String, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, number, status, lines, created_at FROM local_order WHERE customer_id = ?1",
            )?;
            let rows =
                stmt.query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, number, status, lines, created_at) in local {
            if known.contains(&id) || status == "needs_attention" {
                continue;
            }
            let lines: Vec<OrderLineRecord> = from_json(&lines)?;
            let mut total = 0i64;
            let mut items = Vec::new();
            for line in &lines {
                let item = self.variant_item(&line.sku, &home.currency).ok();
                total += item.as_ref().and_then(|i| i.price).map_or(0, |p| p.minor * line.quantity);
                items.push(self.activity_item(&line.sku, line.quantity, &home.currency)?);
            }
            if status != "cancelled" {
                profile.lifetime_value.minor = profile.lifetime_value.minor.saturating_add(total);
            }
            profile.activity.push(ActivityView {
                id: format!("local:{id}"),
                kind: "order".into(),
                channel: "endless_aisle".into(),
                occurred_at: created_at,
                reference: number,
                amount: Some(Money::new(total, currency)),
                items,
                status: Some(status.clone()),
                store_name: Some(home.name.clone()),
                service_es: None,
                service_en: None,
                pending: status == "pending",
            });
        }
        finish(profile);
        Ok(())
    }

    fn command_pending(&self, counter: i64) -> Result<bool> {
        let state: Option<String> = self
            .conn
            .prepare_cached("SELECT state FROM outbox WHERE counter = ?1")?
            .query_row([counter], |r| r.get(0))
            .optional()?;
        Ok(state.as_deref() == Some("pending"))
    }

    /// Records what a customer wanted and could not have: saved here and queued for
    /// the central in one transaction.
    pub fn record_lost_demand(
        &mut self,
        input: NewLostDemand,
        associate_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<LostDemandView, crate::InvalidInput>> {
        use crate::InvalidInput;
        if !LOST_DEMAND_REASONS.contains(&input.reason.as_str()) {
            return Ok(Err(InvalidInput { field: "reason", reason: "unknown" }));
        }
        let text = input.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        if text.as_deref().is_some_and(|t| t.chars().count() > 200) {
            return Ok(Err(InvalidInput { field: "text", reason: "too_long" }));
        }
        let mut product_id = input.product_id.clone();
        if let Some(sku) = &input.sku {
            let product: Option<String> = self
                .conn
                .prepare_cached("SELECT product_id FROM variant WHERE sku = ?1")?
                .query_row([sku], |r| r.get(0))
                .optional()?;
            match product {
                Some(p) => product_id = Some(p),
                None => return Ok(Err(InvalidInput { field: "sku", reason: "unknown" })),
            }
        } else if let Some(p) = &product_id {
            if self.product_names(p)?.is_none() {
                return Ok(Err(InvalidInput { field: "product_id", reason: "unknown" }));
            }
        }
        if input.sku.is_none() && product_id.is_none() && text.is_none() {
            return Ok(Err(InvalidInput { field: "text", reason: "empty" }));
        }
        let home = self.home()?;
        let record = LostDemandRecord {
            id: uuid::Uuid::now_v7().to_string(),
            store_id: home.id,
            sku: input.sku,
            product_id,
            text,
            reason: input.reason,
            // Whoever is signed in, unless the caller names someone.
            associate_id: associate_id.or(self.acting.as_deref()).map(str::to_owned),
            recorded_at: rfc3339(now),
        };
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(
            &tx,
            counter,
            self.acting.as_deref(),
            &Command::RecordLostDemand(record.clone()),
            &record.recorded_at,
        )?;
        tx.execute(
            "INSERT INTO lost_demand (id, recorded_at, product_id, counter, record) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![record.id, record.recorded_at, record.product_id, counter, to_json(&record)?],
        )?;
        tx.commit()?;
        tracing::info!(reason = %record.reason, "lost demand recorded");
        Ok(Ok(self.lost_demand_view(&record, true)?))
    }

    fn lost_demand_view(&self, r: &LostDemandRecord, pending: bool) -> Result<LostDemandView> {
        let names = match &r.product_id {
            Some(p) => self.product_names(p)?,
            None => None,
        };
        let variant = match &r.sku {
            Some(sku) => self.variant_item(sku, "").ok(),
            None => None,
        };
        let associate_name: Option<String> = match &r.associate_id {
            Some(id) => self
                .conn
                .prepare_cached("SELECT name FROM associate WHERE id = ?1")?
                .query_row([id], |row| row.get(0))
                .optional()?,
            None => None,
        };
        Ok(LostDemandView {
            id: r.id.clone(),
            reason: r.reason.clone(),
            sku: r.sku.clone(),
            product_id: r.product_id.clone(),
            style_code: names.as_ref().map(|n| n.style_code.clone()),
            name_es: names.as_ref().map(|n| n.name_es.clone()),
            name_en: names.as_ref().map(|n| n.name_en.clone()),
            color_es: variant.as_ref().map(|v| v.color.name_es.clone()),
            color_en: variant.as_ref().map(|v| v.color.name_en.clone()),
            size: variant.map(|v| v.size),
            text: r.text.clone(),
            associate_name,
            recorded_at: r.recorded_at.clone(),
            pending,
        })
    }

    /// The store's lost demand of the last `days` days: the latest entries, the
    /// products most asked for and the reasons.
    pub fn lost_demand(&self, days: u32, now: DateTime<Utc>) -> Result<LostDemandSummary> {
        let since = rfc3339(now - Duration::days(i64::from(days)));
        let rows: Vec<(String, Option<i64>)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT record, counter FROM lost_demand WHERE recorded_at >= ?1 ORDER BY recorded_at DESC, id DESC",
            )?;
            let rows = stmt.query_map([&since], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut entries = Vec::new();
        let mut products: BTreeMap<String, (u32, String)> = BTreeMap::new();
        let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
        for (raw, counter) in &rows {
            let record: LostDemandRecord = parse_json(raw)?;
            *reasons.entry(record.reason.clone()).or_default() += 1;
            if let Some(p) = &record.product_id {
                let entry = products.entry(p.clone()).or_insert((0, record.recorded_at.clone()));
                entry.0 += 1;
                if record.recorded_at > entry.1 {
                    entry.1 = record.recorded_at.clone();
                }
            }
            if entries.len() < 200 {
                entries.push(self.lost_demand_view(&record, counter.is_some())?);
            }
        }
        let mut top_products = Vec::new();
        for (product_id, (times, last_at)) in products {
            if let Some(names) = self.product_names(&product_id)? {
                top_products.push(AskedProduct {
                    product_id,
                    style_code: names.style_code,
                    name_es: names.name_es,
                    name_en: names.name_en,
                    product_class: names.class,
                    times,
                    last_at,
                });
            }
        }
        top_products.sort_by(|a, b| b.times.cmp(&a.times).then_with(|| b.last_at.cmp(&a.last_at)));
        top_products.truncate(20);
        let mut by_reason: Vec<ReasonCount> =
            reasons.into_iter().map(|(reason, times)| ReasonCount { reason, times }).collect();
        by_reason.sort_by(|a, b| b.times.cmp(&a.times).then_with(|| a.reason.cmp(&b.reason)));
        Ok(LostDemandSummary { days, total: rows.len() as u32, entries, top_products, by_reason })
    }

    /// The home store's safety stock per product class, with pending changes and the
    /// class's lost demand of the last 30 days.
    pub fn safety_rules_view(&self, now: DateTime<Utc>) -> Result<Vec<SafetyRuleView>> {
        let home = self.home()?;
        let classes: Vec<(String, u32)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT product_class, COUNT(*) FROM product GROUP BY product_class ORDER BY product_class",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let since = rfc3339(now - Duration::days(30));
        let mut views = Vec::new();
        for (class, products) in classes {
            let units: i64 = self
                .conn
                .prepare_cached("SELECT units FROM safety_rule WHERE location_id = ?1 AND product_class = ?2")?
                .query_row(params![home.id, class], |r| r.get(0))
                .optional()?
                .unwrap_or(0);
            let latest: Option<(i64, String, Option<String>)> = self
                .conn
                .prepare_cached(
                    "SELECT p.units, o.state, o.result FROM pending_safety_rule p JOIN outbox o ON o.counter = p.counter
                     WHERE p.product_class = ?1 ORDER BY p.counter DESC LIMIT 1",
                )?
                .query_row([&class], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let (pending_units, refused) = match latest {
                Some((units, state, _)) if state == "pending" => (Some(units), None),
                Some((_, state, Some(result))) if state == "rejected" => {
                    let result: MutationResult = from_json(&result)?;
                    let reason = match result.outcome {
                        MutationOutcome::Rejected { rejection: vitrina_protocol::Rejection::Forbidden, .. } => {
                            "forbidden"
                        }
                        _ => "invalid",
                    };
                    (None, Some(reason.to_owned()))
                }
                Some((units, _, Some(result))) => {
                    // Applied: shown as pending until the central's rule is pulled.
                    let result: MutationResult = from_json(&result)?;
                    ((!crate::outbox::effects_pulled(&self.conn, &result.effects)?).then_some(units), None)
                }
                _ => (None, None),
            };
            let lost_demand_30d: u32 = self
                .conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM lost_demand l JOIN product p ON p.id = l.product_id
                     WHERE p.product_class = ?1 AND l.recorded_at >= ?2",
                )?
                .query_row(params![class, since], |r| r.get(0))?;
            views.push(SafetyRuleView {
                product_class: class,
                units,
                pending_units,
                refused,
                products,
                lost_demand_30d,
            });
        }
        Ok(views)
    }

    /// A manager (signed in on the device with their PIN) changes how many units of
    /// a class the store keeps back. Queued for the central, which checks the role
    /// again; every device gets the rule with the catalog.
    pub fn set_safety_rule(
        &mut self,
        manager_id: &str,
        product_class: &str,
        units: i64,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Vec<SafetyRuleView>, SafetyRefused>> {
        if !(0..=1_000).contains(&units) {
            return Ok(Err(SafetyRefused::Invalid("units")));
        }
        let known: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM product WHERE product_class = ?1)")?
            .query_row([product_class], |r| r.get(0))?;
        if !known {
            return Ok(Err(SafetyRefused::Invalid("product_class")));
        }
        let manager: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM associate WHERE id = ?1 AND role = 'manager' AND active = 1)",
            )?
            .query_row([manager_id], |r| r.get(0))?;
        if !manager {
            return Ok(Err(SafetyRefused::NotManager));
        }
        let command = Command::SetSafetyRule(SetSafetyRule {
            product_class: product_class.to_owned(),
            units,
            by_associate_id: manager_id.to_owned(),
        });
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(&tx, counter, self.acting.as_deref(), &command, &rfc3339(now))?;
        tx.execute("DELETE FROM pending_safety_rule WHERE product_class = ?1", [product_class])?;
        tx.execute(
            "INSERT INTO pending_safety_rule (counter, product_class, units) VALUES (?1, ?2, ?3)",
            params![counter, product_class, units],
        )?;
        tx.commit()?;
        tracing::info!(class = product_class, units, manager = %manager_id, "safety stock change queued");
        Ok(Ok(self.safety_rules_view(now)?))
    }

    /// Checks a PIN (with the back-off) and answers the manager it belongs to.
    pub fn check_manager_pin(
        &mut self,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<(String, String), SafetyRefused>> {
        match self.check_pin(pin, now)? {
            PinCheck::Accepted { associate_id, name, role } if role == "manager" => Ok(Ok((associate_id, name))),
            PinCheck::Accepted { .. } => Ok(Err(SafetyRefused::NotManager)),
            other => Ok(Err(SafetyRefused::Pin(other))),
        }
    }

    /// Keeps a report the central computed, for reading it offline later.
    pub fn cache_report(&self, report: &SalesReport, generated_at: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO report_cache (from_date, to_date, generated_at, record) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (from_date, to_date) DO UPDATE SET generated_at = excluded.generated_at,
                     record = excluded.record",
            )?
            .execute(params![report.from, report.to, generated_at, to_json(report)?])?;
        // Keep the latest few ranges only.
        self.conn.execute(
            "DELETE FROM report_cache WHERE rowid NOT IN
                 (SELECT rowid FROM report_cache ORDER BY generated_at DESC LIMIT 30)",
            [],
        )?;
        Ok(())
    }

    /// The last report fetched for this range, if any.
    pub fn cached_report(&self, from: &str, to: &str) -> Result<Option<CachedReport>> {
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT generated_at, record FROM report_cache WHERE from_date = ?1 AND to_date = ?2")?
            .query_row(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(generated_at, raw)| Ok(CachedReport { report: parse_json(&raw)?, generated_at })).transpose()
    }
}
