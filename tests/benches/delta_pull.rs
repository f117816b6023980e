//! A device catching up on 1,000 changes, end to end on loopback: the central
//! (demo chain, in this process, on SQLite and optionally PostgreSQL) takes 1,000 stock movements of the
//! device's region, then the device pulls and applies them to its cache
//! (`pull_until_current`, as the app's sync does: push what is queued, session,
//! pages until current). Baseline, in the same run: fetching the same pull's bytes
//! from a bare axum handler with the same HTTP client.
//!
//! `cargo bench -p vitrina-tests --bench delta_pull`; with
//! `VITRINA_BENCH_POSTGRES=postgres://postgres@127.0.0.1/test`, on PostgreSQL too.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use vitrina_central::{app, demo, movements, storage, AppState, Db};
use vitrina_protocol::{
    MovementKind, PullRequest, StockMovement, StockMovementsRequest, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use vitrina_tests::Device;

const STORE: &str = "CL-SCL-01";
const CHANGES: usize = 1_000;
const ROUNDS: usize = 40;
const WARM_UP: usize = 3;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// A PostgreSQL server the benchmark may make a database of its own on.
const POSTGRES_ENV: &str = "VITRINA_BENCH_POSTGRES";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    bench(Db::open(&dir.path().join("central.db")).unwrap(), "SQLite").await;
    match std::env::var(POSTGRES_ENV) {
        Ok(url) => {
            let db = tokio::task::spawn_blocking(move || Db::create_scratch_postgres(&url, None)).await.unwrap();
            bench(db.unwrap_or_else(|e| panic!("{POSTGRES_ENV}: PostgreSQL can't be used: {e:#}")), "PostgreSQL").await;
        }
        Err(_) => println!("(PostgreSQL not measured: set {POSTGRES_ENV}=postgres://user@host/database)"),
    }
}

async fn bench(db: Db, engine: &str) {
    let loader = db.clone();
    tokio::task::spawn_blocking(move || demo::load_if_empty(&loader)).await.unwrap().unwrap();
    let (code, token, region): (String, String, Vec<(String, String)>) = db
        .call(|conn| {
            let code = storage::mint_enrollment_code(conn, STORE, chrono::Duration::hours(1))?;
            let token = movements::mint_channel_token(conn, "pos")?;
            // Distinct (SKU, location) pairs of the device's region to change.
            let region = conn
                .prepare(
                    "SELECT sku, location_id FROM stock WHERE location_id IN
                     (SELECT id FROM location WHERE country = 'CL') ORDER BY sku, location_id",
                )?
                .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok((code, token, region))
        })
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app(AppState::new(db.clone())).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let device = Device::enroll(&url, &code).await.unwrap();
    vitrina_sync::pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    let http = reqwest::Client::new();
    let mut next = 0usize;
    let mut round = |n: usize| {
        let batch: Vec<StockMovement> = (0..CHANGES)
            .map(|i| {
                let (sku, location_id) = region[(next + i) % region.len()].clone();
                StockMovement {
                    movement_id: format!("bench-{n}-{i}"),
                    sku,
                    location_id,
                    kind: MovementKind::Receipt,
                    quantity: 1,
                    occurred_at: None,
                }
            })
            .collect();
        next += CHANGES;
        batch
    };
    let mut samples = Vec::new();
    let mut last_pull_body = String::new();
    for n in 0..WARM_UP + ROUNDS {
        let batch = round(n);
        let answer = http
            .post(format!("{url}/v1/stock-movements"))
            .bearer_auth(&token)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .json(&StockMovementsRequest { movements: batch })
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "movements: {}", answer.status());
        if n == WARM_UP + ROUNDS - 1 {
            // Keep one pull's bytes for the baseline, as the central answers them.
            let cursors = device.cache().cursors().unwrap();
            last_pull_body = serde_json::to_string(
                &device.client.pull(&PullRequest { cursors, limit: 5_000, wait_ms: 0 }).await.unwrap(),
            )
            .unwrap();
        }
        let started = Instant::now();
        let applied = vitrina_sync::pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
        let took = started.elapsed();
        assert_eq!(applied as usize, CHANGES, "exactly the round's changes are pulled");
        if n >= WARM_UP {
            samples.push(took);
        }
    }

    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_url = format!("http://{}", bare.local_addr().unwrap());
    let body: &'static str = Box::leak(last_pull_body.into_boxed_str());
    let router = axum::Router::new().route(
        "/v1/pull",
        axum::routing::post(move || async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }),
    );
    tokio::spawn(async move { axum::serve(bare, router).await.unwrap() });
    let mut baseline = Vec::new();
    for n in 0..WARM_UP + ROUNDS {
        let started = Instant::now();
        let bytes = http.post(format!("{bare_url}/v1/pull")).body("{}").send().await.unwrap().bytes().await.unwrap();
        assert_eq!(bytes.len(), body.len());
        if n >= WARM_UP {
            baseline.push(started.elapsed());
        }
    }

    let (p50, p95) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95));
    let (b50, b95) = (percentile(&mut baseline, 0.5), percentile(&mut baseline, 0.95));
    println!("delta pull of {CHANGES} changes, {ROUNDS} rounds, device of {STORE} on loopback (central on {engine})");
    println!("                                        p50 ms   p95 ms");
    println!("  bare axum, the same pull's bytes     {b50:7.2}  {b95:7.2}");
    println!("  device pulls and applies (end to end){p50:7.2}  {p95:7.2}");
    println!("  ratio (end to end / bare)            {:7.2}  {:7.2}", p50 / b50, p95 / b95);
    println!("  pull bytes: {} KiB", body.len() / 1024);
    println!("  target: p95 under 50 ms: {}", if p95 < 50.0 { "met" } else { "NOT MET" });
}
