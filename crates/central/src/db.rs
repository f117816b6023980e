//! The central's database handle: SQLite in one file (one connection in WAL mode,
//! one writer at a time) or PostgreSQL (a pool of connections, shared by any number
//! of central instances). Storage code runs on blocking threads through
//! [`Db::call`], so the async runtime never waits on the database.

use crate::error::CentralError;
use crate::sql::{Announcement, Backend, Connection};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub type Result<T, E = CentralError> = std::result::Result<T, E>;

/// Each engine's migrations, in the same order: migration N of one has the same
/// effect as migration N of the other.
const SQLITE_MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_initial.sql"),
    include_str!("../migrations/sqlite/0002_channels.sql"),
    include_str!("../migrations/sqlite/0003_orders.sql"),
    include_str!("../migrations/sqlite/0004_customers.sql"),
    include_str!("../migrations/sqlite/0005_checksums.sql"),
    include_str!("../migrations/sqlite/0006_cancel_requests.sql"),
    include_str!("../migrations/sqlite/0007_customer_mode.sql"),
    include_str!("../migrations/sqlite/0008_appointments.sql"),
    include_str!("../migrations/sqlite/0009_public_booking.sql"),
    include_str!("../migrations/sqlite/0010_rooms.sql"),
    include_str!("../migrations/sqlite/0011_commerce.sql"),
    include_str!("../migrations/sqlite/0012_audit.sql"),
    include_str!("../migrations/sqlite/0013_service_order.sql"),
];

const POSTGRES_MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_initial.sql"),
    include_str!("../migrations/postgres/0002_channels.sql"),
    include_str!("../migrations/postgres/0003_orders.sql"),
    include_str!("../migrations/postgres/0004_customers.sql"),
    include_str!("../migrations/postgres/0005_checksums.sql"),
    include_str!("../migrations/postgres/0006_cancel_requests.sql"),
    include_str!("../migrations/postgres/0007_customer_mode.sql"),
    include_str!("../migrations/postgres/0008_appointments.sql"),
    include_str!("../migrations/postgres/0009_public_booking.sql"),
    include_str!("../migrations/postgres/0010_rooms.sql"),
    include_str!("../migrations/postgres/0011_commerce.sql"),
    include_str!("../migrations/postgres/0012_audit.sql"),
    include_str!("../migrations/postgres/0013_service_order.sql"),
];

/// Connections a central instance keeps to PostgreSQL unless told otherwise.
pub const DEFAULT_POOL_SIZE: usize = 8;

/// How often a transaction that lost a race is run again before giving up.
const RETRIES: u32 = 50;

/// Shared handle to the database.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Backend,
    idle: Mutex<Vec<Connection>>,
    returned: Condvar,
    /// Opens a replacement when a PostgreSQL connection dies.
    reopen: Option<Box<dyn Fn() -> anyhow::Result<Connection> + Send + Sync>>,
    /// Where the PostgreSQL database is, for the connection that listens for
    /// other instances' changes.
    postgres: Option<tokio_postgres::Config>,
    /// Bumped each time a commit announces a change of that kind, here or (heard
    /// through LISTEN) anywhere else: what an instance keeps in memory is good
    /// only while the epoch it was read at is current. Indexed as [`Announcement::ALL`].
    epochs: [AtomicU64; 2],
    /// Whether this instance is listening for the others' announcements now.
    listening: AtomicBool,
    /// A connection of its own for reading what the instance keeps in memory
    /// (PostgreSQL), so that reading never queues behind a busy pool.
    aside: Mutex<Option<Connection>>,
    /// Dropped after the connections: a test's own database.
    _scratch: Option<ScratchDatabase>,
}

/// The PostgreSQL channel on which every central instance announces a commit that
/// devices must see, so the others wake their long-polling devices.
pub const CHANGES_CHANNEL: &str = "vitrina_changes";

impl Db {
    /// Opens `target`: a `postgres://` or `postgresql://` URL, or a SQLite file.
    pub fn open_target(target: &str) -> anyhow::Result<Db> {
        if is_postgres_url(target) {
            Db::open_postgres(target, DEFAULT_POOL_SIZE)
        } else {
            Db::open(Path::new(target))
        }
    }

    /// Opens (creating and migrating) the SQLite database at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let mut raw = rusqlite::Connection::open(path)?;
        raw.pragma_update(None, "journal_mode", "WAL")?;
        raw.pragma_update(None, "synchronous", "NORMAL")?;
        raw.pragma_update(None, "foreign_keys", "ON")?;
        raw.busy_timeout(Duration::from_secs(10))?;
        raw.set_prepared_statement_cache_capacity(256);
        let current: i64 = raw.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (index, sql) in SQLITE_MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = raw.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(Db::with_connections(Backend::Sqlite, vec![Connection::sqlite(raw)], None, None))
    }

    /// Connects to PostgreSQL at `url` with `pool` connections and migrates it.
    /// Central instances sharing the database may start at the same time: one
    /// migrates while the others wait.
    pub fn open_postgres(url: &str, pool: usize) -> anyhow::Result<Db> {
        let config: tokio_postgres::Config = url.parse()?;
        Db::open_postgres_config(config, pool, None)
    }

    fn open_postgres_config(
        mut config: tokio_postgres::Config,
        pool: usize,
        scratch: Option<ScratchDatabase>,
    ) -> anyhow::Result<Db> {
        // A connection whose peer vanished (a server or network gone without a
        // word) is noticed within a minute, not the OS's default two hours.
        config.keepalives_idle(Duration::from_secs(30)).tcp_user_timeout(Duration::from_secs(60));
        let listen = config.clone();
        let connect = move || -> anyhow::Result<Connection> { Ok(crate::sql::connect_postgres(&config)?) };
        let first = connect()?;
        migrate_postgres(&first)?;
        let mut connections = vec![first];
        for _ in 1..pool.max(1) {
            connections.push(connect()?);
        }
        let mut db = Db::with_connections(Backend::Postgres, connections, Some(Box::new(connect)), scratch);
        if let Some(inner) = Arc::get_mut(&mut db.inner) {
            inner.postgres = Some(listen);
        }
        Ok(db)
    }

    fn with_connections(
        backend: Backend,
        connections: Vec<Connection>,
        reopen: Option<Box<dyn Fn() -> anyhow::Result<Connection> + Send + Sync>>,
        scratch: Option<ScratchDatabase>,
    ) -> Db {
        Db {
            inner: Arc::new(Inner {
                backend,
                idle: Mutex::new(connections),
                returned: Condvar::new(),
                reopen,
                postgres: None,
                epochs: [AtomicU64::new(0), AtomicU64::new(0)],
                listening: AtomicBool::new(false),
                aside: Mutex::new(None),
                _scratch: scratch,
            }),
        }
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// Runs `f` with a connection on a blocking thread (see [`Db::blocking`]).
    pub async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&mut Connection) -> Result<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.blocking(f)).await?
    }

    /// Runs `f` on a blocking thread with a connection kept aside from the pool
    /// (PostgreSQL; made on first use and again when lost), for the short reads of
    /// what an instance keeps in memory: with the pool busy they would otherwise
    /// wait behind every request in line. On SQLite, the pool's one connection.
    pub async fn call_aside<T, F>(&self, mut f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&mut Connection) -> Result<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let Some(reopen) = db.inner.reopen.as_ref() else { return db.blocking(f) };
            let mut aside = db.inner.aside.lock().unwrap_or_else(|p| p.into_inner());
            let conn = match aside.take() {
                Some(conn) if !conn.is_closed() => conn,
                _ => reopen().map_err(CentralError::Internal)?,
            };
            let conn = aside.insert(conn);
            let out = f(conn);
            db.heard(conn.take_announced());
            out
        })
        .await?
    }

    /// Runs `f` with a connection on the calling thread. When `f` fails because its
    /// transaction lost a race with another (PostgreSQL), it runs again: `f` must
    /// do its work in transactions it commits last.
    pub fn blocking<T>(&self, mut f: impl FnMut(&mut Connection) -> Result<T>) -> Result<T> {
        let mut lease = self.lease()?;
        let mut attempt = 0;
        loop {
            match f(lease.connection()) {
                Err(e) if attempt < RETRIES && e.is_retryable() => {
                    attempt += 1;
                    // Spread the retries of transactions that collided.
                    let jitter = rand::random::<u64>() % (2u64 << attempt.min(6));
                    std::thread::sleep(Duration::from_millis(jitter));
                }
                other => return other,
            }
        }
    }

    /// How many announcements of `what` this instance has heard of: from its own
    /// commits when their connection comes back to the pool, from every other
    /// writer through LISTEN (PostgreSQL).
    pub fn epoch(&self, what: Announcement) -> u64 {
        self.inner.epochs[Db::slot(what)].load(Ordering::SeqCst)
    }

    /// Whether every announcement made by any writer reaches this instance, so that
    /// what it keeps in memory can be trusted between two of them: PostgreSQL while
    /// the LISTEN connection is up. On SQLite the database is in the process, and
    /// another process writing to the file would go unheard: nothing is kept.
    pub fn hears_every_writer(&self) -> bool {
        self.inner.postgres.is_some() && self.inner.listening.load(Ordering::SeqCst)
    }

    fn slot(what: Announcement) -> usize {
        match what {
            Announcement::Changes => 0,
            Announcement::Devices => 1,
        }
    }

    fn heard(&self, bits: u8) {
        for what in Announcement::ALL {
            if bits & what.bit() != 0 {
                self.inner.epochs[Db::slot(what)].fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Calls `on_change` whenever a commit anywhere (another instance, this one,
    /// another process) announces a change devices pull, for as long as it answers
    /// `true`, after bumping the epoch of what was announced. Nothing to listen to
    /// on SQLite. A lost connection is made again, and `on_change` called once it
    /// listens again, for what was committed meanwhile; in between,
    /// [`Db::hears_every_writer`] is false.
    pub fn listen_for_changes(&self, on_change: impl Fn() -> bool + Send + Sync + 'static) {
        let Some(config) = self.inner.postgres.clone() else { return };
        // Weak: the listener must not keep the pool alive.
        let inner = Arc::downgrade(&self.inner);
        let heard = move |bits: u8, listening: bool| -> bool {
            let Some(inner) = inner.upgrade() else { return false };
            let db = Db { inner };
            db.heard(bits);
            db.inner.listening.store(listening, Ordering::SeqCst);
            true
        };
        let runtime = match crate::sql::postgres_runtime() {
            Ok(runtime) => runtime,
            Err(e) => {
                tracing::error!(error = %e, "can't listen for other instances' changes");
                return;
            }
        };
        runtime.spawn(async move {
            use futures_util::StreamExt;
            loop {
                match config.connect(tokio_postgres::NoTls).await {
                    Ok((client, mut connection)) => {
                        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                        let statement = format!("LISTEN {CHANGES_CHANNEL}");
                        let listen = client.batch_execute(&statement);
                        // The connection's messages must be read for LISTEN to complete.
                        let mut listen = std::pin::pin!(listen);
                        let listening = loop {
                            tokio::select! {
                                done = &mut listen => break done.is_ok(),
                                // An error or the end is final: never poll again.
                                message = messages.next() => if !matches!(message, Some(Ok(_))) { break false },
                            }
                        };
                        // Whatever was committed while nobody listened is caught up now.
                        if listening && !(heard(u8::MAX, true) && on_change()) {
                            return;
                        }
                        if listening {
                            while let Some(message) = messages.next().await {
                                match message {
                                    Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                                        let what = Announcement::from_payload(n.payload());
                                        if !heard(what.map_or(u8::MAX, Announcement::bit), true) {
                                            return;
                                        }
                                        if what != Some(Announcement::Devices) && !on_change() {
                                            return;
                                        }
                                    }
                                    Ok(_) => {}
                                    Err(e) => {
                                        tracing::warn!(error = %e, "listening for other instances' changes");
                                        break;
                                    }
                                }
                            }
                        }
                        if !heard(0, false) {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "connecting to listen for other instances' changes"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    fn lease(&self) -> Result<Lease<'_>> {
        let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(conn) = idle.pop() {
                drop(idle);
                let conn = match (&self.inner.reopen, conn.is_closed()) {
                    (Some(reopen), true) => match reopen() {
                        Ok(fresh) => fresh,
                        Err(e) => {
                            // Keep the slot: a later request tries again once the
                            // server is back, and the pool never shrinks to nothing.
                            self.inner.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
                            self.inner.returned.notify_one();
                            return Err(CentralError::Internal(e));
                        }
                    },
                    _ => conn,
                };
                return Ok(Lease { db: self, conn: Some(conn) });
            }
            idle = self.inner.returned.wait(idle).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A pooled connection, given back when dropped.
struct Lease<'a> {
    db: &'a Db,
    conn: Option<Connection>,
}

impl Lease<'_> {
    fn connection(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("a leased connection")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // After the work's commit: this instance's memory hears its own writes
            // before anyone is answered.
            self.db.heard(conn.take_announced());
            self.db.inner.idle.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
            self.db.inner.returned.notify_one();
        }
    }
}

pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// Arbitrary key of the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x0076_6974_7269_6e61;

fn migrate_postgres(conn: &Connection) -> anyhow::Result<()> {
    conn.execute("SELECT pg_advisory_lock(?1)", [MIGRATION_LOCK])?;
    let outcome = (|| -> anyhow::Result<()> {
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
        let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", (), |r| r.get(0))?;
        for (index, sql) in POSTGRES_MIGRATIONS.iter().enumerate().skip(current as usize) {
            conn.execute_batch("BEGIN")?;
            let applied = conn
                .execute_batch(sql)
                .and_then(|()| conn.execute("INSERT INTO schema_version (version) VALUES (?1)", [index as i64 + 1]));
            match applied {
                Ok(_) => conn.execute_batch("COMMIT")?,
                Err(e) => {
                    conn.execute_batch("ROLLBACK")?;
                    return Err(anyhow::anyhow!("PostgreSQL migration {}: {e}", index + 1));
                }
            }
        }
        Ok(())
    })();
    conn.execute("SELECT pg_advisory_unlock(?1)", [MIGRATION_LOCK])?;
    outcome
}

// ------------------------------------------------------------------ bulk copy

/// Rows sent in one COPY (or one run of prepared INSERTs), to bound the memory a
/// table's copy takes.
const COPY_ROWS: usize = 20_000;

impl Db {
    /// Copies every row of `source`, a SQLite database, into this one, which has
    /// the same schema: how a chain generated once through the storage code (the
    /// demo) reaches PostgreSQL by COPY instead of one statement per row. All or
    /// nothing; `None`, copying nothing, when this database already
    /// has locations (another instance started at the same time got there first).
    pub fn copy_rows_from(&self, source: &Db) -> Result<Option<u64>> {
        let tables: Vec<(String, Vec<String>)> = source.blocking(|conn| {
            // Creation order: a table comes after those its foreign keys name.
            let names: Vec<String> = conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
                )?
                .query_map((), |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut tables = Vec::new();
            for name in names {
                let columns = conn
                    .prepare(&format!("SELECT name FROM pragma_table_info('{name}') ORDER BY cid"))?
                    .query_map((), |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                tables.push((name, columns));
            }
            Ok(tables)
        })?;
        let mut copied = None;
        self.blocking(|target| {
            copied = None;
            // Instances starting together copy one at a time; the later ones then
            // find the rows there.
            let postgres = target.backend() == Backend::Postgres;
            if postgres {
                target.execute("SELECT pg_advisory_lock(?1)", [COPY_LOCK])?;
            }
            let outcome = copy_into(target, source, &tables);
            if postgres {
                target.execute("SELECT pg_advisory_unlock(?1)", [COPY_LOCK])?;
            }
            copied = outcome?;
            Ok(())
        })?;
        Ok(copied)
    }
}

/// Arbitrary key of the advisory lock held while copying a chain in.
const COPY_LOCK: i64 = 0x0076_6974_7269_6e62;

fn copy_into(target: &mut Connection, source: &Db, tables: &[(String, Vec<String>)]) -> Result<Option<u64>> {
    let existing: i64 = target.query_row("SELECT COUNT(*) FROM location", (), |r| r.get(0))?;
    if existing > 0 {
        return Ok(None);
    }
    let mut copied = 0u64;
    let tx = target.transaction()?;
    for (table, columns) in tables {
        let list = columns.join(", ");
        let rows: Vec<Vec<crate::sql::Value>> = source.blocking(|conn| {
            let mut stmt = conn.prepare(&format!("SELECT {list} FROM {table}"))?;
            let rows = stmt.query_map((), |r| (0..columns.len()).map(|i| r.get(i)).collect())?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        for chunk in rows.chunks(COPY_ROWS) {
            tx.copy_in(table, &names, chunk)?;
        }
        copied += rows.len() as u64;
    }
    if tx.backend() == Backend::Postgres {
        // Identity columns go on after the highest copied id.
        let identities: Vec<(String, String)> = tx
            .prepare(
                "SELECT table_name, column_name FROM information_schema.columns
                 WHERE is_identity = 'YES' AND table_schema = current_schema()",
            )?
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (table, column) in identities {
            tx.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
            ))?;
        }
    }
    tx.commit()?;
    Ok(Some(copied))
}

// ------------------------------------------------------------------ test databases

/// Where the tests' PostgreSQL is, when they run against it: a server URL whose
/// database the tests may create others beside.
pub const TEST_POSTGRES_ENV: &str = "VITRINA_TEST_POSTGRES";

/// A database made for one test and dropped with its [`Db`].
struct ScratchDatabase {
    admin: tokio_postgres::Config,
    name: String,
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let dropped = crate::sql::connect_postgres(&self.admin)
            .and_then(|admin| admin.execute_batch(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)));
        if let Err(e) = dropped {
            tracing::warn!(database = %self.name, error = %e, "dropping a test database");
        }
    }
}

impl Db {
    /// A new, empty PostgreSQL database on the server at `admin_url` (copied from
    /// `template` when given), dropped when the last handle to it is.
    pub fn create_scratch_postgres(admin_url: &str, template: Option<&str>) -> anyhow::Result<Db> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let admin: tokio_postgres::Config = admin_url.parse()?;
        let name = format!("vitrina_t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let client = crate::sql::connect_postgres(&admin)?;
        sweep_abandoned_databases(&client);
        let create = match template {
            Some(template) => format!("CREATE DATABASE {name} TEMPLATE {template}"),
            None => format!("CREATE DATABASE {name}"),
        };
        client.execute_batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        client.execute_batch(&create)?;
        let mut config = admin.clone();
        config.dbname(&name);
        Db::open_postgres_config(config, 2, Some(ScratchDatabase { admin, name }))
    }

    /// A second pool on the same PostgreSQL database, as another central instance
    /// (or the command line) would have.
    pub fn another_instance(&self) -> anyhow::Result<Db> {
        let config = self.inner.postgres.clone().ok_or_else(|| anyhow::anyhow!("only on PostgreSQL"))?;
        Db::open_postgres_config(config, 2, None)
    }

    /// The database's name on PostgreSQL (for copies of it), `None` on SQLite.
    pub fn postgres_name(&self) -> Option<String> {
        self.inner._scratch.as_ref().map(|s| s.name.clone())
    }

    /// Closes every idle connection now (PostgreSQL copies a database only when
    /// nobody is connected to it).
    pub fn close_connections(&self) {
        self.inner.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// Drops the test databases of test processes that are gone (killed before their
/// databases were dropped), once per process.
fn sweep_abandoned_databases(admin: &Connection) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        let names: Vec<String> = admin
            .prepare("SELECT datname FROM pg_database WHERE datname LIKE 'vitrina_t%'")
            .and_then(|mut stmt| stmt.query_map((), |r| r.get(0)))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default();
        for name in names {
            let pid = name.trim_start_matches("vitrina_t").split('_').next().and_then(|p| p.parse::<u32>().ok());
            let alive = pid.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                let _ = admin.execute_batch(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    });
}
