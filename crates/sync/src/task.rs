//! The background sync task: keeps the cache current while the app runs.
//!
//! Loop: catch up page by page; once current, long-poll so that a change at the
//! central arrives within moments; on a transport failure report "offline" and retry
//! with exponential backoff and jitter; a local nudge ([`SyncHandle::sync_now`], a
//! new enrollment) cuts the wait short. Errors that retrying can't fix (a revoked
//! token, an outdated app) stop the loop until the next nudge.

use crate::{apply_response, lock, pull_until_current, push_pending, Client, Progress, SyncError, PAGE_SIZE};
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use vitrina_protocol::PullRequest;
use vitrina_store::Store;

/// How long a pull waits at the central for news once the cache is current.
const LONG_POLL_MS: u32 = 20_000;
const BACKOFF_MIN: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Current, waiting for news.
    Idle,
    /// The first pull of a newly enrolled device; the cache is not usable yet.
    FirstSync,
    /// Catching up.
    Syncing,
    /// The central can't be reached; the cache is shown as last known.
    Offline,
    /// Stopped on an error retrying can't fix.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub phase: Phase,
    pub online: bool,
    pub progress: Option<Progress>,
    /// Server time of the last pull that reached the head (RFC 3339).
    pub last_synced_at: Option<String>,
    pub error: Option<SyncError>,
    /// Commands made here that the central has not answered yet.
    pub pending: u64,
}

impl Status {
    fn initial(last_synced_at: Option<String>) -> Status {
        Status { phase: Phase::Syncing, online: false, progress: None, last_synced_at, error: None, pending: 0 }
    }
}

/// Control of a running sync task.
#[derive(Clone)]
pub struct SyncHandle {
    status: watch::Receiver<Status>,
    wake: Arc<Notify>,
}

impl SyncHandle {
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Ends any wait and syncs now: after a local command, or when the associate asks.
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// A receiver that sees every status change.
    pub fn watch(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }
}

/// Starts the sync task on the current tokio runtime.
pub fn spawn(store: Arc<Mutex<Store>>) -> SyncHandle {
    let last = lock(&store).oldest_confirmation().ok().flatten();
    let (tx, rx) = watch::channel(Status::initial(last));
    let wake = Arc::new(Notify::new());
    let handle = SyncHandle { status: rx, wake: Arc::clone(&wake) };
    tokio::spawn(run(store, tx, wake));
    handle
}

async fn run(store: Arc<Mutex<Store>>, status: watch::Sender<Status>, wake: Arc<Notify>) {
    let mut backoff = BACKOFF_MIN;
    loop {
        let stored = lock(&store).enrollment();
        let enrollment = match stored {
            Ok(Some(e)) => e,
            Ok(None) => {
                status.send_modify(|s| {
                    s.phase = Phase::Idle;
                    s.progress = None;
                });
                wake.notified().await;
                continue;
            }
            Err(e) => {
                fail(&status, SyncError::from(e));
                wake.notified().await;
                continue;
            }
        };
        let client = match Client::new(&enrollment.central_url) {
            Ok(c) => c.with_token(&enrollment.token),
            Err(e) => {
                fail(&status, e);
                wake.notified().await;
                continue;
            }
        };
        match follow(&store, &client, &status, &wake).await {
            Ok(()) => backoff = BACKOFF_MIN,
            Err(e) if e.is_transient() => {
                let pending = lock(&store).pending_count().unwrap_or(0).max(0) as u64;
                tracing::info!(error = %e, retry_in_ms = backoff.as_millis() as u64, "central unreachable");
                status.send_modify(|s| {
                    s.phase = Phase::Offline;
                    s.online = false;
                    s.pending = pending;
                    s.progress = None;
                    s.error = Some(e.clone());
                });
                let jittered = backoff.mul_f64(rand::thread_rng().gen_range(0.5..1.0));
                tokio::select! {
                    _ = tokio::time::sleep(jittered) => {}
                    _ = wake.notified() => {}
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
            Err(e) => {
                tracing::warn!(error = %e, "sync stopped");
                fail(&status, e);
                wake.notified().await;
            }
        }
    }
}

fn fail(status: &watch::Sender<Status>, error: SyncError) {
    status.send_modify(|s| {
        s.phase = Phase::Error;
        s.progress = None;
        s.error = Some(error);
    });
}

fn report_pending(store: &Arc<Mutex<Store>>, status: &watch::Sender<Status>) {
    let pending = lock(store).pending_count().unwrap_or(0).max(0) as u64;
    status.send_if_modified(|s| {
        let changed = s.pending != pending;
        s.pending = pending;
        changed
    });
}

/// Catches up, then long-polls until an error ends it.
async fn follow(
    store: &Arc<Mutex<Store>>,
    client: &Client,
    status: &watch::Sender<Status>,
    wake: &Notify,
) -> Result<(), SyncError> {
    let first = lock(store).oldest_confirmation()?.is_none();
    status.send_modify(|s| {
        s.phase = if first { Phase::FirstSync } else { Phase::Syncing };
        s.progress = None;
    });
    let server_time = |store: &Arc<Mutex<Store>>| lock(store).oldest_confirmation().ok().flatten();
    pull_until_current(store, client, |p| {
        status.send_modify(|s| {
            s.online = true;
            s.error = None;
            s.progress = Some(p);
        });
    })
    .await?;
    report_pending(store, status);
    status.send_modify(|s| {
        s.phase = Phase::Idle;
        s.online = true;
        s.progress = None;
        s.error = None;
        s.last_synced_at = server_time(store);
    });
    loop {
        if push_pending(store, client).await? > 0 {
            report_pending(store, status);
        }
        let cursors = lock(store).cursors()?;
        let request = PullRequest { cursors, limit: PAGE_SIZE, wait_ms: LONG_POLL_MS };
        // A local command (or "sync now") ends the long-poll at once so it is sent
        // without waiting for news from the central.
        let response = tokio::select! {
            response = client.pull(&request) => response?,
            _ = wake.notified() => {
                report_pending(store, status);
                continue;
            }
        };
        let (applied, remaining, resync) = apply_response(store, &response)?;
        if resync {
            // A scope was reset: catch up again from the top, with progress.
            return Ok(());
        }
        status.send_modify(|s| {
            s.phase = if remaining > 0 { Phase::Syncing } else { Phase::Idle };
            s.online = true;
            s.error = None;
            s.last_synced_at = server_time(store);
        });
        if applied > 0 {
            tracing::debug!(applied, "changes applied");
        }
    }
}
