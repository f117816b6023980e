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
use vitrina_protocol::{PullRequest, PullResponse, PushRequest, ScopeCursor, ScopeStatus};
use vitrina_store::Store;

/// Changes per pull request (the central answers at most 20,000, and at most
/// about 4 MB of records).
pub const PAGE_SIZE: u32 = 20_000;

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
    let mut puller = Puller::default();
    loop {
        let (applied, remaining, resync) = puller.round(store, client, 0).await?;
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

/// Pulls page after page, the next pages asked for while the last one is applied:
/// a fetcher task asks for each page as soon as it has read the one before, and
/// holds one read page ready, so the central's reading, the network and the
/// reading of JSON overlap the cache's writing. A page fetched ahead is used only
/// if the cache's cursors, once the last page is in, are exactly those it was
/// asked for (a scope reset or a wake in between throws the fetcher away).
#[derive(Default)]
pub(crate) struct Puller {
    /// The fetcher, and the cursors its next answer is asked for.
    fetcher: Option<(Vec<ScopeCursor>, Fetcher)>,
    /// A page being applied; a round cancelled meanwhile (a wake) leaves it here,
    /// and the next round waits for it before reading the cursors.
    applying: Option<tokio::task::JoinHandle<Result<Applied, SyncError>>>,
}

/// What applying a response did: (changes applied, changes still remaining,
/// whether a scope was reset).
type Applied = (u64, u64, bool);

/// Pages fetched ahead, each with the cursors it was asked for.
struct Fetcher {
    pages: tokio::sync::mpsc::Receiver<(Vec<ScopeCursor>, Result<PullResponse, SyncError>)>,
    task: tokio::task::JoinHandle<()>,
}

impl Fetcher {
    /// Fetches from `cursors` on, page after page, while pages remain; one page
    /// waits ready while the one before is applied.
    fn start(client: &Client, cursors: Vec<ScopeCursor>) -> Fetcher {
        let (send, pages) = tokio::sync::mpsc::channel(1);
        let client = client.clone();
        let task = tokio::spawn(async move {
            let mut cursors = cursors;
            let mut body = Vec::new();
            loop {
                let asked = PullRequest { cursors: cursors.clone(), limit: PAGE_SIZE, wait_ms: 0 };
                let answer = client.pull_into(&asked, &mut body).await;
                let next = answer.as_ref().ok().filter(|r| more_to_pull(r)).map(|r| advanced(&cursors, r));
                if send.send((cursors, answer)).await.is_err() {
                    return;
                }
                match next {
                    Some(next) => cursors = next,
                    None => return,
                }
            }
        });
        Fetcher { pages, task }
    }
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Whether a scope of `response` has changes left after it.
fn more_to_pull(response: &PullResponse) -> bool {
    response.scopes.iter().any(|p| p.status == ScopeStatus::Ok && p.remaining > 0)
}

impl Puller {
    /// One page of every scope, applied: (changes applied, changes still
    /// remaining, whether a scope was reset). `wait_ms` > 0 is a long-poll.
    pub(crate) async fn round(
        &mut self,
        store: &Arc<Mutex<Store>>,
        client: &Client,
        wait_ms: u32,
    ) -> Result<(u64, u64, bool), SyncError> {
        if let Some(earlier) = self.applying.as_mut() {
            // Its outcome was for a round that is over; the cursors tell the rest.
            // It is let go only once done, so a round cancelled here again still
            // waits for it next time.
            let _ = earlier.await;
            self.applying = None;
        }
        let cursors = lock(store).cursors()?;
        // A fetcher asking from elsewhere than the cache stands (a reset, a wake) is
        // dropped at once, without waiting for what it is fetching.
        if self.fetcher.as_ref().is_some_and(|(next, _)| *next != cursors) || wait_ms > 0 {
            self.fetcher = None;
        }
        let fetched = match self.fetcher.as_mut() {
            Some((_, fetcher)) => fetcher.pages.recv().await,
            None => None,
        };
        let response = match fetched {
            Some((asked, answer)) if asked == cursors => match answer {
                Ok(response) => response,
                Err(e) => {
                    self.fetcher = None;
                    return Err(e);
                }
            },
            _ => {
                // Nothing fetched ahead, or not from where the cache stands.
                self.fetcher = None;
                client.pull(&PullRequest { cursors: cursors.clone(), limit: PAGE_SIZE, wait_ms }).await?
            }
        };
        let next = advanced(&cursors, &response);
        match self.fetcher.as_mut() {
            Some((expected, _)) => *expected = next,
            None if more_to_pull(&response) => {
                self.fetcher = Some((next.clone(), Fetcher::start(client, next)));
            }
            None => {}
        }
        let store = Arc::clone(store);
        let applying = self.applying.insert(tokio::task::spawn_blocking(move || apply_response(&store, &response)));
        let outcome = applying.await;
        self.applying = None;
        outcome.map_err(|e| SyncError::Store(format!("applying a page: {e}")))?
    }
}

/// The cursors `cursors` become once `response` is applied without a reset.
fn advanced(cursors: &[ScopeCursor], response: &PullResponse) -> Vec<ScopeCursor> {
    cursors
        .iter()
        .map(|c| match response.scopes.iter().find(|p| p.scope == c.scope) {
            Some(page) if page.status == ScopeStatus::Ok => ScopeCursor { scope: c.scope.clone(), after: page.cursor },
            Some(_) => ScopeCursor { scope: c.scope.clone(), after: 0 },
            None => c.clone(),
        })
        .collect()
}

/// Applies a pull response: (changes applied, changes still remaining, whether a
/// scope asked for a resync).
pub(crate) fn apply_response(
    store: &Arc<Mutex<Store>>,
    response: &vitrina_protocol::PullResponse,
) -> Result<(u64, u64, bool), SyncError> {
    let outcomes = lock(store).apply_pages(&response.scopes, &response.server_time)?;
    let applied = response.scopes.iter().map(|page| page.changes.len() as u64).sum();
    let remaining = response.scopes.iter().map(|page| page.remaining.max(0) as u64).sum();
    let resync = outcomes.contains(&vitrina_store::PageOutcome::Reset);
    Ok((applied, remaining, resync))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrina_protocol::ScopePage;

    fn page(scope: &str, status: ScopeStatus, cursor: i64) -> ScopePage {
        ScopePage {
            scope: scope.into(),
            status,
            changes: Vec::new(),
            cursor,
            head: 100,
            remaining: 100 - cursor,
            checksum: None,
        }
    }

    #[test]
    fn the_page_asked_ahead_starts_where_the_last_one_leaves_each_scope() {
        let cursor = |scope: &str, after: i64| ScopeCursor { scope: scope.into(), after };
        let sent = vec![cursor("catalog", 10), cursor("inventory:A", 40), cursor("inventory:B", 7)];
        let response = PullResponse {
            server_time: "2026-11-24T10:00:00Z".into(),
            scopes: vec![page("catalog", ScopeStatus::Ok, 60), page("inventory:A", ScopeStatus::ResyncRequired, 0)],
        };
        assert_eq!(
            advanced(&sent, &response),
            vec![cursor("catalog", 60), cursor("inventory:A", 0), cursor("inventory:B", 7)],
            "moved on, started again, and left as it was"
        );
    }
}
