//! A tablet's first sync of a seeded chain, against the physical limit of this
//! machine: a bare rusqlite bulk insert of the same rows (every row the sync wrote
//! to the cache's data tables: stock, products, their variants and search index,
//! locations, ...) into tables of the same shape (one prepared INSERT per table, one
//! transaction, the cache's pragmas), and the same insert into an empty encrypted
//! cache of the app's own, measured in the same run; and the process's peak memory
//! while the tablet syncs. The ratios are of times: the bare insert's over the
//! sync's, end to end.
//!
//! The central (seeded with `vitrina-central seed`'s generator, SQLite) serves
//! loopback from a process of its own (this binary again), so the memory measured
//! is the tablet's alone; the tablet's cache is encrypted as the app's is.
//! `cargo bench -p vitrina-tests --bench first_sync`; the chain's size from
//! `VITRINA_BENCH_STORES` and `VITRINA_BENCH_PRODUCTS` (12 and 500 by default).

use anyhow::Context;
use rusqlite::types::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vitrina_central::seed::{Plan, SeedSpec};
use vitrina_central::{app, storage, AppState, Db};
use vitrina_store::{CacheKey, Enrollment, Store};

const STORE: &str = "CL-SCL-01";

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

/// The bytes this process has written so far (to files, sockets and pipes alike;
/// the tablet's are nearly all its cache's).
fn written_mb() -> f64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    io.lines()
        .find_map(|l| l.strip_prefix("wchar:"))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .map_or(f64::NAN, |bytes| bytes / 1e6)
}

/// Writes every dirty page to disk first (the seeding leaves a gigabyte of the
/// central's database for the kernel to write back), so no measured phase pays
/// for the writing of another.
fn settle() {
    let _ = std::process::Command::new("sync").status();
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

/// One table's rows as the first sync left them, every column.
struct TableRows {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Every row the first sync wrote to the cache's data tables (the bookkeeping of
/// cursors and entry hashes aside), table by table in the order they were created,
/// with the statements that create the tables and their indexes.
fn synced_rows(conn: &rusqlite::Connection) -> anyhow::Result<(Vec<TableRows>, Vec<String>)> {
    let bookkeeping = |name: &str| matches!(name, "scope_cursor" | "scope_entry" | "meta");
    let ddl: Vec<String> = conn
        .prepare(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'product_search_%' ORDER BY type = 'index', rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'product_search_%' ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in names.into_iter().filter(|n| !bookkeeping(n)) {
        let mut columns: Vec<String> = conn
            .prepare(&format!("SELECT * FROM {name} LIMIT 0"))?
            .column_names()
            .into_iter()
            .map(String::from)
            .collect();
        // A full-text table's rows are found by rowid; the others by their columns.
        let fts = name == "product_search";
        if fts {
            columns.insert(0, "rowid".into());
        }
        let mut stmt = conn.prepare(&format!("SELECT {} FROM {name}", columns.join(", ")))?;
        let width = columns.len();
        let rows: Vec<Vec<Value>> =
            stmt.query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())?.collect::<Result<_, _>>()?;
        if !rows.is_empty() {
            tables.push(TableRows { name, columns, rows });
        }
    }
    Ok((tables, ddl))
}

/// Inserts `tables` into `conn` in one transaction, one prepared INSERT per table;
/// answers the seconds it took.
fn insert_bare(conn: &rusqlite::Connection, tables: &[TableRows]) -> anyhow::Result<f64> {
    let started = Instant::now();
    let tx = conn.unchecked_transaction()?;
    for table in tables {
        let marks: Vec<String> = (1..=table.columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            table.columns.join(", "),
            marks.join(", ")
        ))?;
        for row in &table.rows {
            insert.execute(rusqlite::params_from_iter(row))?;
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
    let [url, code, locations, products, stock_rows_at_central] = fields[..] else {
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
    settle();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_mb("VmRSS:");
    let written_before = written_mb();
    let started = Instant::now();
    let applied = vitrina_sync::pull_until_current(&store, &client, |_| {}).await?;
    let took = started.elapsed().as_secs_f64();
    let peak = status_mb("VmHWM:");
    let written = written_mb() - written_before;

    // The same rows, inserted bare: every table the first sync wrote.
    let (tables, ddl) = {
        let cache = store.lock().map_err(|_| anyhow::anyhow!("the cache's lock is poisoned"))?;
        synced_rows(cache.connection())?
    };
    // Each baseline is the best of three runs into an empty database, so the
    // ratios are against the machine's best.
    let mut bare_took = f64::INFINITY;
    let mut bare_written = 0.0;
    for run in 0..3 {
        let bare = rusqlite::Connection::open(dir.path().join(format!("bare-{run}.db")))?;
        bare.pragma_update(None, "journal_mode", "WAL")?;
        bare.pragma_update(None, "synchronous", "NORMAL")?;
        for statement in &ddl {
            bare.execute_batch(statement)?;
        }
        settle();
        let written_before = written_mb();
        bare_took = bare_took.min(insert_bare(&bare, &tables)?);
        bare_written = written_mb() - written_before;
    }

    // And into an empty cache of the app's own (encrypted, its schema and pragmas):
    // the limit for a device that must keep its cache encrypted.
    let mut sealed_took = f64::INFINITY;
    let mut sealed_written = 0.0;
    for run in 0..3 {
        let sealed = Store::open_encrypted(&dir.path().join(format!("sealed-{run}.db")), &CacheKey::generate())?;
        settle();
        let written_before = written_mb();
        sealed_took = sealed_took.min(insert_bare(sealed.connection(), &tables)?);
        sealed_written = written_mb() - written_before;
    }

    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    let stock_rows = tables.iter().find(|t| t.name == "stock").map_or(0, |t| t.rows.len());
    let per_table: Vec<String> = tables.iter().map(|t| format!("{} {}", t.name, t.rows.len())).collect();
    println!(
        "first sync of {STORE}: chain of {locations} locations, {products} products, {stock_rows_central} stock rows at the central",
        stock_rows_central = stock_rows_at_central
    );
    println!("  changes applied by the tablet     {applied:>10}");
    println!("  rows they wrote                   {rows:>10}   ({stock_rows} of them stock; {})", per_table.join(", "));
    let line = |what: &str, took: f64, written: f64| {
        println!("  {what:<32}  {took:>10.2} s    {:>10.0} rows/s   {written:>6.0} MB written", rows as f64 / took);
    };
    line("first sync, end to end", took, written);
    line("bare rusqlite insert of its rows", bare_took, bare_written);
    line("the same into an encrypted cache", sealed_took, sealed_written);
    println!("  ratio (first sync / bare)         {:>10.2}   target at least 0.5", bare_took / took);
    println!("  ratio (first sync / encrypted)    {:>10.2}", sealed_took / took);
    println!("  peak memory during the sync       {peak:>10.0} MB  (was {before:.0} MB before; target under 200 MB)");
    Ok(())
}
