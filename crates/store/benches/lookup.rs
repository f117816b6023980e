//! Search-as-you-type and product availability on a chain-sized cache:
//! 300,000 SKUs (30,000 products × 10 variants) and 50 locations (15 million stock
//! rows). Run with `cargo bench -p vitrina-store --bench lookup`.
//!
//! Every figure is reported beside a baseline measured in the same run on the same
//! file: the bare FTS5 query (`MATCH … ORDER BY rank LIMIT 30`) through rusqlite for
//! search, and a bare indexed read of the product's stock rows for availability.
//! The generated cache is kept in `target/bench-data/` and reused across runs.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use vitrina_core::LocationKind;
use vitrina_protocol::*;
use vitrina_store::{Enrollment, Store};

const PRODUCTS: usize = 30_000;
const COLORS_PER_PRODUCT: usize = 2;
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const LOCATIONS: usize = 50;
const RUNS: usize = 200;

const GARMENTS: [(&str, &str, &str); 10] = [
    ("CAM", "Camisa", "Shirt"),
    ("PAN", "Pantalón", "Trousers"),
    ("VES", "Vestido", "Dress"),
    ("CHA", "Chaqueta", "Jacket"),
    ("POL", "Polera", "T-shirt"),
    ("SUE", "Suéter", "Sweater"),
    ("FAL", "Falda", "Skirt"),
    ("ZAP", "Zapatillas", "Sneakers"),
    ("BLA", "Blazer", "Blazer"),
    ("ABR", "Abrigo", "Coat"),
];
const MATERIALS: [(&str, &str); 8] = [
    ("de algodón", "cotton"),
    ("de lino", "linen"),
    ("de lana merino", "merino wool"),
    ("de mezclilla", "denim"),
    ("de cuero", "leather"),
    ("de seda", "silk"),
    ("de franela", "flannel"),
    ("de poliéster reciclado", "recycled polyester"),
];
const COLORS: [(&str, &str, &str); 10] = [
    ("AZM", "Azul marino", "Navy"),
    ("CAF", "Café", "Brown"),
    ("NEG", "Negro", "Black"),
    ("BLA", "Blanco", "White"),
    ("VOL", "Verde oliva", "Olive green"),
    ("BUR", "Burdeos", "Burgundy"),
    ("GRI", "Gris melange", "Heather grey"),
    ("BEI", "Beige", "Beige"),
    ("ROP", "Rosa palo", "Blush pink"),
    ("TER", "Terracota", "Terracotta"),
];

fn location(i: usize) -> LocationRecord {
    let kind = match i {
        0..=46 => LocationKind::Store,
        47 | 48 => LocationKind::Warehouse,
        _ => LocationKind::Online,
    };
    LocationRecord {
        id: format!("L{i:02}"),
        kind,
        name: format!("Tienda {i}"),
        country: "CL".into(),
        city: "Santiago".into(),
        address: format!("Calle {i}"),
        lat: -33.40 - (i as f64) * 0.01,
        lon: -70.60 - (i as f64) * 0.007,
        time_zone: "America/Santiago".into(),
        currency: "CLP".into(),
    }
}

fn product(n: usize) -> ProductRecord {
    let (code, garment_es, garment_en) = GARMENTS[n % GARMENTS.len()];
    let (material_es, material_en) = MATERIALS[(n / GARMENTS.len()) % MATERIALS.len()];
    let style_code = format!("{code}-{n:05}");
    let colors: Vec<ColorRecord> = (0..COLORS_PER_PRODUCT)
        .map(|c| {
            let (code, es, en) = COLORS[(n + c * 3) % COLORS.len()];
            ColorRecord {
                code: code.into(),
                name_es: es.into(),
                name_en: en.into(),
                hex: "#334455".into(),
                image: None,
            }
        })
        .collect();
    let mut variants = Vec::new();
    for color in &colors {
        for size in SIZES {
            let index = variants.len() + n * COLORS_PER_PRODUCT * SIZES.len();
            let body = format!("780{index:09}");
            let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
            variants.push(VariantRecord {
                sku: format!("{style_code}-{}-{size}", color.code),
                color_code: color.code.clone(),
                size: size.into(),
                gtin: format!("{body}{}", vitrina_core::gtin::check_digit(&digits)),
            });
        }
    }
    ProductRecord {
        id: format!("P{n:06}"),
        style_code,
        name_es: format!("{garment_es} {material_es}"),
        name_en: format!("{material_en} {garment_en}"),
        description_es: String::new(),
        description_en: String::new(),
        category_es: garment_es.into(),
        category_en: garment_en.into(),
        product_class: if n.is_multiple_of(7) { "bestseller" } else { "core" }.into(),
        colors,
        sizes: SIZES.iter().map(|s| s.to_string()).collect(),
        variants,
        prices: vec![PriceRecord { currency: "CLP".into(), minor: 19_990 + (n as i64 % 10) * 5_000 }],
    }
}

fn upsert(seq: i64, record: Record) -> Change {
    Change::upsert(seq, record)
}

fn generate(path: &PathBuf) {
    let started = Instant::now();
    let partial = path.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let mut store = Store::open(&partial).unwrap();
    store
        .save_enrollment(&Enrollment {
            central_url: "http://127.0.0.1:1".into(),
            device_id: "bench".into(),
            token: "bench".into(),
            store: location(0),
        })
        .unwrap();
    let mut scopes = vec![CATALOG_SCOPE.to_string()];
    scopes.extend((0..LOCATIONS).map(|i| inventory_scope(&format!("L{i:02}"))));
    store.subscribe(&scopes).unwrap();

    // The catalog through the real page-application path (products, variants, FTS).
    let mut seq = 0;
    let mut changes: Vec<Change> = (0..LOCATIONS)
        .map(|i| {
            seq += 1;
            upsert(seq, Record::Location(Box::new(location(i))))
        })
        .collect();
    for class in ["bestseller", "core"] {
        seq += 1;
        changes.push(upsert(
            seq,
            Record::SafetyRule(SafetyRuleRecord { location_id: "L00".into(), product_class: class.into(), units: 1 }),
        ));
    }
    for n in 0..PRODUCTS {
        seq += 1;
        changes.push(upsert(seq, Record::Product(Box::new(product(n)))));
        if changes.len() == 2_000 || n + 1 == PRODUCTS {
            let page = ScopePage {
                scope: CATALOG_SCOPE.into(),
                status: ScopeStatus::Ok,
                cursor: seq,
                head: seq,
                remaining: 0,
                checksum: None,
                changes: std::mem::take(&mut changes),
            };
            store.apply_page(&page, "2026-11-23T10:00:00Z").unwrap();
        }
    }
    // Stock rows in bulk: 15 million upserts through pages would only measure the
    // generator. Cursors are then set as a completed pull would leave them.
    let conn = store.connection();
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut insert = conn
            .prepare("INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta) VALUES (?1, ?2, ?3, ?4, 0, NULL)")
            .unwrap();
        let mut skus = conn.prepare("SELECT sku FROM variant ORDER BY sku").unwrap();
        let skus: Vec<String> = skus.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for (i, sku) in skus.iter().enumerate() {
            for l in 0..LOCATIONS {
                let on_hand = ((i * 31 + l * 17) % 13) as i64;
                insert.execute(rusqlite::params![sku, format!("L{l:02}"), on_hand, (on_hand > 3) as i64]).unwrap();
            }
        }
    }
    conn.execute_batch(
        "UPDATE scope_cursor SET after = 1, head = 1, confirmed_at = '2026-11-23T10:00:00Z'; COMMIT; VACUUM;",
    )
    .unwrap();
    drop(store);
    std::fs::rename(&partial, path).unwrap();
    println!("generated {} in {:.0} s", path.display(), started.elapsed().as_secs_f64());
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 * p).ceil() as usize).saturating_sub(1)]
}

fn measure(mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..10 {
        f();
    }
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("cache-{PRODUCTS}p-{LOCATIONS}l-v1.db"));
    if !path.exists() {
        generate(&path);
    }
    let store = Store::open(&path).unwrap();
    let skus: i64 = store.connection().query_row("SELECT COUNT(*) FROM variant", [], |r| r.get(0)).unwrap();
    let rows: i64 = store.connection().query_row("SELECT COUNT(*) FROM stock", [], |r| r.get(0)).unwrap();
    println!("cache: {skus} SKUs, {LOCATIONS} locations, {rows} stock rows; {RUNS} runs per figure\n");

    println!("search as you type            p50 ms   p95 ms   bare FTS5 p95 ms   ratio p95");
    let mut worst_p95 = Duration::ZERO;
    for word in ["camisa", "pantalon", "azul marino", "merino", "CAM-00042"] {
        for len in 1..=word.chars().count() {
            let typed: String = word.chars().take(len).collect();
            if typed.ends_with(' ') || typed.ends_with('-') {
                continue;
            }
            let (p50, p95) = measure(|| {
                std::hint::black_box(store.search(&typed, 30).unwrap());
            });
            let fts: String = typed
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| format!("\"{}\"*", w.to_lowercase()))
                .collect::<Vec<_>>()
                .join(" ");
            let (_, bare95) = measure(|| {
                let mut stmt = store
                    .connection()
                    .prepare_cached(
                        "SELECT rowid FROM product_search WHERE product_search MATCH ?1 ORDER BY rank LIMIT 30",
                    )
                    .unwrap();
                let ids: Vec<i64> = stmt.query_map([&fts], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
                std::hint::black_box(ids);
            });
            worst_p95 = worst_p95.max(p95);
            println!(
                "  {typed:<26} {:>8.2} {:>8.2} {:>18.2} {:>10.2}",
                ms(p50),
                ms(p95),
                ms(bare95),
                ms(p95) / ms(bare95).max(1e-6)
            );
        }
    }
    println!("  worst search p95: {:.2} ms (target < 5 ms)\n", ms(worst_p95));

    println!("availability of one product   p50 ms   p95 ms   bare stock read p95 ms   ratio p95");
    for id in ["P000042", "P012345", "P029999"] {
        let (p50, p95) = measure(|| {
            std::hint::black_box(store.product_detail(id).unwrap());
        });
        let (_, bare95) = measure(|| {
            let mut stmt = store
                .connection()
                .prepare_cached(
                    "SELECT s.location_id, s.sku, s.on_hand, s.reserved FROM variant v
                     CROSS JOIN scope_cursor c
                     CROSS JOIN stock s ON s.location_id = substr(c.scope, 11) AND s.sku = v.sku
                     WHERE v.product_id = ?1 AND c.scope >= 'inventory:' AND c.scope < 'inventory;'",
                )
                .unwrap();
            let n = stmt.query_map([id], |r| r.get::<_, i64>(2)).unwrap().count();
            std::hint::black_box(n);
        });
        println!(
            "  {id:<26} {:>8.3} {:>8.3} {:>24.3} {:>10.2}",
            ms(p50),
            ms(p95),
            ms(bare95),
            ms(p95) / ms(bare95).max(1e-6)
        );
    }
}
