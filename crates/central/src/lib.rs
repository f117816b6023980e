//! Vitrina's central system: the authority on stock and the source every device
//! syncs from.
//!
//! `app(state)` builds the whole HTTP API; `main.rs` only parses arguments and
//! serves it. Architecture invariant: this crate never links the device's cache or
//! sync client; it shares only `vitrina-core` and `vitrina-protocol` with them.

pub mod appointments;
pub mod associates;
pub mod audit;
pub mod auth;
pub mod commerce;
pub mod db;
pub mod demo;
pub mod demo_commerce;
pub mod demo_data;
pub mod error;
#[cfg(test)]
mod fuzz_tests;
pub mod images;
pub mod memory;
pub mod movements;
pub mod public;
pub mod push;
pub mod routes;
#[cfg(test)]
mod security_tests;
pub mod seed;
pub mod sessions;
pub mod sql;
pub mod storage;
#[cfg(test)]
pub mod testing;

use axum::Router;
use std::sync::Arc;
use tokio::sync::watch;

pub use db::Db;
pub use error::CentralError;

/// State shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Bumped after every commit that devices must see; long-polls wait on it.
    changes: Arc<watch::Sender<u64>>,
    /// Tokens and heads kept between requests (PostgreSQL).
    pub memory: Arc<memory::Memory>,
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        let (changes, _) = watch::channel(0u64);
        let changes = Arc::new(changes);
        // Several instances over one PostgreSQL database: wake this one's devices
        // when another commits, until this state is gone.
        let weak = Arc::downgrade(&changes);
        db.listen_for_changes(move || match weak.upgrade() {
            Some(changes) => {
                changes.send_modify(|n| *n = n.wrapping_add(1));
                true
            }
            None => false,
        });
        AppState { db, changes, memory: Arc::default() }
    }

    /// Wakes this instance's long-polling devices after a commit. The other
    /// instances hear of it from the commit itself ([`sql::Connection::announce`]).
    pub fn notify_changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn subscribe_changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

/// The central's HTTP API.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// The API with other limits on the endpoints that take a secret (enrollment codes,
/// PINs), per client address.
pub fn app_with(state: AppState, secret_rate: public::RateConfig) -> Router {
    routes::router_with(state, secret_rate)
}
