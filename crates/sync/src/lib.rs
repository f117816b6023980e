//! The device's sync client: enrollment, pulling the device's scopes page by page,
//! and a background task that keeps the cache current.
//!
//! [`Client`] is the HTTP transport (reqwest); [`pull_until_current`] brings the
//! cache up to the central's head; [`spawn`] runs the long-lived loop with long-poll,
//! backoff and online/offline detection, reporting [`Status`] as it goes.
//!
//! Invariant: a page and its cursor are applied by the cache in one transaction, so a
//! pull interrupted anywhere resumes from the last applied page.

mod client;
pub mod engine;
pub mod images;
mod task;

pub use client::{Client, SyncError};
pub use images::{fetch_images, missing_images, ImageCache};
pub use task::{spawn, Phase, Status, SyncHandle};

use std::sync::{Arc, Mutex};
use vitrina_protocol::{PullRequest, PushRequest};
use vitrina_store::Store;

/// Changes per pull request.
pub const PAGE_SIZE: u32 = 2_000;

/// How far a pull has come: changes applied and changes known in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// Locks the cache; a panic elsewhere must not make it unusable.
pub(crate) fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Mutations per push request.
pub const PUSH_BATCH: usize = 100;

/// Sends every pending command to the central and records its answers. Answers how
/// many were answered. A rejection is recorded with its command (for the associate
/// to resolve), never retried, and never blocks the commands after it.
pub async fn push_pending(store: &Arc<Mutex<Store>>, client: &Client) -> Result<u64, SyncError> {
    let mut answered = 0u64;
    loop {
        let mutations = lock(store).pending_mutations(PUSH_BATCH)?;
        let Some(first) = mutations.first().map(|m| m.counter) else {
            return Ok(answered);
        };
        let response = client.push(&PushRequest { mutations }).await?;
        let now = response_time();
        lock(store).record_push(&response, &now)?;
        answered += response.results.len() as u64;
        if response.results.is_empty() {
            // The central expects an earlier counter than any this device still has:
            // its queue and this cache disagree, which retrying can't fix.
            return Err(SyncError::Protocol(format!(
                "central expects counter {}, the oldest pending is {first}",
                response.next_counter
            )));
        }
    }
}

fn response_time() -> String {
    // Local receipt time, for the device's own record only; the central orders by arrival.
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Pulls every scope of the device until the cache holds the central's head,
/// reporting progress after each page. Answers the number of changes applied.
pub async fn pull_until_current(
    store: &Arc<Mutex<Store>>,
    client: &Client,
    mut progress: impl FnMut(Progress),
) -> Result<u64, SyncError> {
    // Queued commands go first: even a device that must update delivers every sale
    // it made before being told so.
    push_pending(store, client).await?;
    let session = client.session().await?;
    lock(store).subscribe(&session.scopes)?;
    let mut done = 0u64;
    let mut resets = 0u32;
    loop {
        let cursors = lock(store).cursors()?;
        let response = client.pull(&PullRequest { cursors, limit: PAGE_SIZE, wait_ms: 0 }).await?;
        let (applied, remaining, resync) = apply_response(store, &response)?;
        done += applied;
        progress(Progress { done, total: done + remaining });
        if remaining == 0 && !resync {
            return Ok(done);
        }
        if resync {
            resets += 1;
            if resets > engine::MAX_RESETS {
                return Err(SyncError::Diverged);
            }
        }
    }
}

/// Applies a pull response: (changes applied, changes still remaining, whether a
/// scope asked for a resync).
pub(crate) fn apply_response(
    store: &Arc<Mutex<Store>>,
    response: &vitrina_protocol::PullResponse,
) -> Result<(u64, u64, bool), SyncError> {
    let mut applied = 0u64;
    let mut remaining = 0u64;
    let mut resync = false;
    let mut guard = lock(store);
    for page in &response.scopes {
        let outcome = guard.apply_page(page, &response.server_time)?;
        applied += page.changes.len() as u64;
        remaining += page.remaining.max(0) as u64;
        resync |= outcome == vitrina_store::PageOutcome::Reset;
    }
    Ok((applied, remaining, resync))
}
