//! A tablet's first sync of a seeded chain, against the physical limit of this
//! machine: a bare rusqlite bulk insert of the same rows (every row the sync wrote
//! to the cache's data tables: stock, products, their variants and search index,
//! locations, ...) into tables of the same shape (one prepared INSERT per table, one
//! transaction, the cache's pragmas), and the same insert into an empty encrypted
//! cache of the app's own, measured in the same run; and the process's peak memory
//! while the tablet syncs. Three tablets sync one after the other, each into a
//! cache of its own; as each baseline is the best of three runs, so is the sync.
//! The ratios are of times: the bare insert's over the sync's, end to end.
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

/// The CPU seconds process `pid` ("self" for this one) has used so far, user and
/// system time together.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command's name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    // utime and stime, fields 14 and 15 of the line: 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Writes every dirty page to disk first (the seeding leaves a gigabyte of the
/// central's database for the kernel to write back), so no measured phase pays
/// for the writing of another.
fn settle() {
    let _ = std::process::Command::new("sync").status();
}

/// The tablets that sync one after the other, each into a cache of its own.
const TABLETS: usize = 3;

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
/// an enrollment code for each tablet, prints `url locations products stock_rows
/// codes…`, and serves.
async fn serve(dir: std::path::PathBuf) -> anyhow::Result<()> {
    let stores = setting("VITRINA_BENCH_STORES", 12);
    let products = setting("VITRINA_BENCH_PRODUCTS", 500);
    let db = Db::open(&dir.join("central.db"))?;
    let plan = Plan::new(SeedSpec { stores, products, assortment: 25 });
    let seeded = db.clone();
    let summary = tokio::task::spawn_blocking(move || vitrina_central::seed::seed(&seeded, &plan, &|_| {}))
        .await?
        .context("seeding the chain")?;
    let mut codes = Vec::new();
    for _ in 0..TABLETS {
        codes.push(db.call(|conn| storage::mint_enrollment_code(conn, STORE, chrono::Duration::hours(1))).await?);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("{url} {} {} {} {}", summary.locations, summary.products, summary.stock_rows, codes.join(" "));
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

/// One tablet's first sync, measured.
#[derive(Clone, Copy)]
struct SyncRun {
    applied: u64,
    /// Seconds, end to end.
    took: f64,
    /// The process's high-water mark during the sync, and its resident size
    /// before, in MB.
    peak: f64,
    before: f64,
    /// MB the process wrote.
    written: f64,
    /// CPU seconds of the tablet's process and of the central's.
    tablet_cpu: f64,
    central_cpu: f64,
}

/// Enrols a tablet with `code` and runs its first sync into a new encrypted cache
/// at `path`; answers the cache, synced, and what the sync took.
async fn first_sync(
    url: &str,
    code: &str,
    path: &std::path::Path,
    central_pid: &str,
) -> anyhow::Result<(Store, SyncRun)> {
    let store = Store::open_encrypted(path, &CacheKey::generate())?;
    let client = vitrina_sync::Client::new(url)?;
    let enrolled = client.enroll(code, "bench tablet").await?;
    let client = client.with_token(&enrolled.token);
    store.save_enrollment(&Enrollment {
        central_url: url.to_owned(),
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
    let (tablet_cpu, central_cpu) = (cpu_seconds("self"), cpu_seconds(central_pid));
    let started = Instant::now();
    let applied = vitrina_sync::pull_until_current(&store, &client, |_| {}).await?;
    let took = started.elapsed().as_secs_f64();
    let peak = status_mb("VmHWM:");
    let written = written_mb() - written_before;
    let (tablet_cpu, central_cpu) = (cpu_seconds("self") - tablet_cpu, cpu_seconds(central_pid) - central_cpu);
    let store = Arc::into_inner(store)
        .context("the cache is still shared")?
        .into_inner()
        .map_err(|_| anyhow::anyhow!("the cache's lock is poisoned"))?;
    Ok((store, SyncRun { applied, took, peak, before, written, tablet_cpu, central_cpu }))
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
    let central_pid = child.id().to_string();
    let _central = Central(child);
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [url, locations, products, stock_rows_at_central, codes @ ..] = &fields[..] else {
        anyhow::bail!("the central said {line:?}");
    };

    // Three tablets enrol and sync one after the other, each into a cache of its
    // own; the best of the three is set against the best of the baselines'.
    let mut runs = Vec::new();
    let mut synced = None;
    for (run, code) in codes.iter().enumerate() {
        drop(synced.take());
        let (store, measured) =
            first_sync(url, code, &dir.path().join(format!("vitrina-{run}.db")), &central_pid).await?;
        synced = Some(store);
        runs.push(measured);
    }
    let store = synced.context("no tablet synced")?;
    if runs.iter().any(|r| r.applied != runs[0].applied) {
        anyhow::bail!("the tablets applied different numbers of changes");
    }
    let best = runs.iter().min_by(|a, b| a.took.total_cmp(&b.took)).context("no tablet synced")?;
    let SyncRun { applied, took, written, tablet_cpu, central_cpu, .. } = *best;
    // The memory is the first tablet's: the later ones start in a process that
    // has already held a sync's memory.
    let SyncRun { peak, before, .. } = runs[0];

    // The same rows, inserted bare: every table the first sync wrote.
    let (tables, ddl) = synced_rows(store.connection())?;
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
    for (run, r) in runs.iter().enumerate() {
        println!(
            "  tablet {}'s first sync                {:>10.2} s    peak memory {:>4.0} MB",
            run + 1,
            r.took,
            r.peak
        );
    }
    line("first sync, end to end (best)", took, written);
    line("bare rusqlite insert of its rows", bare_took, bare_written);
    line("the same into an encrypted cache", sealed_took, sealed_written);
    println!("  ratio (first sync / bare)         {:>10.2}   target at least 0.5", bare_took / took);
    println!("  ratio (first sync / encrypted)    {:>10.2}", sealed_took / took);
    println!("  CPU time during the sync          {tablet_cpu:>10.2} s tablet, {central_cpu:.2} s central (2 cores: at most {:.2} s)", 2.0 * took);
    println!("  peak memory during the first sync {peak:>10.0} MB  (was {before:.0} MB before; target under 200 MB)");
    Ok(())
}
