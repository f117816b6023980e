//! The device's local SQLite cache.
//!
//! It holds what the device has pulled from the central (catalog, locations,
//! safety rules, its region's inventory), the device's enrollment, and the cursor of
//! every pulled scope. Reads for the UI (search, barcode, product availability) are
//! answered from here, online or offline.
//!
//! Invariants:
//! - A pulled page and its scope cursor are applied in one transaction: after a crash
//!   the cache is at the old cursor or the new one, never between.
//! - Schema changes are numbered migrations in `migrations/`, embedded in the binary
//!   and applied in order; `schema.sql` is the snapshot they must produce.
//! - Availability figures come from `vitrina_core::availability`, the same rule
//!   the central applies.

mod apply;
mod appointments;
mod commerce;
mod customer_mode;
mod key;
mod migrate;
mod orders;
mod outbox;
mod query;
pub mod views;

use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use vitrina_protocol::LocationRecord;

pub use apply::PageOutcome;
pub use appointments::*;
pub use commerce::*;
pub use customer_mode::*;
pub use key::CacheKey;
pub use migrate::MIGRATIONS;
pub use orders::*;
pub use outbox::{LocalOrder, NewOrder};
pub use views::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("the device is not enrolled")]
    NotEnrolled,
    #[error("not found")]
    NotFound,
    #[error("invalid barcode: {0}")]
    Barcode(#[from] vitrina_core::GtinError),
    #[error("the cache can't be read with this device's key")]
    WrongKey,
    #[error("the cache was written by a newer version (schema {found}, this build knows {known})")]
    TooNew { found: i64, known: i64 },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The device's enrollment: which central, which store, and the device's credentials.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Enrollment {
    pub central_url: String,
    pub device_id: String,
    pub token: String,
    pub store: LocationRecord,
}

/// An open cache. One connection, owned; callers share it behind their own lock.
pub struct Store {
    conn: Connection,
    /// The associate signed in on the device: every command queued is theirs.
    acting: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the cache at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        Self::from_connection(conn)
    }

    /// A cache in memory, for tests and tools.
    pub fn open_in_memory() -> Result<Store> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(mut conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 32 MiB of pages (SQLite's default is 2 MiB): an encrypted page read again
        // is decrypted and authenticated again, so a first sync that outgrows the
        // cache spends its time re-reading its own B-trees.
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::migrate(&mut conn)?;
        Ok(Store { conn, acting: None })
    }

    /// Who the commands queued from now on are attributed to (None once nobody is
    /// signed in). Kept in memory only: a restart signs everyone out.
    pub fn set_acting_associate(&mut self, associate_id: Option<String>) {
        self.acting = associate_id;
    }

    /// The associate commands are attributed to now, if any.
    pub fn acting_associate(&self) -> Option<&str> {
        self.acting.as_deref()
    }

    pub fn enrollment(&self) -> Result<Option<Enrollment>> {
        let raw: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'enrollment'", [], |r| r.get(0)).optional()?;
        raw.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()
    }

    pub fn save_enrollment(&self, enrollment: &Enrollment) -> Result<()> {
        let json = serde_json::to_string(enrollment).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('enrollment', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json],
        )?;
        Ok(())
    }

    /// The store this device belongs to.
    pub fn home(&self) -> Result<LocationRecord> {
        Ok(self.enrollment()?.ok_or(StoreError::NotEnrolled)?.store)
    }

    /// Raw access for tests and benchmarks in this workspace.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests;

/// A time as the cache stores it: RFC 3339 in UTC with milliseconds.
pub(crate) fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
