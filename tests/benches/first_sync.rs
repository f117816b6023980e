//! A tablet's first sync of a seeded chain, against the physical limit of this
//! machine: a bare rusqlite bulk insert of the same stock rows into a table of the
//! same shape (one prepared INSERT, one transaction, the cache's pragmas), and the
//! same insert into an empty encrypted cache of the app's own, measured in the same
//! run; and the process's peak memory while the tablet syncs.
//!
//! The central (seeded with `vitrina-central seed`'s generator, SQLite) serves
//! loopback from a process of its own (this binary again), so the memory measured
//! is the tablet's alone; the tablet's cache is encrypted as the app's is.
//! `cargo bench -p vitrina-tests --bench first_sync`; the chain's size from
//! `VITRINA_BENCH_STORES` and `VITRINA_BENCH_PRODUCTS` (12 and 500 by default).

use anyhow::Context;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vitrina_central::seed::{Plan, SeedSpec};
use vitrina_central::{app, storage, AppState, Db};
use vitrina_store::{CacheKey, Enrollment, Store};

const STORE: &str = "CL-SCL-01";

/// A stock row as the cache stores it.
type StockRow = (String, String, i64, i64, i64, Option<String>);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A line of /proc/self/status, in MB.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Set in the central's process: the directory of its database.
const SERVE: &str = "VITRINA_BENCH_SERVE";

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    match std::env::var_os(SERVE) {
        Some(dir) => runtime.block_on(serve(std::path::PathBuf::from(dir))),
        None => runtime.block_on(tablet()),
    }
}

/// The central, in a process of its own (this same binary): seeds the chain, mints
/// an enrollment code, prints `url code locations products stock_rows`, and serves.
async fn serve(dir: std::path::PathBuf) -> anyhow::Result<()> {
    let stores = setting("VITRINA_BENCH_STORES", 12);
    let products = setting("VITRINA_BENCH_PRODUCTS", 500);
    let db = Db::open(&dir.join("central.db"))?;
    let plan = Plan::new(SeedSpec { stores, products, assortment: 25 });
    let seeded = db.clone();
    let summary = tokio::task::spawn_blocking(move || vitrina_central::seed::seed(&seeded, &plan, &|_| {}))
        .await?
        .context("seeding the chain")?;
    let code = db.call(|conn| storage::mint_enrollment_code(conn, STORE, chrono::Duration::hours(1))).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("{url} {code} {} {} {}", summary.locations, summary.products, summary.stock_rows);
    std::io::Write::flush(&mut std::io::stdout())?;
    let router = app(AppState::new(db)).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, router).await?;
    Ok(())
}

/// Ends the central's process with the bench, however it ends.
struct Central(std::process::Child);

impl Drop for Central {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Inserts `rows` into `conn`'s stock table in one transaction with one prepared
/// INSERT; answers the seconds it took.
fn insert_bare(conn: &rusqlite::Connection, rows: &[StockRow]) -> anyhow::Result<f64> {
    let started = Instant::now();
    let tx = conn.unchecked_transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit, transit_eta)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for r in rows {
            insert.execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5])?;
        }
    }
    tx.commit()?;
    Ok(started.elapsed().as_secs_f64())
}

/// The tablet: this process holds nothing but the device's side, so its memory is
/// the tablet's own.
async fn tablet() -> anyhow::Result<()> {
    use std::io::BufRead;
    let dir = tempfile::tempdir()?;
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .env(SERVE, dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting the central")?;
    let mut line = String::new();
    let out = child.stdout.take().context("the central's output")?;
    std::io::BufReader::new(out).read_line(&mut line)?;
    let _central = Central(child);
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [url, code, locations, products, stock_rows] = fields[..] else {
        anyhow::bail!("the central said {line:?}");
    };
    let url = url.to_owned();

    let cache_path = dir.path().join("vitrina.db");
    let store = Store::open_encrypted(&cache_path, &CacheKey::generate())?;
    let client = vitrina_sync::Client::new(&url)?;
    let enrolled = client.enroll(code, "bench tablet").await?;
    let client = client.with_token(&enrolled.token);
    store.save_enrollment(&Enrollment {
        central_url: url.clone(),
        device_id: enrolled.device_id,
        token: enrolled.token,
        store: enrolled.store,
    })?;
    let store = Arc::new(Mutex::new(store));

    // The high-water mark from here on: the tablet's first sync (the central is
    // another process).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_mb("VmRSS:");
    let started = Instant::now();
    let applied = vitrina_sync::pull_until_current(&store, &client, |_| {}).await?;
    let took = started.elapsed().as_secs_f64();
    let peak = status_mb("VmHWM:");

    // The same stock rows, inserted bare.
    let (rows, ddl): (Vec<StockRow>, Vec<String>) = {
        let cache = store.lock().map_err(|_| anyhow::anyhow!("the cache's lock is poisoned"))?;
        let conn = cache.connection();
        let rows = conn
            .prepare("SELECT sku, location_id, on_hand, reserved, in_transit, transit_eta FROM stock")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<Result<_, _>>()?;
        let ddl = conn
            .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'stock' AND sql IS NOT NULL ORDER BY type DESC")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        (rows, ddl)
    };
    let bare = rusqlite::Connection::open(dir.path().join("bare.db"))?;
    bare.pragma_update(None, "journal_mode", "WAL")?;
    bare.pragma_update(None, "synchronous", "NORMAL")?;
    for statement in &ddl {
        bare.execute_batch(statement)?;
    }
    let bare_took = insert_bare(&bare, &rows)?;

    // And into an empty cache of the app's own (encrypted, its schema and pragmas):
    // the limit for a device that must keep its cache encrypted.
    let sealed = Store::open_encrypted(&dir.path().join("bare-encrypted.db"), &CacheKey::generate())?;
    let sealed_took = insert_bare(sealed.connection(), &rows)?;

    let device_rate = applied as f64 / took;
    let bare_rate = rows.len() as f64 / bare_took;
    let sealed_rate = rows.len() as f64 / sealed_took;
    println!(
        "first sync of {STORE}: chain of {locations} locations, {products} products, {stock_rows} stock rows at the central"
    );
    println!("  changes applied by the tablet     {applied:>10}   ({} stock rows)", rows.len());
    println!("  first sync, end to end            {took:>10.2} s    {device_rate:>10.0} rows/s");
    println!("  bare rusqlite insert of its rows  {bare_took:>10.2} s    {bare_rate:>10.0} rows/s");
    println!("  the same into an encrypted cache  {sealed_took:>10.2} s    {sealed_rate:>10.0} rows/s");
    println!("  ratio (first sync / bare)         {:>10.2}   target at least 0.5", device_rate / bare_rate);
    println!("  ratio (first sync / encrypted)    {:>10.2}", device_rate / sealed_rate);
    println!("  peak memory during the sync       {peak:>10.0} MB  (was {before:.0} MB before; target under 200 MB)");
    Ok(())
}
