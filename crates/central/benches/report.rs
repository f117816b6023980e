//! The store report at the central for a busy store's day: 5,000 transactions of
//! every channel, asked for over HTTP on loopback by a signed-in manager, against a
//! bare axum handler that answers the same bytes from memory (the floor of HTTP on
//! this machine), measured in the same run.
//!
//! `cargo bench -p vitrina-central --bench report` measures SQLite, and PostgreSQL
//! too with `VITRINA_BENCH_POSTGRES=postgres://postgres@127.0.0.1/test`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use vitrina_central::{app, commerce, demo, storage, AppState, Db};
use vitrina_protocol::{ChannelTransaction, TransactionLine, ASSOCIATE_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION};

const STORE: &str = "CL-SCL-01";
/// Long before the demo chain's own week of trade.
const DAY: &str = "2025-11-20";
const TRANSACTIONS: usize = 5_000;
const RUNS: usize = 300;
const WARM_UP: usize = 20;

/// One HTTP/1.1 request on a fresh connection, as a device makes it; answers the
/// status line and the time until the whole body was read.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&response);
    (text.lines().next().unwrap_or_default().to_owned(), elapsed)
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

/// A busy day of `STORE`: sales at the till, web and app orders for pick-up, returns.
fn busy_day(db: &Db) -> Vec<ChannelTransaction> {
    let skus: Vec<(String, i64)> = db
        .blocking(|conn| {
            let mut stmt =
                conn.prepare("SELECT v.sku, p.record FROM variant v JOIN product p ON p.id = v.product_id")?;
            let rows = stmt.query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (sku, record) = row?;
                let product: vitrina_protocol::ProductRecord = serde_json::from_str(&record)?;
                if let Some(price) = product.prices.iter().find(|p| p.currency == "CLP") {
                    out.push((sku, price.minor));
                }
            }
            Ok(out)
        })
        .unwrap();
    let mut state: u64 = 0x9E37_79B9;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut out: Vec<ChannelTransaction> = Vec::with_capacity(TRANSACTIONS);
    for i in 0..TRANSACTIONS {
        // 10:00–21:00 in Santiago (UTC−3): 13:00–24:00 UTC.
        let seconds = 13 * 3600 + next(11 * 3600);
        let at = format!("{DAY}T{:02}:{:02}:{:02}Z", seconds / 3600, seconds / 60 % 60, seconds % 60);
        let (sku, price) = skus[next(skus.len())].clone();
        let roll = next(100);
        let (channel, kind, sold_at, pickup, original) = match roll {
            0..=59 => ("pos", "sale", Some(STORE), None, None),
            60..=79 => ("ecommerce", "order", None, Some(STORE), None),
            80..=89 => ("app", "order", None, Some(STORE), None),
            90..=94 => ("social", "order", None, Some(STORE), None),
            _ if i > 0 => ("pos", "return", Some(STORE), None, Some(format!("S{}", next(i)))),
            _ => ("pos", "sale", Some(STORE), None, None),
        };
        let original =
            original.filter(|o| out.iter().any(|t| t.channel == "pos" && t.kind == "sale" && &t.transaction_id == o));
        out.push(ChannelTransaction {
            transaction_id: format!("S{i}"),
            channel: channel.into(),
            kind: kind.into(),
            occurred_at: at,
            sold_at_store: sold_at.map(str::to_owned),
            pickup_store: pickup.map(str::to_owned),
            customer: None,
            currency: "CLP".into(),
            lines: vec![TransactionLine { sku, quantity: 1 + next(2) as i64, unit_minor: price }],
            original_transaction_id: original,
        });
    }
    out
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::open(&dir.path().join("central.db")).unwrap();
    bench(sqlite, "SQLite");
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            let postgres = Db::create_scratch_postgres(&url, None)
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={url}: PostgreSQL can't be used: {e:#}"));
            bench(postgres, "PostgreSQL");
        }
        Err(_) => println!("(PostgreSQL not measured: set {POSTGRES_ENV}=postgres://user@host/database)"),
    }
}

/// A PostgreSQL server the benchmark may make a database of its own on.
const POSTGRES_ENV: &str = "VITRINA_BENCH_POSTGRES";

fn bench(db: Db, engine: &str) {
    demo::load_if_empty(&db).unwrap();
    let day = busy_day(&db);
    let (results, _) = db.blocking(|conn| commerce::ingest(conn, commerce::IMPORT_CHANNEL, &day)).unwrap();
    assert!(results.iter().all(|r| r.accepted), "every transaction of the day is taken");
    let token = vitrina_central::routes::new_token();
    let t = token.clone();
    db.blocking(move |conn| {
        let tx = conn.transaction()?;
        storage::insert_device(&tx, "bench-device", STORE, "bench", &t)?;
        tx.commit()?;
        Ok(())
    })
    .unwrap();
    let chain = vitrina_central::demo_data::chain(demo::DEMO_SEED, demo::DEMO_PRODUCTS);
    let pin = demo::demo_people(&chain.locations)
        .into_iter()
        .find(|p| p.store_id == STORE && p.role == "manager")
        .unwrap()
        .pin;

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (central, bare) = runtime.block_on(async {
        let central = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let central_addr = central.local_addr().unwrap();
        let router = app(AppState::new(db.clone())).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(central, router).await.unwrap() });
        (central_addr, tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
    });

    // Sign the manager in, and keep the report's bytes for the bare handler.
    let auth = format!("Bearer {token}");
    let version = PROTOCOL_VERSION.to_string();
    let session = {
        let body = format!(r#"{{"associate_id":"{STORE}-manager","pin":"{pin}"}}"#);
        let mut stream = TcpStream::connect(central).unwrap();
        let request = format!(
            "POST /v1/associates/sign-in HTTP/1.1\r\nHost: {central}\r\nConnection: close\r\nAuthorization: {auth}\r\n\
             {PROTOCOL_HEADER}: {version}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let json = &response[response.find("\r\n\r\n").unwrap() + 4..];
        let value: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|_| panic!("sign-in: {response}"));
        value["token"].as_str().unwrap().to_owned()
    };
    let headers =
        [("Authorization", auth.as_str()), (PROTOCOL_HEADER, version.as_str()), (ASSOCIATE_HEADER, session.as_str())];
    let path = format!("/v1/reports/store?from={DAY}&to={DAY}");
    let bytes = {
        let mut stream = TcpStream::connect(central).unwrap();
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: {central}\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        response[response.find("\r\n\r\n").unwrap() + 4..].to_owned()
    };
    let report: serde_json::Value = serde_json::from_str(&bytes).unwrap();
    let counted = ["sales", "orders", "returns", "cancellations"]
        .iter()
        .map(|k| report["report"]["totals"][k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted as usize, TRANSACTIONS, "the report counts the whole day");
    let bare_addr = bare.local_addr().unwrap();
    runtime.spawn(async move {
        let body: &'static str = Box::leak(bytes.into_boxed_str());
        let router = axum::Router::new().route(
            "/v1/reports/store",
            axum::routing::get(move || async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }),
        );
        axum::serve(bare, router).await.unwrap();
    });

    let measure = |addr: SocketAddr| {
        for _ in 0..WARM_UP {
            assert!(get(addr, &path, &headers).0.contains("200"));
        }
        let mut samples: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let (status, elapsed) = get(addr, &path, &headers);
                assert!(status.contains("200"), "{status}");
                elapsed
            })
            .collect();
        (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95))
    };
    let (bare_p50, bare_p95) = measure(bare_addr);
    let (p50, p95) = measure(central);
    println!(
        "store report, one day of {STORE}: {TRANSACTIONS} transactions, {RUNS} requests each over loopback ({engine})"
    );
    println!("                                 p50 ms   p95 ms");
    println!("  bare axum, same bytes         {bare_p50:7.2}  {bare_p95:7.2}");
    println!("  central /v1/reports/store     {p50:7.2}  {p95:7.2}");
    println!("  ratio (central / bare)        {:7.2}  {:7.2}", p50 / bare_p50, p95 / bare_p95);
    println!("  target: p95 under 50 ms: {}", if p95 < 50.0 { "met" } else { "NOT MET" });
}
