//! `vitrina-load`: many simulated tablets against a running central. Each enrolls,
//! does its first sync (every page of its scopes, not applied to a cache) or, with
//! `--synced`, starts at its scopes' heads as a chain's tablets do on an ordinary
//! day, then for a while makes the requests a shop floor makes: delta pulls, live
//! stock lookups, orders for customers and stylist bookings, with a pause between
//! two. It reports throughput and latency percentiles per kind of request.
//!
//! The central must let one address enroll that many tablets: start it with
//! `--secret-burst` at least the number of tablets.

use anyhow::{bail, Context};
use clap::Parser;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vitrina_protocol::{
    BookAppointment, Command, CustomerRecord, FulfilmentRecord, Mutation, OrderLineRecord, PaymentRecord, PlaceOrder,
    PullRequest, PushRequest, ScopeCursor, ScopeStatus,
};
use vitrina_sync::Client;

#[derive(Parser)]
#[command(name = "vitrina-load", version, about = "Simulated tablets against a Vitrina central")]
struct Args {
    /// The central's address.
    #[arg(long, default_value = "http://127.0.0.1:8787")]
    central: String,
    /// The central's database (SQLite file or PostgreSQL URL): enrollment codes are
    /// minted there, and the SKUs, stylists and services the tablets ask for read.
    #[arg(long)]
    db: String,
    /// Simulated tablets, spread over the chain's stores.
    #[arg(long, default_value_t = 50)]
    devices: usize,
    /// Seconds of mixed traffic after the first syncs.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Average pause of a tablet between two requests, in milliseconds.
    #[arg(long, default_value_t = 1_000)]
    think_ms: u64,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Seed of the tablets' choices, to repeat a run.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// After the mixed traffic, every tablet pulls back to back for this many
    /// seconds, from the central and then from a bare axum handler answering the
    /// same bytes from memory: the central's pull throughput against the baseline.
    #[arg(long)]
    pull_capacity: Option<u64>,
    /// Tablets start already synced (at each scope's head) instead of doing a
    /// first sync: the central's ordinary day, at a size where every tablet pulling
    /// its whole region first would be the test instead.
    #[arg(long)]
    synced: bool,
}

/// Changes asked for per pull, as the app's sync asks.
const PAGE: u32 = 1_000;

/// What one tablet is given to work with.
#[derive(Clone)]
struct Assignment {
    store_id: String,
    code: String,
    /// SKUs with units at the store's country's warehouse, and that warehouse.
    skus: Arc<Vec<(String, String)>>,
    stylist_id: Option<String>,
    service_id: Option<String>,
}

/// Reads the chain and mints one enrollment code per tablet.
fn plan(db: &vitrina_central::Db, devices: usize) -> anyhow::Result<Vec<Assignment>> {
    let assignments = db.blocking(|conn| {
        let stores: Vec<(String, String)> = conn
            .prepare("SELECT id, country FROM location WHERE kind = 'store' ORDER BY id")?
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let service_id: Option<String> = conn
            .query_row("SELECT id FROM service ORDER BY position, id LIMIT 1", (), |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                vitrina_central::sql::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let mut by_country: BTreeMap<String, Arc<Vec<(String, String)>>> = BTreeMap::new();
        let mut out = Vec::with_capacity(devices);
        for i in 0..devices {
            let (store_id, country) = &stores[i % stores.len()];
            if !by_country.contains_key(country) {
                let skus: Vec<(String, String)> = conn
                    .prepare(
                        "SELECT s.sku, s.location_id FROM stock s JOIN location l ON l.id = s.location_id
                         WHERE l.kind = 'warehouse' AND l.country = ?1 AND s.on_hand - s.reserved > 0
                         ORDER BY s.sku LIMIT 5000",
                    )?
                    .query_map([country], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                by_country.insert(country.clone(), Arc::new(skus));
            }
            let stylist_id: Option<String> = conn
                .prepare("SELECT id FROM stylist WHERE store_id = ?1 ORDER BY id LIMIT 1")?
                .query_map([store_id], |r| r.get(0))?
                .next()
                .transpose()?;
            let code = vitrina_central::storage::mint_enrollment_code(conn, store_id, chrono::Duration::hours(1))?;
            out.push(Assignment {
                store_id: store_id.clone(),
                code,
                skus: by_country[country].clone(),
                stylist_id,
                service_id: service_id.clone(),
            });
        }
        Ok(out)
    })?;
    if assignments.iter().any(|a| a.skus.is_empty()) {
        bail!("a country's warehouse has no stock to order from: seed the database first");
    }
    Ok(assignments)
}

/// The record, even if a tablet's task panicked while holding it.
fn lock(record: &Mutex<Record>) -> std::sync::MutexGuard<'_, Record> {
    record.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Latencies and failures per kind of request.
#[derive(Default)]
struct Record {
    samples: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<&'static str, u64>,
    changes_first_sync: u64,
    /// Changes the delta pulls brought during the timed traffic.
    changes_in_traffic: u64,
}

impl Record {
    fn add(&mut self, kind: &'static str, took: Duration, ok: bool) {
        self.samples.entry(kind).or_default().push(took);
        if !ok {
            *self.errors.entry(kind).or_default() += 1;
        }
    }
}

/// One tablet: pulls everything, then makes mixed requests until `until`.
async fn tablet(
    index: usize,
    args: Arc<Args>,
    job: Assignment,
    record: Arc<Mutex<Record>>,
    start_traffic: Arc<tokio::sync::Barrier>,
) -> anyhow::Result<(Client, Vec<ScopeCursor>)> {
    let synced = first_sync(index, &args, &job, &record).await;
    // Every tablet has synced, or failed, before the timed traffic starts together.
    start_traffic.wait().await;
    let (client, mut cursors) = synced?;
    let until = Instant::now() + Duration::from_secs(args.seconds);
    traffic(index, &args, &job, &record, client.clone(), &mut cursors, until).await?;
    Ok((client, cursors))
}

/// Pull throughput, the central's against a bare handler's.
#[derive(Serialize)]
struct Capacity {
    seconds: u64,
    /// The answer the bare handler repeats, as the central gave it.
    response_bytes: usize,
    central_pulls_per_second: f64,
    bare_pulls_per_second: f64,
    /// Central over bare; the target is at least 0.5.
    ratio: f64,
}

/// Every tablet pulls back to back until `seconds` have passed; answers pulls per second.
async fn pulls_per_second(tablets: &[(Client, Vec<ScopeCursor>)], seconds: u64) -> f64 {
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = tablets
        .iter()
        .cloned()
        .map(|(client, cursors)| {
            tokio::spawn(async move {
                let mut request = PullRequest { cursors, limit: PAGE, wait_ms: 0 };
                let mut pulls = 0u64;
                while Instant::now() < until {
                    if let Ok(page) = client.pull(&request).await {
                        pulls += 1;
                        // As a tablet does: the next pull asks after what this one brought.
                        for scope in &page.scopes {
                            if let Some(cursor) = request.cursors.iter_mut().find(|c| c.scope == scope.scope) {
                                if scope.status == ScopeStatus::Ok {
                                    cursor.after = scope.cursor;
                                }
                            }
                        }
                    }
                }
                pulls
            })
        })
        .collect();
    let mut pulls = 0u64;
    for task in tasks {
        pulls += task.await.unwrap_or(0);
    }
    pulls as f64 / started.elapsed().as_secs_f64()
}

/// The central's pull throughput with every tablet pulling at once, and a bare axum
/// handler's answering the bytes of one of those pulls from memory.
async fn capacity(tablets: Vec<(Client, Vec<ScopeCursor>)>, seconds: u64) -> anyhow::Result<Capacity> {
    let (client, mut cursors) = tablets.first().cloned().context("no tablet")?;
    // The answer a current tablet gets: pulled again until it brings nothing new.
    let mut pulls = 0;
    let sample = loop {
        pulls += 1;
        if pulls > 1_000 {
            bail!("the sampled tablet never caught up with its scopes");
        }
        let page = client.pull(&PullRequest { cursors: cursors.clone(), limit: PAGE, wait_ms: 0 }).await?;
        if page.scopes.iter().all(|s| s.changes.is_empty() && s.status == ScopeStatus::Ok) {
            break page;
        }
        for scope in &page.scopes {
            if let Some(cursor) = cursors.iter_mut().find(|c| c.scope == scope.scope) {
                cursor.after = if scope.status == ScopeStatus::ResyncRequired { 0 } else { scope.cursor };
            }
        }
    };
    let bytes = serde_json::to_vec(&sample)?;
    let response_bytes = bytes.len();
    let central = pulls_per_second(&tablets, seconds).await;

    let body = axum::body::Bytes::from(bytes);
    let bare = axum::Router::new().route(
        "/v1/pull",
        axum::routing::post(move || {
            let body = body.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, bare).await });
    let bare_tablets: Vec<(Client, Vec<ScopeCursor>)> = tablets
        .iter()
        .map(|(_, cursors)| Ok((Client::new(&url)?.with_token("bare"), cursors.clone())))
        .collect::<anyhow::Result<_>>()?;
    let bare = pulls_per_second(&bare_tablets, seconds).await;
    server.abort();
    Ok(Capacity {
        seconds,
        response_bytes,
        central_pulls_per_second: central,
        bare_pulls_per_second: bare,
        ratio: central / bare.max(f64::EPSILON),
    })
}

/// Enrolls and pulls every page of the tablet's scopes; answers its client and cursors.
async fn first_sync(
    index: usize,
    args: &Args,
    job: &Assignment,
    record: &Mutex<Record>,
) -> anyhow::Result<(Client, Vec<ScopeCursor>)> {
    let anonymous = Client::new(&args.central)?;
    let enrolled = anonymous.enroll(&job.code, &format!("load tablet {index}")).await.context("enrolling")?;
    let client = anonymous.with_token(&enrolled.token);
    let session = client.session().await?;
    let mut cursors: Vec<ScopeCursor> =
        session.scopes.iter().map(|scope| ScopeCursor { scope: scope.clone(), after: 0 }).collect();

    let started = Instant::now();
    if args.synced {
        // Already synced: a cursor past the head is answered with the head itself.
        let beyond: Vec<ScopeCursor> =
            cursors.iter().map(|c| ScopeCursor { after: i64::MAX / 2, ..c.clone() }).collect();
        let heads = client.pull(&PullRequest { cursors: beyond, limit: 1, wait_ms: 0 }).await?;
        for scope in &heads.scopes {
            if let Some(cursor) = cursors.iter_mut().find(|c| c.scope == scope.scope) {
                cursor.after = scope.head;
            }
        }
        lock(record).add("first_sync", started.elapsed(), true);
        return Ok((client, cursors));
    }

    // First sync: every page of every scope.
    let mut changes = 0u64;
    loop {
        let page = client.pull(&PullRequest { cursors: cursors.clone(), limit: PAGE, wait_ms: 0 }).await?;
        let mut remaining = 0;
        for scope in &page.scopes {
            changes += scope.changes.len() as u64;
            remaining += scope.remaining;
            if let Some(cursor) = cursors.iter_mut().find(|c| c.scope == scope.scope) {
                cursor.after = if scope.status == ScopeStatus::ResyncRequired { 0 } else { scope.cursor };
            }
        }
        if remaining == 0 {
            break;
        }
    }
    let mut record = lock(record);
    record.add("first_sync", started.elapsed(), true);
    record.changes_first_sync += changes;
    Ok((client, cursors))
}

/// Mixed requests with pauses between them until `until`.
async fn traffic(
    index: usize,
    args: &Args,
    job: &Assignment,
    record: &Mutex<Record>,
    client: Client,
    cursors: &mut [ScopeCursor],
    until: Instant,
) -> anyhow::Result<()> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed ^ (index as u64).wrapping_mul(0x9E37_79B9));
    let mut counter = 0i64;
    let mut unsent: Option<Mutation> = None;
    let mut customer: Option<String> = None;
    loop {
        let pause = if args.think_ms == 0 { 0 } else { rng.gen_range(args.think_ms / 2..=args.think_ms * 3 / 2) };
        tokio::time::sleep(Duration::from_millis(pause)).await;
        if Instant::now() >= until {
            return Ok(());
        }
        let roll = rng.gen_range(0..100);
        let started = Instant::now();
        let (kind, ok) = match roll {
            0..=49 => {
                let answer = client.pull(&PullRequest { cursors: cursors.to_vec(), limit: PAGE, wait_ms: 0 }).await;
                if let Ok(page) = &answer {
                    let changes: usize = page.scopes.iter().map(|s| s.changes.len()).sum();
                    lock(record).changes_in_traffic += changes as u64;
                    for scope in &page.scopes {
                        if let Some(cursor) = cursors.iter_mut().find(|c| c.scope == scope.scope) {
                            cursor.after = scope.cursor;
                        }
                    }
                }
                ("pull", answer.is_ok())
            }
            50..=79 => {
                let (sku, _) = &job.skus[rng.gen_range(0..job.skus.len())];
                ("availability", client.availability(sku).await.is_ok())
            }
            _ => {
                let booking = roll >= 95 && job.stylist_id.is_some() && job.service_id.is_some();
                let command = if booking && customer.is_none() {
                    let id = uuid::Uuid::now_v7().to_string();
                    customer = Some(id.clone());
                    Command::CreateCustomer(CustomerRecord {
                        id,
                        store_id: job.store_id.clone(),
                        name: format!("Cliente de carga {index}"),
                        phone: None,
                        email: None,
                        marketing_consent: false,
                        chain_consent: false,
                        wishlist: Vec::new(),
                    })
                } else if booking {
                    let day = chrono::Utc::now().date_naive() + chrono::Days::new(rng.gen_range(1..14));
                    let at = day.and_hms_opt(rng.gen_range(13..21), 15 * rng.gen_range(0..4), 0).expect("a time");
                    Command::BookAppointment(BookAppointment {
                        appointment_id: uuid::Uuid::now_v7().to_string(),
                        stylist_id: job.stylist_id.clone().unwrap_or_default(),
                        service_id: job.service_id.clone().unwrap_or_default(),
                        start: format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S")),
                        customer_id: customer.clone().unwrap_or_default(),
                        items: Vec::new(),
                    })
                } else {
                    let (sku, warehouse) = &job.skus[rng.gen_range(0..job.skus.len())];
                    Command::PlaceOrder(PlaceOrder {
                        order_id: uuid::Uuid::now_v7().to_string(),
                        order_number: format!("{}-L{index}-{}", job.store_id, counter + 1),
                        lines: vec![OrderLineRecord {
                            sku: sku.clone(),
                            quantity: 1,
                            source_location_id: warehouse.clone(),
                        }],
                        fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Providencia 1234".into() },
                        customer_id: None,
                        payment: PaymentRecord { method: "at_till".into(), reference: None },
                        promise_date: None,
                        allow_other_source: true,
                    })
                };
                let kind = if booking { "booking" } else { "order" };
                // A push that went unanswered is sent again first, as the app does.
                let mutation = unsent.take().unwrap_or_else(|| {
                    counter += 1;
                    Mutation { mutation_id: uuid::Uuid::now_v7().to_string(), counter, made_by: None, command }
                });
                match client.push(&PushRequest { mutations: vec![mutation.clone()] }).await {
                    Ok(answer) => (kind, answer.results.len() == 1),
                    Err(_) => {
                        unsent = Some(mutation);
                        (kind, false)
                    }
                }
            }
        };
        lock(record).add(kind, started.elapsed(), ok);
    }
}

#[derive(Serialize)]
struct Line {
    kind: String,
    requests: usize,
    errors: u64,
    per_second: f64,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct Report {
    central: String,
    devices: usize,
    seconds: u64,
    think_ms: u64,
    first_sync: Line,
    changes_per_first_sync: u64,
    /// Changes all the tablets' delta pulls brought during the traffic.
    changes_pulled_in_traffic: u64,
    traffic: Vec<Line>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pull_capacity: Option<Capacity>,
}

fn line(kind: &str, samples: &mut [Duration], errors: u64, seconds: f64) -> Line {
    samples.sort();
    let at = |p: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * p).round().max(0.0) as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Line {
        kind: kind.to_owned(),
        requests: samples.len(),
        errors,
        per_second: samples.len() as f64 / seconds.max(f64::EPSILON),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}

fn main() -> anyhow::Result<()> {
    let args = Arc::new(Args::parse());
    anyhow::ensure!(args.devices > 0, "--devices must be at least 1");
    let db = vitrina_central::Db::open_target(&args.db).with_context(|| format!("opening {}", args.db))?;
    let jobs = plan(&db, args.devices)?;
    drop(db);
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        let record = Arc::new(Mutex::new(Record::default()));
        let ready = Arc::new(tokio::sync::Barrier::new(args.devices));
        let tasks: Vec<_> = jobs
            .into_iter()
            .enumerate()
            .map(|(i, job)| tokio::spawn(tablet(i, args.clone(), job, record.clone(), ready.clone())))
            .collect();
        eprintln!("{} tablets enrolling and doing their first sync…", args.devices);
        let mut failures = Vec::new();
        let mut synced = Vec::new();
        for task in tasks {
            match task.await? {
                Ok(tablet) => synced.push(tablet),
                Err(e) => failures.push(format!("{e:#}")),
            }
        }
        if !failures.is_empty() {
            bail!("{} tablets failed; the first: {}", failures.len(), failures[0]);
        }
        let mut record = std::mem::take(&mut *lock(&record));
        let seconds = args.seconds as f64;
        let mut first = record.samples.remove("first_sync").unwrap_or_default();
        let first_sync = line("first_sync", &mut first, 0, seconds);
        let mut all: Vec<Duration> = record.samples.values().flatten().copied().collect();
        let errors_all = record.errors.values().sum();
        let mut traffic: Vec<Line> = record
            .samples
            .iter_mut()
            .map(|(kind, samples)| line(kind, samples, record.errors.get(kind).copied().unwrap_or(0), seconds))
            .collect();
        traffic.push(line("all", &mut all, errors_all, seconds));
        let pull_capacity = match args.pull_capacity {
            Some(seconds) => {
                eprintln!("pulling back to back for {seconds} s, from the central and then from a bare handler…");
                Some(capacity(synced, seconds).await?)
            }
            None => None,
        };
        Ok(Report {
            pull_capacity,
            central: args.central.clone(),
            devices: args.devices,
            seconds: args.seconds,
            think_ms: args.think_ms,
            changes_per_first_sync: record.changes_first_sync / args.devices as u64,
            changes_pulled_in_traffic: record.changes_in_traffic,
            first_sync,
            traffic,
        })
    })?;
    println!(
        "vitrina-load: {} tablets, {} s of mixed traffic (pause {} ms) against {}",
        report.devices, report.seconds, report.think_ms, report.central
    );
    println!(
        "first sync: {} changes per tablet; p50 {:.0} ms, p95 {:.0} ms, slowest {:.0} ms",
        report.changes_per_first_sync, report.first_sync.p50_ms, report.first_sync.p95_ms, report.first_sync.max_ms
    );
    println!("request        requests  errors   per s   p50 ms   p95 ms   p99 ms   max ms");
    for l in &report.traffic {
        println!(
            "{:<14} {:>8} {:>7} {:>7.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            l.kind, l.requests, l.errors, l.per_second, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
        );
    }
    if let Some(c) = &report.pull_capacity {
        println!(
            "pull capacity ({} s, {} B a pull): central {:.0}/s, bare axum handler {:.0}/s, ratio {:.2}",
            c.seconds, c.response_bytes, c.central_pulls_per_second, c.bare_pulls_per_second, c.ratio
        );
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
