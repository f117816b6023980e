//! Loading the demo chain into an empty central, and minting its enrollment codes.

use crate::demo_data::{self, DemoChain, DemoLocationKind};
use crate::error::CentralError;
use crate::storage::{self, record_upsert, Db, Result};
use rusqlite::params;
use vitrina_core::LocationKind;
use vitrina_protocol::*;

pub const DEMO_SEED: u64 = 2026;
pub const DEMO_PRODUCTS: usize = 320;

/// What a demo load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub loaded: bool,
    pub locations: usize,
    pub products: usize,
    pub stock_rows: usize,
}

/// Loads the demo chain if the database holds no locations yet.
pub fn load_if_empty(db: &Db) -> Result<DemoSummary> {
    db.blocking(|conn| {
        let existing: i64 = conn.query_row("SELECT COUNT(*) FROM location", [], |r| r.get(0))?;
        if existing > 0 {
            return Ok(DemoSummary { loaded: false, locations: existing as usize, products: 0, stock_rows: 0 });
        }
        let chain = demo_data::chain(DEMO_SEED, DEMO_PRODUCTS);
        let tx = conn.transaction()?;
        let summary = load(&tx, &chain)?;
        tx.commit()?;
        Ok(summary)
    })
}

fn load(tx: &rusqlite::Transaction<'_>, chain: &DemoChain) -> Result<DemoSummary> {
    for l in &chain.locations {
        storage::insert_location(tx, &location_record(l))?;
    }
    for p in &chain.products {
        let record = product_record(p);
        tx.prepare_cached("INSERT INTO product (id, style_code, product_class, record) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![record.id, record.style_code, record.product_class, serde_json::to_string(&record)?])?;
        let mut insert_variant =
            tx.prepare_cached("INSERT INTO variant (sku, product_id, gtin) VALUES (?1, ?2, ?3)")?;
        for v in &record.variants {
            insert_variant.execute(params![v.sku, record.id, v.gtin])?;
        }
        record_upsert(tx, CATALOG_SCOPE, &Record::Product(record))?;
    }
    for r in &chain.safety_rules {
        let rule = SafetyRuleRecord {
            location_id: r.location_id.clone(),
            product_class: r.product_class.clone(),
            units: r.units,
        };
        tx.prepare_cached("INSERT INTO safety_rule (location_id, product_class, units) VALUES (?1, ?2, ?3)")?
            .execute(params![rule.location_id, rule.product_class, rule.units])?;
        record_upsert(tx, CATALOG_SCOPE, &Record::SafetyRule(rule))?;
    }
    let today = chrono::Utc::now().date_naive();
    let mut stock_rows = 0;
    let mut failure: Option<CentralError> = None;
    demo_data::for_each_stock(chain, DEMO_SEED, |s| {
        if failure.is_some() {
            return;
        }
        let record = StockRecord {
            transit_eta: s.transit_eta_days.map(|d| (today + chrono::Days::new(u64::from(d))).to_string()),
            sku: s.sku,
            location_id: s.location_id,
            on_hand: s.on_hand,
            reserved: s.reserved,
            in_transit: s.in_transit,
        };
        if let Err(e) = insert_stock(tx, &record) {
            failure = Some(e);
        }
        stock_rows += 1;
    });
    if let Some(e) = failure {
        return Err(e);
    }
    tracing::info!(locations = chain.locations.len(), products = chain.products.len(), stock_rows, "demo chain loaded");
    Ok(DemoSummary { loaded: true, locations: chain.locations.len(), products: chain.products.len(), stock_rows })
}

fn insert_stock(tx: &rusqlite::Transaction<'_>, s: &StockRecord) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![s.sku, s.location_id, s.on_hand, s.reserved, s.in_transit, s.transit_eta])?;
    record_upsert(tx, &inventory_scope(&s.location_id), &Record::Stock(s.clone()))?;
    Ok(())
}

fn location_record(l: &demo_data::DemoLocation) -> LocationRecord {
    LocationRecord {
        id: l.id.clone(),
        kind: match l.kind {
            DemoLocationKind::Store => LocationKind::Store,
            DemoLocationKind::Warehouse => LocationKind::Warehouse,
            DemoLocationKind::Online => LocationKind::Online,
        },
        name: l.name.clone(),
        country: l.country.clone(),
        city: l.city.clone(),
        address: l.address.clone(),
        lat: l.lat,
        lon: l.lon,
        time_zone: l.time_zone.clone(),
        currency: l.currency.clone(),
    }
}

fn product_record(p: &demo_data::DemoProduct) -> ProductRecord {
    ProductRecord {
        id: p.id.clone(),
        style_code: p.style_code.clone(),
        name_es: p.name_es.clone(),
        name_en: p.name_en.clone(),
        description_es: p.description_es.clone(),
        description_en: p.description_en.clone(),
        category_es: p.category_es.clone(),
        category_en: p.category_en.clone(),
        product_class: p.product_class.clone(),
        colors: p
            .colors
            .iter()
            .map(|c| ColorRecord {
                code: c.code.clone(),
                name_es: c.name_es.clone(),
                name_en: c.name_en.clone(),
                hex: c.hex.clone(),
            })
            .collect(),
        sizes: p.sizes.clone(),
        variants: p
            .variants
            .iter()
            .map(|v| VariantRecord {
                sku: v.sku.clone(),
                color_code: v.color_code.clone(),
                size: v.size.clone(),
                gtin: v.gtin.clone(),
            })
            .collect(),
        prices: p
            .prices
            .iter()
            .map(|(currency, minor)| PriceRecord { currency: currency.clone(), minor: *minor })
            .collect(),
    }
}

/// A fresh one-time enrollment code for every store, valid for `valid_for`:
/// (store, code).
pub fn mint_store_codes(db: &Db, valid_for: chrono::Duration) -> Result<Vec<(LocationRecord, String)>> {
    db.blocking(|conn| {
        let stores: Vec<LocationRecord> =
            storage::locations(conn)?.into_iter().filter(|l| l.kind == LocationKind::Store).collect();
        stores
            .into_iter()
            .map(|store| {
                let code = storage::mint_enrollment_code(conn, &store.id, valid_for)?;
                Ok((store, code))
            })
            .collect()
    })
}
