//! Ordering on a customer's behalf (endless aisle): customers, quotes, orders and
//! what happens to them after the sale, as the device shows them.
//!
//! Every command (create a customer, place, cancel, return) is written with its
//! local effect and its outbox row in one transaction; the central's answer and its
//! pulled records then take over. Sourcing and promise dates come from
//! `vitrina_core`, the same rules the central would apply.

use crate::outbox::{from_json, insert_outbox, next_counter, NewOrder};
use crate::views::{LocationView, Swatch};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;
use vitrina_core::availability::{available_to_promise, safety_units, StockLevel};
use vitrina_core::sourcing::{
    choose_source, sourcing_alternatives, Candidate, Fulfilment, RequestingStore, SourcingRequest,
};
use vitrina_core::{distance_km, promise_date, Coordinates, Country, Currency, Money, PhoneE164, PromiseRule, Route};
use vitrina_protocol::{
    CancelOrder, Command, CustomerRecord, FulfilmentRecord, MutationOutcome, MutationResult, OrderLineRecord,
    OrderRecord, PaymentRecord, Rejection, ReturnLine, ReturnOrder,
};

// ------------------------------------------------------------------ views

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerView {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub marketing_consent: bool,
    /// Created here, not yet confirmed by the central.
    pub pending: bool,
    /// Agreed to one profile across the chain.
    pub chain_consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct NewCustomer {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub marketing_consent: bool,
    /// Agreed to one profile across the chain (any store may look them up).
    #[serde(default)]
    pub chain_consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CartLine {
    pub sku: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
pub enum FulfilmentChoice {
    ShipToHome {
        address: String,
    },
    /// To this device's store.
    ShipToStore,
    PickUpAt {
        store_id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PaymentMethod {
    AtTill,
    Reference,
    PaymentLink,
}

impl PaymentMethod {
    fn as_str(&self) -> &'static str {
        match self {
            PaymentMethod::AtTill => "at_till",
            PaymentMethod::Reference => "reference",
            PaymentMethod::PaymentLink => "payment_link",
        }
    }

    fn parse(s: &str) -> PaymentMethod {
        match s {
            "reference" => PaymentMethod::Reference,
            "payment_link" => PaymentMethod::PaymentLink,
            _ => PaymentMethod::AtTill,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "PaymentRecord", export)]
pub struct PaymentView {
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QuoteLine {
    pub sku: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub product_name_es: String,
    pub product_name_en: String,
    pub color_name_es: String,
    pub color_name_en: String,
    pub size: String,
    pub unit_price: Option<Money>,
    /// Where the units would come from; `None` when nowhere in the region has them.
    pub source: Option<LocationView>,
    pub alternatives: Vec<LocationView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OrderQuote {
    pub lines: Vec<QuoteLine>,
    /// The latest promise date of all lines (ISO date).
    pub promise_date: Option<String>,
    pub total: Option<Money>,
    pub can_place: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Picking,
    Shipped,
    ReadyForPickup,
    Delivered,
    Cancelled,
    Returned,
    NeedsAttention,
}

impl OrderStatus {
    fn parse(s: &str) -> OrderStatus {
        match s {
            "confirmed" => OrderStatus::Confirmed,
            "picking" => OrderStatus::Picking,
            "shipped" => OrderStatus::Shipped,
            "ready_for_pickup" => OrderStatus::ReadyForPickup,
            "delivered" => OrderStatus::Delivered,
            "cancelled" => OrderStatus::Cancelled,
            "returned" => OrderStatus::Returned,
            "needs_attention" => OrderStatus::NeedsAttention,
            _ => OrderStatus::Pending,
        }
    }
}

/// Where the order stands between this device and the central.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderSync {
    SavedHere,
    Sent,
    Confirmed,
    NeedsAttention,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OrderLineView {
    pub sku: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub returned: i64,
    pub product_name_es: String,
    pub product_name_en: String,
    pub color_name_es: String,
    pub color_name_en: String,
    pub size: String,
    pub unit_price: Option<Money>,
    pub source_location_id: String,
    pub source_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FulfilmentView {
    #[ts(type = "\"ship_to_home\" | \"ship_to_store\" | \"pick_up_at\"")]
    pub mode: String,
    pub address: Option<String>,
    pub store_id: Option<String>,
    pub store_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AlternativeView {
    pub sku: String,
    pub location_id: String,
    pub location_name: String,
    #[ts(type = "number")]
    pub atp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RejectionView {
    #[ts(
        type = "\"sold_out\" | \"invalid\" | \"forbidden\" | \"conflict\" | \"not_cancellable\" | \"not_returnable\""
    )]
    pub reason: String,
    pub sku: Option<String>,
    pub alternatives: Vec<AlternativeView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OrderView {
    pub id: String,
    pub number: String,
    pub status: OrderStatus,
    pub sync: OrderSync,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub lines: Vec<OrderLineView>,
    pub fulfilment: FulfilmentView,
    pub payment: PaymentView,
    pub promise_date: Option<String>,
    pub total: Option<Money>,
    pub created_at: String,
    pub rejection: Option<RejectionView>,
    /// A cancellation was asked for while the order is being picked: the warehouse
    /// decides whether it can still be stopped.
    pub cancel_requested: bool,
}

/// Why an order command can't be taken on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub field: &'static str,
    pub reason: &'static str,
}

// ------------------------------------------------------------------ customers

/// Lower case without accents: "José Muñoz" → "jose munoz".
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

pub(crate) fn upsert_customer(tx: &Transaction<'_>, c: &CustomerRecord, pending: bool) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customer (id, name, name_folded, phone, email, marketing_consent, pending, wishlist, chain_consent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_folded = excluded.name_folded,
             phone = excluded.phone, email = excluded.email, marketing_consent = excluded.marketing_consent,
             pending = excluded.pending, wishlist = excluded.wishlist, chain_consent = excluded.chain_consent",
    )?
    .execute(params![
        c.id,
        c.name,
        fold(&c.name),
        c.phone,
        c.email.as_deref().map(str::to_lowercase),
        c.marketing_consent,
        pending,
        crate::outbox::to_json(&c.wishlist)?,
        c.chain_consent
    ])?;
    Ok(())
}

fn customer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerView> {
    Ok(CustomerView {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        email: r.get(3)?,
        marketing_consent: r.get(4)?,
        pending: r.get(5)?,
        chain_consent: r.get(6)?,
    })
}

impl Store {
    fn home_country(&self) -> Result<Country> {
        let home = self.home()?;
        Ok(Country::parse(&home.country).unwrap_or(Country::CL))
    }

    /// Customers of this store by phone (however typed), email or name.
    pub fn search_customers(&self, query: &str) -> Result<Vec<CustomerView>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let phone = PhoneE164::parse(query, self.home_country()?).ok().map(|p| p.as_str().to_owned());
        let folded = fold(query);
        let like = format!("%{}%", folded.replace(['%', '_'], ""));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, phone, email, marketing_consent, pending, chain_consent FROM customer
             WHERE phone = ?1 OR email = ?2 OR name_folded LIKE ?3 OR (length(?2) >= 3 AND email LIKE ?2 || '%')
             ORDER BY (phone = ?1) DESC, (email = ?2) DESC, name_folded
             LIMIT 20",
        )?;
        let rows = stmt.query_map(params![phone, folded, like], customer_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates a customer of this store: saved here at once and queued for the central.
    pub fn create_customer(&mut self, input: NewCustomer, now: &str) -> Result<Result<CustomerView, InvalidInput>> {
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            return Ok(Err(InvalidInput { field: "name", reason: "empty" }));
        }
        let phone = match input.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(typed) => match PhoneE164::parse(typed, self.home_country()?) {
                Ok(p) => Some(p.as_str().to_owned()),
                Err(e) => return Ok(Err(InvalidInput { field: "phone", reason: e.reason() })),
            },
        };
        let email = match input.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            None => None,
            Some(e) if valid_email(e) => Some(e.to_lowercase()),
            Some(_) => return Ok(Err(InvalidInput { field: "email", reason: "format" })),
        };
        let home = self.home()?;
        let record = CustomerRecord {
            id: uuid::Uuid::now_v7().to_string(),
            store_id: home.id,
            name,
            phone,
            email,
            marketing_consent: input.marketing_consent,
            chain_consent: input.chain_consent,
            wishlist: Vec::new(),
        };
        let tx = self.conn.transaction()?;
        upsert_customer(&tx, &record, true)?;
        let counter = next_counter(&tx)?;
        insert_outbox(&tx, counter, self.acting.as_deref(), &Command::CreateCustomer(record.clone()), now)?;
        tx.commit()?;
        Ok(Ok(CustomerView {
            id: record.id,
            name: record.name,
            phone: record.phone,
            email: record.email,
            marketing_consent: record.marketing_consent,
            pending: true,
            chain_consent: record.chain_consent,
        }))
    }

    // -------------------------------------------------------------- quotes

    /// The other stores of the region, nearest first: where a customer may pick up.
    pub fn region_stores(&self) -> Result<Vec<LocationView>> {
        let home = self.home()?;
        let here = Coordinates { lat: home.lat, lon: home.lon };
        let mut stores: Vec<LocationView> = self
            .pulled_location_records()?
            .into_iter()
            .filter(|l| l.kind == vitrina_core::LocationKind::Store && l.id != home.id)
            .map(|l| LocationView {
                distance_km: Some(distance_km(here, Coordinates { lat: l.lat, lon: l.lon })),
                id: l.id,
                kind: l.kind,
                name: l.name,
                city: l.city,
                country: l.country,
            })
            .collect();
        stores.sort_by(|a, b| a.distance_km.partial_cmp(&b.distance_km).unwrap_or(std::cmp::Ordering::Equal));
        Ok(stores)
    }

    /// Where each line would come from and when the customer would have it, if
    /// ordered at `now`.
    pub fn quote_order(
        &self,
        lines: &[CartLine],
        fulfilment: &FulfilmentChoice,
        now: DateTime<Utc>,
    ) -> Result<Result<OrderQuote, InvalidInput>> {
        if let FulfilmentChoice::ShipToHome { address } = fulfilment {
            if address.trim().chars().count() < 10 {
                return Ok(Err(InvalidInput { field: "address", reason: "too_short" }));
            }
        }
        if lines.iter().any(|l| !(1..=99).contains(&l.quantity)) {
            return Ok(Err(InvalidInput { field: "quantity", reason: "out_of_range" }));
        }
        let home = self.home()?;
        let tz: chrono_tz::Tz = home.time_zone.parse().unwrap_or(chrono_tz::America::Santiago);
        let core_fulfilment = match fulfilment {
            FulfilmentChoice::ShipToHome { .. } => Fulfilment::ShipToHome,
            FulfilmentChoice::ShipToStore => Fulfilment::ShipToStore { store_id: home.id.clone() },
            FulfilmentChoice::PickUpAt { store_id } => Fulfilment::PickUpAt { store_id: store_id.clone() },
        };
        let locations = self.pulled_location_records()?;
        let names: HashMap<&str, &vitrina_protocol::LocationRecord> =
            locations.iter().map(|l| (l.id.as_str(), l)).collect();
        let rules = self.safety_rules()?;
        let requesting =
            RequestingStore { store_id: home.id.clone(), coordinates: Coordinates { lat: home.lat, lon: home.lon } };
        let here = requesting.coordinates;
        let view_of = |id: &str| {
            names.get(id).map(|l| LocationView {
                id: l.id.clone(),
                kind: l.kind,
                name: l.name.clone(),
                city: l.city.clone(),
                country: l.country.clone(),
                distance_km: (l.id != home.id).then(|| distance_km(here, Coordinates { lat: l.lat, lon: l.lon })),
            })
        };

        let mut quote_lines = Vec::new();
        let mut latest: Option<chrono::NaiveDate> = None;
        let mut total: Option<Money> = None;
        let mut can_place = !lines.is_empty();
        for line in lines {
            let item = self.variant_item(&line.sku, &home.currency)?;
            let levels = self.stock_levels_of(&line.sku)?;
            let candidates: Vec<Candidate> = locations
                .iter()
                .map(|l| Candidate {
                    location_id: l.id.clone(),
                    kind: l.kind,
                    coordinates: Coordinates { lat: l.lat, lon: l.lon },
                    atp: levels
                        .get(&l.id)
                        .map_or(0, |level| available_to_promise(*level, safety_units(&rules, &l.id, &item.class))),
                })
                .collect();
            let request =
                match SourcingRequest::new(requesting.clone(), core_fulfilment.clone(), line.quantity, candidates) {
                    Ok(r) => r,
                    Err(_) => return Ok(Err(InvalidInput { field: "fulfilment", reason: "unknown_store" })),
                };
            let choice = choose_source(&request);
            let alternatives: Vec<LocationView> =
                sourcing_alternatives(&request).iter().skip(1).filter_map(|c| view_of(&c.location_id)).collect();
            match &choice {
                Some(choice) => {
                    let date = promise_date(now, tz, &PromiseRule::default(), Route::of(&core_fulfilment, choice));
                    latest = Some(latest.map_or(date, |d| d.max(date)));
                }
                None => can_place = false,
            }
            if let Some(price) = item.price {
                let line_total = price.times(line.quantity).ok();
                total = match (total, line_total) {
                    (None, t) => t,
                    (Some(t), Some(l)) => t.checked_add(l).ok(),
                    (t, None) => t,
                };
            }
            quote_lines.push(QuoteLine {
                sku: line.sku.clone(),
                quantity: line.quantity,
                product_name_es: item.name_es,
                product_name_en: item.name_en,
                color_name_es: item.color.name_es,
                color_name_en: item.color.name_en,
                size: item.size,
                unit_price: item.price,
                source: choice.and_then(|c| view_of(&c.location_id)),
                alternatives,
            });
        }
        Ok(Ok(OrderQuote { lines: quote_lines, promise_date: latest.map(|d| d.to_string()), total, can_place }))
    }

    /// Places the quoted order: sources and promise date as `quote_order` proposes.
    pub fn place_quoted_order(
        &mut self,
        customer_id: Option<String>,
        lines: &[CartLine],
        fulfilment: &FulfilmentChoice,
        payment: PaymentView,
        now: DateTime<Utc>,
    ) -> Result<Result<OrderView, InvalidInput>> {
        let quote = match self.quote_order(lines, fulfilment, now)? {
            Ok(q) => q,
            Err(e) => return Ok(Err(e)),
        };
        if !quote.can_place {
            return Ok(Err(InvalidInput { field: "lines", reason: "unavailable" }));
        }
        if payment.method != PaymentMethod::AtTill && payment.reference.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Ok(Err(InvalidInput { field: "payment_reference", reason: "empty" }));
        }
        let home = self.home()?;
        let order_lines: Vec<OrderLineRecord> = quote
            .lines
            .iter()
            .filter_map(|l| {
                l.source.as_ref().map(|s| OrderLineRecord {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                    source_location_id: s.id.clone(),
                })
            })
            .collect();
        let fulfilment = match fulfilment {
            FulfilmentChoice::ShipToHome { address } => {
                FulfilmentRecord::ShipToHome { address: address.trim().to_owned() }
            }
            FulfilmentChoice::ShipToStore => FulfilmentRecord::ShipToStore { store_id: home.id },
            FulfilmentChoice::PickUpAt { store_id } => FulfilmentRecord::PickUpAt { store_id: store_id.clone() },
        };
        let saved = self.place_order(
            NewOrder {
                lines: order_lines,
                fulfilment,
                customer_id,
                payment: PaymentRecord {
                    method: payment.method.as_str().to_owned(),
                    reference: payment.reference.filter(|r| !r.trim().is_empty()),
                },
                promise_date: quote.promise_date,
                // The associate ordered the item, not a location: if the proposed
                // source runs out meanwhile, another of the region will do.
                allow_other_source: true,
            },
            &now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        )?;
        Ok(Ok(self.order_detail(&saved.id)?))
    }

    // -------------------------------------------------------------- after the sale

    /// Asks the central to cancel an order (before it ships).
    pub fn cancel_order(&mut self, order_id: &str, now: &str) -> Result<OrderView> {
        let order = self.order_detail(order_id)?;
        let known_to_central: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM store_order WHERE id = ?1)", [order_id], |r| r.get(0))?;
        if !known_to_central && order.status == OrderStatus::NeedsAttention {
            // The central refused it, so it exists only here: the associate resolving
            // it by cancelling needs nothing from the central.
            self.conn.execute("UPDATE local_order SET status = 'cancelled' WHERE id = ?1", [order_id])?;
            return self.order_detail(order_id);
        }
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(
            &tx,
            counter,
            self.acting.as_deref(),
            &Command::CancelOrder(CancelOrder { order_id: order_id.to_owned() }),
            now,
        )?;
        tx.commit()?;
        self.order_detail(order_id)
    }

    /// Records units of an order brought back to this store, against the original order.
    pub fn return_order(
        &mut self,
        order_id: &str,
        lines: &[CartLine],
        now: &str,
    ) -> Result<Result<OrderView, InvalidInput>> {
        let order = self.order_detail(order_id)?;
        let lines: Vec<&CartLine> = lines.iter().filter(|l| l.quantity > 0).collect();
        if lines.is_empty() {
            return Ok(Err(InvalidInput { field: "lines", reason: "empty" }));
        }
        for line in &lines {
            let Some(bought) = order.lines.iter().find(|l| l.sku == line.sku) else {
                return Ok(Err(InvalidInput { field: "sku", reason: "not_in_order" }));
            };
            if bought.returned + line.quantity > bought.quantity {
                return Ok(Err(InvalidInput { field: "quantity", reason: "out_of_range" }));
            }
        }
        let command = Command::ReturnOrder(ReturnOrder {
            return_id: uuid::Uuid::now_v7().to_string(),
            order_id: order_id.to_owned(),
            lines: lines.iter().map(|l| ReturnLine { sku: l.sku.clone(), quantity: l.quantity }).collect(),
        });
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(&tx, counter, self.acting.as_deref(), &command, now)?;
        tx.commit()?;
        Ok(Ok(self.order_detail(order_id)?))
    }

    /// Every order of this store the device knows, needs-attention first, then newest.
    pub fn list_orders(&self) -> Result<Vec<OrderView>> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached("SELECT id FROM local_order UNION SELECT id FROM store_order")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut orders = ids.iter().map(|id| self.order_detail(id)).collect::<Result<Vec<_>>>()?;
        orders.sort_by(|a, b| {
            (b.sync == OrderSync::NeedsAttention)
                .cmp(&(a.sync == OrderSync::NeedsAttention))
                .then_with(|| b.created_at.cmp(&a.created_at))
        });
        Ok(orders)
    }

    /// One order: the central's version when pulled, else what this device saved.
    pub fn order_detail(&self, order_id: &str) -> Result<OrderView> {
        let pulled: Option<OrderRecord> = self
            .conn
            .prepare_cached("SELECT record FROM store_order WHERE id = ?1")?
            .query_row([order_id], |r| r.get::<_, String>(0))
            .optional()?
            .map(|raw| from_json(&raw))
            .transpose()?;
        let local: Option<LocalOrderRow> = self
            .conn
            .prepare_cached(
                "SELECT number, status, fulfilment, lines, created_at, customer_id, payment, promise_date, counter
                 FROM local_order WHERE id = ?1",
            )?
            .query_row([order_id], |r| {
                Ok(LocalOrderRow(
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })
            .optional()?;
        let commands = self.commands_of_order(order_id, local.as_ref().map(|l| l.8))?;
        let latest = commands.last();
        let sync = match latest {
            Some(c) if c.state == "pending" && c.sent => OrderSync::Sent,
            Some(c) if c.state == "pending" => OrderSync::SavedHere,
            Some(c) if c.state == "rejected" => OrderSync::NeedsAttention,
            _ => OrderSync::Confirmed,
        };
        let rejection = latest.and_then(|c| c.result.as_ref()).and_then(|r| self.rejection_view(r));
        let review_asked = commands
            .iter()
            .any(|c| c.result.as_ref().is_some_and(|r| matches!(r.outcome, MutationOutcome::PendingReview { .. })));

        let home = self.home()?;
        let pulled_cancel_requested = pulled.as_ref().is_some_and(|o| o.cancel_requested);
        let (number, status, fulfilment, lines, payment, promise, created_at, customer_id) = match (pulled, local) {
            (Some(o), _) => (
                o.number,
                OrderStatus::parse(&o.status),
                o.fulfilment,
                o.lines.into_iter().map(|l| (l.sku, l.quantity, l.returned, l.source_location_id)).collect::<Vec<_>>(),
                o.payment,
                o.promise_date,
                o.created_at,
                o.customer_id,
            ),
            (
                None,
                Some(LocalOrderRow(number, status, fulfilment, lines, created_at, customer_id, payment, promise, _)),
            ) => {
                let lines: Vec<OrderLineRecord> = from_json(&lines)?;
                let status = match status.as_str() {
                    "needs_attention" => OrderStatus::NeedsAttention,
                    "cancelled" => OrderStatus::Cancelled,
                    _ => OrderStatus::Pending,
                };
                (
                    number,
                    status,
                    from_json(&fulfilment)?,
                    lines.into_iter().map(|l| (l.sku, l.quantity, 0, l.source_location_id)).collect(),
                    payment
                        .map(|p| from_json(&p))
                        .transpose()?
                        .unwrap_or(PaymentRecord { method: "at_till".into(), reference: None }),
                    promise,
                    created_at,
                    customer_id,
                )
            }
            (None, None) => return Err(StoreError::NotFound),
        };
        let customer_name: Option<String> = match &customer_id {
            Some(id) => {
                self.conn.query_row("SELECT name FROM customer WHERE id = ?1", [id], |r| r.get(0)).optional()?
            }
            None => None,
        };
        let location_name = |id: &str| self.location_name(id);
        let mut line_views = Vec::new();
        let mut total: Option<Money> = None;
        for (sku, quantity, returned, source) in lines {
            let item = self.variant_item(&sku, &home.currency)?;
            if let Some(line_total) = item.price.and_then(|p| p.times(quantity).ok()) {
                total = Some(total.map_or(Some(line_total), |t| t.checked_add(line_total).ok()).unwrap_or(line_total));
            }
            line_views.push(OrderLineView {
                sku,
                quantity,
                returned,
                product_name_es: item.name_es,
                product_name_en: item.name_en,
                color_name_es: item.color.name_es,
                color_name_en: item.color.name_en,
                size: item.size,
                unit_price: item.price,
                source_name: location_name(&source)?,
                source_location_id: source,
            });
        }
        let fulfilment_view = match fulfilment {
            FulfilmentRecord::ShipToHome { address } => {
                FulfilmentView { mode: "ship_to_home".into(), address: Some(address), store_id: None, store_name: None }
            }
            FulfilmentRecord::ShipToStore { store_id } => FulfilmentView {
                mode: "ship_to_store".into(),
                address: None,
                store_name: Some(location_name(&store_id)?),
                store_id: Some(store_id),
            },
            FulfilmentRecord::PickUpAt { store_id } => FulfilmentView {
                mode: "pick_up_at".into(),
                address: None,
                store_name: Some(location_name(&store_id)?),
                store_id: Some(store_id),
            },
        };
        let (status, sync, rejection) = match (status, sync) {
            (OrderStatus::Pending, OrderSync::NeedsAttention) => (OrderStatus::NeedsAttention, sync, rejection),
            // Cancelled here after the central refused it: resolved, nothing to send.
            (OrderStatus::Cancelled, OrderSync::NeedsAttention) => (status, OrderSync::Confirmed, None),
            _ => (status, sync, rejection),
        };
        Ok(OrderView {
            id: order_id.to_owned(),
            number,
            status,
            sync,
            customer_id,
            customer_name,
            lines: line_views,
            fulfilment: fulfilment_view,
            payment: PaymentView { method: PaymentMethod::parse(&payment.method), reference: payment.reference },
            promise_date: promise,
            total,
            created_at,
            rejection,
            cancel_requested: (review_asked || pulled_cancel_requested)
                && !matches!(status, OrderStatus::Cancelled | OrderStatus::Returned),
        })
    }

    fn rejection_view(&self, result: &MutationResult) -> Option<RejectionView> {
        let MutationOutcome::Rejected { rejection, alternatives, .. } = &result.outcome else {
            return None;
        };
        let (reason, sku) = match rejection {
            Rejection::SoldOut { sku, .. } => ("sold_out", Some(sku.clone())),
            Rejection::Invalid { .. } => ("invalid", None),
            Rejection::Forbidden => ("forbidden", None),
            Rejection::Conflict => ("conflict", None),
            Rejection::NotCancellable => ("not_cancellable", None),
            Rejection::NotReturnable => ("not_returnable", None),
            Rejection::SlotTaken => ("slot_taken", None),
            Rejection::NotChangeable => ("not_changeable", None),
        };
        let alternatives = alternatives
            .iter()
            .map(|a| AlternativeView {
                sku: a.sku.clone(),
                location_name: self.location_name(&a.location_id).unwrap_or_else(|_| a.location_id.clone()),
                location_id: a.location_id.clone(),
                atp: a.atp,
            })
            .collect();
        Some(RejectionView { reason: reason.into(), sku, alternatives })
    }

    /// The outbox rows about one order, oldest first.
    fn commands_of_order(&self, order_id: &str, placed_by: Option<i64>) -> Result<Vec<CommandState>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT counter, state, result, command, answered_at FROM outbox
             WHERE counter = ?2 OR json_extract(command, '$.order_id') = ?1
             ORDER BY counter",
        )?;
        let sent_up_to: i64 = self
            .conn
            .query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'sent_counter'", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let rows = stmt.query_map(params![order_id, placed_by.unwrap_or(-1)], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        let mut commands = Vec::new();
        for row in rows {
            let (counter, state, result) = row?;
            commands.push(CommandState {
                state,
                sent: counter <= sent_up_to,
                result: result.map(|r| from_json(&r)).transpose()?,
            });
        }
        Ok(commands)
    }

    /// A location's name, or its id when the cache doesn't know it.
    pub(crate) fn location_name(&self, id: &str) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM location WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| id.to_owned()))
    }

    /// Marks every command up to `counter` as sent (awaiting an answer).
    pub fn mark_sent(&self, counter: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('sent_counter', ?1)
             ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            [counter.to_string()],
        )?;
        Ok(())
    }

    pub(crate) fn stock_levels_of(&self, sku: &str) -> Result<HashMap<String, StockLevel>> {
        let mut stmt = self.conn.prepare_cached(&crate::query::stock_sql::of_sku())?;
        let rows = stmt.query_map([sku], |r| {
            Ok((r.get::<_, String>(0)?, StockLevel { on_hand: r.get(1)?, reserved: r.get(2)? }))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn variant_item(&self, sku: &str, currency: &str) -> Result<VariantItem> {
        let (color_code, size, name_es, name_en, class, colors, prices): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = self
            .conn
            .prepare_cached(
                "SELECT v.color_code, v.size, p.name_es, p.name_en, p.product_class, p.colors, p.prices
                 FROM variant v JOIN product p ON p.id = v.product_id WHERE v.sku = ?1",
            )?
            .query_row([sku], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let colors: Vec<vitrina_protocol::ColorRecord> = from_json(&colors)?;
        let color = colors
            .into_iter()
            .find(|c| c.code == color_code)
            .map(|c| Swatch { color_code: c.code, name_es: c.name_es, name_en: c.name_en, hex: c.hex })
            .unwrap_or(Swatch {
                color_code: color_code.clone(),
                name_es: color_code.clone(),
                name_en: color_code,
                hex: String::new(),
            });
        let prices: Vec<vitrina_protocol::PriceRecord> = from_json(&prices)?;
        let price = Currency::parse(currency)
            .ok()
            .and_then(|c| prices.iter().find(|p| p.currency == currency).map(|p| Money::new(p.minor, c)));
        Ok(VariantItem { name_es, name_en, class, color, size, price })
    }
}

/// A row of `local_order`: number, status, fulfilment, lines, created_at,
/// customer_id, payment, promise_date, counter.
struct LocalOrderRow(String, String, String, String, String, Option<String>, Option<String>, Option<String>, i64);

struct CommandState {
    state: String,
    sent: bool,
    result: Option<MutationResult>,
}

pub(crate) struct VariantItem {
    pub(crate) name_es: String,
    pub(crate) name_en: String,
    pub(crate) class: String,
    pub(crate) color: Swatch,
    pub(crate) size: String,
    pub(crate) price: Option<Money>,
}

/// A plausible address: something@domain.tld, no spaces.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.contains(char::is_whitespace)
        && email.len() <= 254
}
