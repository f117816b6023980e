//! Loading the demo chain into an empty central, and minting its enrollment codes.

use crate::demo_data::{self, DemoChain, DemoLocationKind};
use crate::error::CentralError;
use crate::sql::{params, Value};
use crate::storage::{self, record_upsert, Db, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use vitrina_art::{Silhouette, Studio, FULL, THUMB};
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
    /// Distinct pictures stored (several product colours share one).
    pub images: usize,
}

/// Loads the demo chain if the database holds no locations yet. On PostgreSQL the
/// chain is built in a SQLite database in memory, through the same code, and its
/// rows copied in bulk: tens of thousands of statements become a few per table.
pub fn load_if_empty(db: &Db) -> Result<DemoSummary> {
    let existing: i64 = db.blocking(|conn| Ok(conn.query_row("SELECT COUNT(*) FROM location", (), |r| r.get(0))?))?;
    if existing > 0 {
        return Ok(DemoSummary { loaded: false, locations: existing as usize, products: 0, stock_rows: 0, images: 0 });
    }
    if db.backend() == crate::sql::Backend::Postgres {
        let staging = Db::open(std::path::Path::new(":memory:")).map_err(CentralError::Internal)?;
        let summary = load_if_empty(&staging)?;
        return Ok(match db.copy_rows_from(&staging)? {
            Some(rows) => {
                tracing::info!(rows, "demo chain copied to PostgreSQL");
                summary
            }
            None => DemoSummary { loaded: false, ..summary },
        });
    }
    db.blocking(|conn| {
        let started = std::time::Instant::now();
        let chain = demo_data::chain(DEMO_SEED, DEMO_PRODUCTS);
        let people = hash_demo_pins(&demo_people(&chain.locations))?;
        tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo PINs hashed");
        let tx = conn.transaction()?;
        let summary = load(&tx, &chain, &people, |_, _| true, &|_| {})?;
        let customers = crate::demo_commerce::demo_customers(&chain, DEMO_SEED);
        for c in &customers {
            crate::push::insert_customer(&tx, c)?;
            record_upsert(&tx, &vitrina_protocol::store_scope(&c.store_id), &Record::Customer(Box::new(c.clone())))?;
        }
        tx.commit()?;
        // A week of trade, through the same path as any other system's transactions.
        let trade = crate::demo_commerce::demo_transactions(&chain, &customers, DEMO_SEED, storage::now());
        let (results, _) = crate::commerce::ingest(conn, crate::commerce::IMPORT_CHANNEL, &trade)?;
        let refused = results.iter().filter(|r| !r.accepted).count();
        if refused > 0 {
            return Err(CentralError::Internal(anyhow::anyhow!("{refused} demo transactions were refused")));
        }
        tracing::info!(customers = customers.len(), transactions = trade.len(), "demo trade loaded");
        Ok(summary)
    })
}

/// Rows of stock written between two calls of a loader's progress callback.
pub const PROGRESS_STEP: u64 = 20_000;

/// Writes `chain` into an empty database: locations, people, services, stylists and
/// rooms through the storage code; the catalog and the stock (where
/// `carries(product_index, location_index)`) in bulk with their change-log entries.
/// `progress` hears the stock rows written so far.
pub(crate) fn load(
    tx: &crate::sql::Transaction<'_>,
    chain: &DemoChain,
    people: &[AssociateRecord],
    carries: impl Fn(usize, usize) -> bool,
    progress: &dyn Fn(u64),
) -> Result<DemoSummary> {
    for l in &chain.locations {
        storage::insert_location(tx, &location_record(l))?;
    }
    for person in people {
        crate::associates::upsert(tx, person)?;
    }
    for service in demo_services() {
        crate::appointments::upsert_service(tx, &service)?;
    }
    for stylist in demo_stylists(&chain.locations, chrono::Utc::now().date_naive()) {
        crate::appointments::upsert_stylist(tx, &stylist)?;
    }
    for store in chain.locations.iter().filter(|l| matches!(l.kind, DemoLocationKind::Store)) {
        let room = RoomRecord {
            id: format!("{}-PROBADOR-VIP", store.id),
            store_id: store.id.clone(),
            name: "Probador VIP".into(),
            kind: "probador_vip".into(),
            capacity: 1,
        };
        crate::appointments::upsert_room(tx, &room)?;
    }
    let mut pictures = Pictures::new();
    let mut bulk = storage::BulkChanges::new();
    let (mut products, mut variants) = (Vec::new(), Vec::new());
    for p in &chain.products {
        let record = product_record(p, &mut |silhouette, hex| pictures.of(tx, silhouette, hex))?;
        let json = serde_json::to_string(&Record::Product(Box::new(record.clone())))?;
        products.push(vec![
            Value::Text(record.id.clone()),
            Value::Text(record.style_code.clone()),
            Value::Text(record.product_class.clone()),
            Value::Text(serde_json::to_string(&record)?),
        ]);
        for v in &record.variants {
            variants.push(vec![
                Value::Text(v.sku.clone()),
                Value::Text(record.id.clone()),
                Value::Text(v.gtin.clone()),
            ]);
        }
        bulk.upsert(CATALOG_SCOPE, format!("product:{}", record.id), json);
        if variants.len() >= PROGRESS_STEP as usize {
            tx.copy_in("product", &["id", "style_code", "product_class", "record"], &std::mem::take(&mut products))?;
            tx.copy_in("variant", &["sku", "product_id", "gtin"], &std::mem::take(&mut variants))?;
        }
    }
    tx.copy_in("product", &["id", "style_code", "product_class", "record"], &products)?;
    tx.copy_in("variant", &["sku", "product_id", "gtin"], &variants)?;
    bulk.write(tx)?;
    tracing::info!(images = pictures.stored.len() * 2, "catalog and pictures stored");
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
    let mut stock_rows = 0u64;
    let mut rows = Vec::new();
    let mut failure: Option<CentralError> = None;
    let columns = ["sku", "location_id", "on_hand", "reserved", "in_transit", "transit_eta"];
    demo_data::for_each_stock_carried(chain, DEMO_SEED, carries, |s| {
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
        rows.push(vec![
            Value::Text(record.sku.clone()),
            Value::Text(record.location_id.clone()),
            Value::Integer(record.on_hand),
            Value::Integer(record.reserved),
            Value::Integer(record.in_transit),
            record.transit_eta.clone().map_or(Value::Null, Value::Text),
        ]);
        let key = format!("stock:{}", record.sku);
        let scope = inventory_scope(&record.location_id);
        match serde_json::to_string(&Record::Stock(record)) {
            Ok(json) => bulk.upsert(&scope, key, json),
            Err(e) => failure = Some(e.into()),
        }
        stock_rows += 1;
        if rows.len() as u64 >= PROGRESS_STEP {
            let written = tx.copy_in("stock", &columns, &std::mem::take(&mut rows)).map_err(CentralError::from);
            if let Err(e) = written.and_then(|()| bulk.write(tx)) {
                failure = Some(e);
            }
            progress(stock_rows);
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    tx.copy_in("stock", &columns, &rows)?;
    bulk.write(tx)?;
    progress(stock_rows);
    let images = pictures.stored.len() * 2;
    tracing::info!(
        locations = chain.locations.len(),
        products = chain.products.len(),
        stock_rows,
        images,
        "chain loaded"
    );
    Ok(DemoSummary {
        loaded: true,
        locations: chain.locations.len(),
        products: chain.products.len(),
        stock_rows: stock_rows as usize,
        images,
    })
}

/// The demo catalog's pictures: a garment silhouette tinted with each colour, drawn
/// once per (silhouette, colour) and stored by content address.
struct Pictures {
    studio: Studio,
    stored: HashMap<(Silhouette, String), ColorImage>,
}

impl Pictures {
    fn new() -> Pictures {
        Pictures { studio: Studio::new(), stored: HashMap::new() }
    }

    fn of(&mut self, tx: &crate::sql::Connection, silhouette: Silhouette, hex: &str) -> Result<ColorImage> {
        let key = (silhouette, hex.to_owned());
        if let Some(image) = self.stored.get(&key) {
            return Ok(image.clone());
        }
        let mut draw = |size| {
            let png = self.studio.png(silhouette, size, hex).map_err(|e| CentralError::Internal(e.into()))?;
            crate::images::put(tx, "image/png", &png)
        };
        let image = ColorImage { full: draw(FULL)?, thumb: draw(THUMB)? };
        self.stored.insert(key, image.clone());
        Ok(image)
    }
}

/// The services a customer can book a stylist for.
pub fn demo_services() -> Vec<ServiceRecord> {
    let service =
        |id: &str, es: (&str, &str), en: (&str, &str), minutes, before, after, specialty: &str, clp| ServiceRecord {
            id: id.into(),
            name_es: es.0.into(),
            name_en: en.0.into(),
            description_es: es.1.into(),
            description_en: en.1.into(),
            duration_minutes: minutes,
            buffer_before_minutes: before,
            buffer_after_minutes: after,
            required_specialty: Some(specialty.into()),
            // Event looks and fittings are tried on in the store's one VIP fitting room.
            room_kind: matches!(specialty, "eventos" | "sastreria").then(|| "probador_vip".to_owned()),
            prices: vec![
                PriceRecord { currency: "CLP".into(), minor: clp },
                PriceRecord { currency: "COP".into(), minor: clp * 4 },
                PriceRecord { currency: "MXN".into(), minor: clp / 50 * 100 },
            ],
        };
    vec![
        service(
            "SRV-IMAGEN",
            ("Asesoría de imagen", "Una hora con un estilista para armar looks con lo que ya tienes y lo nuevo."),
            ("Personal styling", "An hour with a stylist to put together looks from what you own and what is new."),
            60,
            10,
            10,
            "imagen",
            0,
        ),
        service(
            "SRV-EVENTO",
            ("Look para evento", "Para un matrimonio, una graduación o una entrevista: el look completo, probado."),
            ("Event look", "For a wedding, a graduation or an interview: the whole look, tried on."),
            90,
            15,
            15,
            "eventos",
            0,
        ),
        service(
            "SRV-AJUSTE",
            ("Prueba y ajuste", "Medidas y ajustes de basta, manga o cintura con nuestra sastra."),
            ("Fitting and alterations", "Measurements and hem, sleeve or waist adjustments with our tailor."),
            30,
            5,
            10,
            "sastreria",
            4_990,
        ),
    ]
}

#[rustfmt::skip]
static STYLISTS: [(&str, &str); 12] = [
    ("Antonia Reyes", "Martín Valdés"), ("Josefa Herrera", "Diego Campos"), ("Catalina Vidal", "Ignacio Rivas"),
    ("Fernanda Lagos", "Cristóbal Mena"), ("Laura Restrepo", "Santiago Ospina"), ("Mariana Gaviria", "Andrés Quintero"),
    ("Juliana Cárdenas", "Felipe Arango"), ("Daniela Montoya", "Camilo Duque"), ("Ximena Robles", "Emiliano Fuentes"),
    ("Regina Salinas", "Diego Ávila"), ("Fernanda Cortés", "Rodrigo Ibarra"), ("Paulina Medina", "Alejandro Nava"),
];

/// Two stylists per store: one for styling and events (also on Sundays), one for
/// styling and alterations, off three days after `today` so the calendar shows an
/// exception. Monday to Saturday 10:00–19:00 with a break 14:00–15:00, store time.
pub fn demo_stylists(locations: &[demo_data::DemoLocation], today: chrono::NaiveDate) -> Vec<StylistRecord> {
    use chrono::{NaiveTime, Weekday};
    use vitrina_core::{Exception, ExceptionKind, WorkingHours};
    let at = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    let workdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat];
    let week = |start: u32, end: u32| -> Vec<WorkingHours> {
        workdays.iter().map(|&weekday| WorkingHours { weekday, start: at(start), end: at(end) }).collect()
    };
    let stores = locations.iter().filter(|l| matches!(l.kind, DemoLocationKind::Store));
    let mut stylists = Vec::new();
    for (index, store) in stores.enumerate() {
        let (first, second) = STYLISTS[index % STYLISTS.len()];
        let mut sunday = week(10, 19);
        sunday.push(WorkingHours { weekday: Weekday::Sun, start: at(11), end: at(17) });
        stylists.push(StylistRecord {
            id: format!("{}-STY-1", store.id),
            store_id: store.id.clone(),
            name: first.into(),
            specialties: vec!["imagen".into(), "eventos".into()],
            weekly_hours: sunday,
            breaks: week(14, 15),
            exceptions: Vec::new(),
            active: true,
        });
        stylists.push(StylistRecord {
            id: format!("{}-STY-2", store.id),
            store_id: store.id.clone(),
            name: second.into(),
            specialties: vec!["imagen".into(), "sastreria".into()],
            weekly_hours: week(10, 19),
            breaks: week(14, 15),
            exceptions: vec![Exception { date: today + chrono::Days::new(3), kind: ExceptionKind::DayOff }],
            active: true,
        });
    }
    stylists
}

/// A demo associate or manager with the PIN they sign in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    pub id: String,
    pub store_id: String,
    pub name: String,
    pub role: &'static str,
    pub pin: String,
}

#[rustfmt::skip]
static MANAGERS: [&str; 12] = [
    "Carolina Fuentes", "Andrés Vergara", "Paula Contreras", "Rodrigo Sepúlveda", "Daniela Ramírez", "Felipe Araya",
    "Natalia Gómez", "Javier Morales", "Lorena Castillo", "Ricardo Navarro", "Mónica Salas", "Esteban Ortiz",
];
#[rustfmt::skip]
static ASSOCIATES: [&str; 12] = [
    "Camila Rojas", "Matías González", "Valentina Muñoz", "Sebastián Díaz", "Isidora Soto", "Benjamín Pérez",
    "Sofía Hernández", "Tomás Silva", "Martina López", "Lucas Martínez", "Florencia Castro", "Joaquín Torres",
];

/// Every demo store's manager and associate, with PINs derived from the demo seed,
/// so the same PINs can be printed at every start without storing them anywhere.
pub fn demo_people(locations: &[demo_data::DemoLocation]) -> Vec<DemoPerson> {
    let stores = locations.iter().filter(|l| matches!(l.kind, DemoLocationKind::Store));
    let mut people = Vec::new();
    for (index, store) in stores.enumerate() {
        for (role, names) in [("manager", &MANAGERS), ("associate", &ASSOCIATES)] {
            people.push(DemoPerson {
                id: format!("{}-{role}", store.id),
                store_id: store.id.clone(),
                name: names[index % names.len()].to_owned(),
                role,
                pin: demo_pin(&store.id, role),
            });
        }
    }
    people
}

/// Four digits from the demo seed, the store and the role; never a trivial run.
fn demo_pin(store_id: &str, role: &str) -> String {
    let mut attempt = 0u32;
    loop {
        let digest = Sha256::digest(format!("{DEMO_SEED}:{store_id}:{role}:{attempt}"));
        let n = u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]) % 10_000;
        let pin = format!("{n:04}");
        let digits: Vec<u8> = pin.bytes().collect();
        let same = digits.windows(2).all(|w| w[0] == w[1]);
        let ascending = digits.windows(2).all(|w| w[1] == w[0] + 1);
        if !same && !ascending {
            return pin;
        }
        attempt += 1;
    }
}

/// Hashes the demo PINs on both cores (Argon2 is slow on purpose).
pub(crate) fn hash_demo_pins(people: &[DemoPerson]) -> Result<Vec<AssociateRecord>> {
    let half = people.len().div_ceil(2).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = people
            .chunks(half)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|p| {
                            Ok(AssociateRecord {
                                id: p.id.clone(),
                                store_id: p.store_id.clone(),
                                name: p.name.clone(),
                                role: p.role.to_owned(),
                                pin_hash: crate::associates::hash_pin(&p.pin)?,
                                active: true,
                            })
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(people.len());
        for worker in workers {
            all.extend(worker.join().map_err(|_| CentralError::Internal(anyhow::anyhow!("PIN hashing panicked")))??);
        }
        Ok(all)
    })
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

fn product_record(
    p: &demo_data::DemoProduct,
    picture: &mut dyn FnMut(Silhouette, &str) -> Result<ColorImage>,
) -> Result<ProductRecord> {
    let silhouette = Silhouette::for_garment(&p.name_en);
    let mut colors = Vec::with_capacity(p.colors.len());
    for c in &p.colors {
        colors.push(ColorRecord {
            code: c.code.clone(),
            name_es: c.name_es.clone(),
            name_en: c.name_en.clone(),
            hex: c.hex.clone(),
            image: Some(picture(silhouette, &c.hex)?),
        });
    }
    Ok(ProductRecord {
        id: p.id.clone(),
        style_code: p.style_code.clone(),
        name_es: p.name_es.clone(),
        name_en: p.name_en.clone(),
        description_es: p.description_es.clone(),
        description_en: p.description_en.clone(),
        category_es: p.category_es.clone(),
        category_en: p.category_en.clone(),
        product_class: p.product_class.clone(),
        colors,
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
    })
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
