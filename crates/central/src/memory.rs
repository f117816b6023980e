//! What a central instance keeps in memory on PostgreSQL, so that the two things a
//! chain's tablets ask most never reach the database: whose token this is, and
//! whether there is anything new for cursors that already stand at their heads.
//!
//! Nothing here is trusted longer than the database would agree. Every commit that
//! changes what devices pull, or revokes a device, announces it in its own
//! transaction ([`crate::sql::Connection::announce`]); each instance bumps an epoch
//! when it hears one, from its own connections as they come back to the pool and
//! from everyone else (other instances, the command line) through LISTEN. What was
//! read at an older epoch is read again. While the LISTEN connection is down, and
//! always on SQLite (whose file another process could write unheard, and whose reads
//! cost microseconds anyway), nothing is kept and every request reads the database.
//!
//! Each entry also has an age limit, so the "confirmed as of" a pull answers is
//! never older than [`HEADS_FOR`], and a token checked more than [`DEVICES_FOR`] ago
//! is checked again.

use crate::db::Db;
use crate::error::CentralError;
use crate::storage::{self, ScopeHead};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use vitrina_protocol::{LocationRecord, ScopeCursor};

use crate::sql::Announcement;

/// The longest heads read from the database answer pulls.
pub const HEADS_FOR: Duration = Duration::from_secs(1);

/// The longest a checked token is taken without asking the database again.
pub const DEVICES_FOR: Duration = Duration::from_secs(60);

/// Tokens remembered at most; past it the memory starts over.
const MOST_DEVICES: usize = 100_000;

pub struct Memory {
    /// [`HEADS_FOR`] but in tests.
    heads_for: Duration,
    /// [`DEVICES_FOR`] but in tests.
    devices_for: Duration,
    heads: Mutex<Option<Arc<Heads>>>,
    /// One reading of the heads at a time.
    reading: tokio::sync::Mutex<()>,
    devices: Mutex<HashMap<String, KnownDevice>>,
}

/// Every scope's head and every location's country, as of one instant.
pub struct Heads {
    epoch: u64,
    read: Instant,
    /// The central's clock when they were read: a pull answered from them is
    /// confirmed as of then.
    pub server_time: DateTime<Utc>,
    scopes: HashMap<String, ScopeHead>,
    countries: HashMap<String, String>,
}

impl Heads {
    /// The answer to a pull whose every cursor is at its scope's head: nothing new.
    /// `None` when a scope has news, must be pulled again, or is one this memory
    /// can't tell the device may pull: the database answers those.
    pub fn answer(&self, store: &LocationRecord, cursors: &[ScopeCursor]) -> Option<storage::ServedResponse> {
        let in_country = |id: &str| self.countries.get(id).is_some_and(|c| *c == store.country);
        let scopes = cursors
            .iter()
            .map(|cursor| {
                if !storage::may_pull(store, &cursor.scope, in_country) {
                    return None;
                }
                let at = self.scopes.get(&cursor.scope).copied().unwrap_or_default();
                at.page_if_current(&cursor.scope, cursor.after)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(storage::ServedResponse { server_time: storage::rfc3339(self.server_time), scopes })
    }
}

#[derive(Clone)]
struct KnownDevice {
    epoch: u64,
    checked: Instant,
    device_id: String,
    store: LocationRecord,
}

impl Default for Memory {
    fn default() -> Memory {
        Memory::with_ages(HEADS_FOR, DEVICES_FOR)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Memory {
    pub fn with_ages(heads_for: Duration, devices_for: Duration) -> Memory {
        Memory {
            heads_for,
            devices_for,
            heads: Mutex::default(),
            reading: tokio::sync::Mutex::default(),
            devices: Mutex::default(),
        }
    }

    /// The heads as of no earlier than this call, read again when something was
    /// committed since or they are older than [`HEADS_FOR`] (when this call came).
    /// `None` when this instance can't hear every writer ([`Db::hears_every_writer`]).
    /// One request reads them at a time, on a connection of its own: those that
    /// find them stale meanwhile wait for the next reading, a millisecond or so,
    /// rather than all going to the database.
    pub async fn heads(&self, db: &Db) -> Result<Option<Arc<Heads>>, CentralError> {
        if !db.hears_every_writer() {
            return Ok(None);
        }
        // Any heads read at this epoch or later, and since this instant less the
        // age limit, saw every commit announced before this request.
        let wanted = db.epoch(Announcement::Changes);
        let asked = Instant::now();
        if let Some(heads) = self.fresh(wanted, asked) {
            return Ok(Some(heads));
        }
        let _reading = self.reading.lock().await;
        if let Some(heads) = self.fresh(wanted, asked) {
            return Ok(Some(heads));
        }
        // The epoch before the reading: a commit announced during it makes what is
        // read stale at once, though it may already show it.
        let epoch = db.epoch(Announcement::Changes);
        let read = Instant::now();
        let (server_time, scopes, countries) = db
            .call_aside(|conn| {
                let tx = conn.read_transaction()?;
                let server_time = storage::now();
                let scopes = storage::all_scope_heads(&tx)?;
                let countries = storage::location_countries(&tx)?;
                tx.commit()?;
                Ok((server_time, scopes, countries))
            })
            .await?;
        let heads = Arc::new(Heads { epoch, read, server_time, scopes, countries });
        *lock(&self.heads) = Some(heads.clone());
        Ok(Some(heads))
    }

    fn fresh(&self, wanted: u64, asked: Instant) -> Option<Arc<Heads>> {
        let heads = lock(&self.heads).clone()?;
        (heads.epoch >= wanted && heads.read + self.heads_for >= asked).then_some(heads)
    }

    /// The device and store of a token checked at the current epoch of revocations,
    /// less than [`DEVICES_FOR`] ago; `None` means ask the database.
    pub fn device(&self, db: &Db, token_hash: &str) -> Option<(String, LocationRecord)> {
        if !db.hears_every_writer() {
            return None;
        }
        let epoch = db.epoch(Announcement::Devices);
        let devices = lock(&self.devices);
        let known = devices.get(token_hash)?;
        (known.epoch == epoch && known.checked.elapsed() < self.devices_for)
            .then(|| (known.device_id.clone(), known.store.clone()))
    }

    /// Remembers a token the database vouched for; `epoch` is the revocations'
    /// epoch read before asking it.
    pub fn remember_device(&self, epoch: u64, token_hash: String, device_id: String, store: LocationRecord) {
        let mut devices = lock(&self.devices);
        if devices.len() >= MOST_DEVICES {
            devices.clear();
        }
        devices.insert(token_hash, KnownDevice { epoch, checked: Instant::now(), device_id, store });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Backend;
    use crate::testing::{demo_db, device_token, request, Caller};
    use crate::AppState;
    use axum::http::{Method, StatusCode};
    use serde_json::{json, Value};
    use vitrina_protocol::{inventory_scope, Record, SessionResponse};

    const STORE: &str = "CL-SCL-01";

    async fn call(
        app: &axum::Router,
        method: Method,
        uri: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        request(app, method, uri, Caller { bearer: Some(token), associate: None }, body.as_ref()).await
    }

    async fn pull(app: &axum::Router, token: &str, cursors: &[ScopeCursor]) -> vitrina_protocol::PullResponse {
        let (status, body) =
            call(app, Method::POST, "/v1/pull", token, Some(json!({"cursors": cursors, "limit": 100}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A change is read from JSON text (see `Change`); these tests look at heads
        // and records, not at the hashes of records as received.
        serde_json::from_str(&body.to_string()).unwrap()
    }

    /// The device's scopes, each at its head.
    async fn cursors_at_heads(app: &axum::Router, token: &str) -> Vec<ScopeCursor> {
        let (status, body) = call(app, Method::GET, "/v1/session", token, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let session: SessionResponse = serde_json::from_value(body).unwrap();
        let beyond: Vec<ScopeCursor> =
            session.scopes.iter().map(|s| ScopeCursor { scope: s.clone(), after: i64::MAX / 2 }).collect();
        let heads = pull(app, token, &beyond).await;
        heads.scopes.iter().map(|p| ScopeCursor { scope: p.scope.clone(), after: p.head }).collect()
    }

    /// A stock change in the store's inventory scope, committed through `db`.
    fn change_stock(db: &Db, on_hand: i64) {
        db.blocking(|conn| {
            let tx = conn.transaction()?;
            let sku: String =
                tx.query_row("SELECT sku FROM stock WHERE location_id = ?1 ORDER BY sku LIMIT 1", [STORE], |r| {
                    r.get(0)
                })?;
            let mut stock = storage::stock_of(&tx, &sku, STORE)?.expect("a stock row");
            stock.on_hand = on_hand;
            storage::record_upsert(&tx, &inventory_scope(STORE), &Record::Stock(stock))?;
            tx.commit()?;
            Ok(())
        })
        .unwrap();
    }

    /// Waits until `db` has heard `what` announced past `epoch` (at most 10 s).
    async fn heard_past(db: &Db, what: Announcement, epoch: u64) {
        let until = Instant::now() + Duration::from_secs(10);
        while db.epoch(what) <= epoch {
            assert!(Instant::now() < until, "the announcement never arrived");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn listening(db: &Db) {
        let until = Instant::now() + Duration::from_secs(10);
        while !db.hears_every_writer() {
            assert!(Instant::now() < until, "the instance never listened");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// An instance whose memory keeps things for as long as no commit says otherwise.
    fn patient(db: &Db) -> AppState {
        let mut state = AppState::new(db.clone());
        state.memory = Arc::new(Memory::with_ages(Duration::from_secs(600), Duration::from_secs(600)));
        state
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_pull_at_the_heads_is_answered_from_memory_until_a_commit_here_or_anywhere_else() {
        let (_dir, db) = demo_db();
        let state = patient(&db);
        let app = crate::app(state.clone());
        let token = device_token(&db, STORE);
        if db.backend() == Backend::Sqlite {
            assert!(state.memory.heads(&db).await.unwrap().is_none(), "nothing is kept on SQLite");
        } else {
            listening(&db).await;
        }
        let at_heads = cursors_at_heads(&app, &token).await;
        let quiet = pull(&app, &token, &at_heads).await;
        assert!(quiet.scopes.iter().all(|p| p.changes.is_empty() && p.remaining == 0 && p.checksum.is_some()));
        let remembered = state.memory.heads(&db).await.unwrap();
        if db.backend() == Backend::Postgres {
            let again = state.memory.heads(&db).await.unwrap().unwrap();
            assert!(Arc::ptr_eq(remembered.as_ref().unwrap(), &again), "nothing was committed: the same heads");
        }

        // Committed through this instance's pool, with no word to anyone: heard as
        // the connection comes back, so the next pull has it.
        let before = db.epoch(Announcement::Changes);
        change_stock(&db, 41);
        assert!(db.epoch(Announcement::Changes) > before);
        let news = pull(&app, &token, &at_heads).await;
        let inventory = news.scopes.iter().find(|p| p.scope == inventory_scope(STORE)).unwrap();
        assert_eq!(inventory.changes.len(), 1);
        let Some(vitrina_protocol::ChangeOp::Upsert { record }) = inventory.changes.first().map(|c| &c.op) else {
            panic!("a stock change: {inventory:?}")
        };
        let Record::Stock(stock) = record.as_ref() else { panic!("a stock change: {record:?}") };
        assert_eq!(stock.on_hand, 41);

        // Committed by another instance (or the command line) on PostgreSQL: heard
        // through LISTEN, and the next pull has it.
        if db.backend() == Backend::Postgres {
            let at_heads = cursors_at_heads(&app, &token).await;
            let before = db.epoch(Announcement::Changes);
            let other = db.another_instance().unwrap();
            change_stock(&other, 42);
            heard_past(&db, Announcement::Changes, before).await;
            let news = pull(&app, &token, &at_heads).await;
            let inventory = news.scopes.iter().find(|p| p.scope == inventory_scope(STORE)).unwrap();
            assert_eq!(inventory.changes.len(), 1, "{inventory:?}");
            assert_eq!(inventory.cursor, inventory.head);
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_remembered_token_is_refused_from_the_request_after_a_revocation_anywhere() {
        let (_dir, db) = demo_db();
        let state = AppState::new(db.clone());
        let app = crate::app(state.clone());
        let token = device_token(&db, STORE);
        if db.backend() == Backend::Postgres {
            listening(&db).await;
        }
        let (status, _) = call(&app, Method::GET, "/v1/session", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        let hash = storage::sha256_hex(&token);
        assert_eq!(state.memory.device(&db, &hash).is_some(), db.backend() == Backend::Postgres);

        // Revoked by another process (the command line, another instance; on SQLite
        // the same file).
        let before = db.epoch(Announcement::Devices);
        let writer = match db.backend() {
            Backend::Postgres => db.another_instance().unwrap(),
            Backend::Sqlite => db.clone(),
        };
        let t = token.clone();
        writer
            .blocking(move |conn| {
                let (device, _) = storage::device_by_token(conn, &t)?.expect("the device");
                let tx = conn.transaction()?;
                assert!(storage::revoke_device(&tx, &device, None, crate::audit::Audit::default())?);
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        if db.backend() == Backend::Postgres {
            heard_past(&db, Announcement::Devices, before).await;
        }
        assert!(state.memory.device(&db, &hash).is_none());
        let (status, body) = call(&app, Method::GET, "/v1/session", &token, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "device_revoked", "{body}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_stock_change_does_not_forget_tokens_and_a_revocation_does_not_forget_heads() {
        let (_dir, db) = demo_db();
        if db.backend() == Backend::Sqlite {
            assert!(!db.hears_every_writer());
            return;
        }
        let state = patient(&db);
        let app = crate::app(state.clone());
        let token = device_token(&db, STORE);
        listening(&db).await;
        let (status, _) = call(&app, Method::GET, "/v1/session", &token, None).await;
        assert_eq!(status, StatusCode::OK);
        let devices = db.epoch(Announcement::Devices);
        let changes = db.epoch(Announcement::Changes);
        change_stock(&db, 7);
        // Heard twice: as the connection came back, and through LISTEN.
        heard_past(&db, Announcement::Changes, changes + 1).await;
        assert_eq!(db.epoch(Announcement::Devices), devices);
        assert!(state.memory.device(&db, &storage::sha256_hex(&token)).is_some());

        let heads = state.memory.heads(&db).await.unwrap().unwrap();
        let changes = db.epoch(Announcement::Changes);
        let other = db.another_instance().unwrap();
        let victim = device_token(&db, STORE);
        let device = db.blocking(|conn| Ok(storage::device_by_token(conn, &victim)?.unwrap().0)).unwrap();
        let before = db.epoch(Announcement::Devices);
        other
            .blocking(|conn| {
                let tx = conn.transaction()?;
                storage::revoke_device(&tx, &device, None, crate::audit::Audit::default())?;
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        heard_past(&db, Announcement::Devices, before).await;
        assert_eq!(db.epoch(Announcement::Changes), changes);
        let again = state.memory.heads(&db).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&heads, &again));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn heads_are_read_again_once_older_than_their_age_limit() {
        let (_dir, db) = demo_db();
        if db.backend() == Backend::Sqlite {
            assert!(AppState::new(db.clone()).memory.heads(&db).await.unwrap().is_none());
            return;
        }
        let memory = Memory::with_ages(Duration::from_millis(200), Duration::from_millis(200));
        let _state = AppState::new(db.clone());
        listening(&db).await;
        let first = memory.heads(&db).await.unwrap().unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let later = memory.heads(&db).await.unwrap().unwrap();
        assert!(!Arc::ptr_eq(&first, &later));
        assert!(later.server_time > first.server_time, "confirmed as of a later time");
    }
}
