//! The background sync task: the driver of [`crate::engine`]. It performs each
//! instruction (connect, push, pull or long-poll, back off with jitter, wait) with
//! reqwest and the cache, and feeds the outcome back as an event. A local nudge
//! ([`SyncHandle::sync_now`]: a command made here, "sync now", an enrollment) ends a
//! long-poll or a backoff at once.

use crate::engine::{Engine, Event, Instruction};
use crate::images::{fetch_images, missing_images, ImageCache};
use crate::{lock, push_pending, Client, Progress, Puller, SyncError};
use rand::Rng;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};
use vitrina_store::Store;

pub use crate::engine::{Phase, Status};

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

/// Starts the sync task on the current tokio runtime. With an image cache, the
/// catalog's pictures are fetched into it whenever the cache is current.
pub fn spawn(store: Arc<Mutex<Store>>, images: Option<ImageCache>) -> SyncHandle {
    let (last, pending) = {
        let guard = lock(&store);
        (guard.oldest_confirmation().ok().flatten(), guard.pending_count().unwrap_or(0).max(0) as u64)
    };
    let engine = Engine::new(last, pending);
    let (tx, rx) = watch::channel(engine.status().clone());
    let wake = Arc::new(Notify::new());
    let handle = SyncHandle { status: rx, wake: Arc::clone(&wake) };
    tokio::spawn(run(store, images, engine, tx, wake));
    handle
}

/// What the cache says when the task is woken.
fn woken(store: &Arc<Mutex<Store>>) -> Event {
    let guard = lock(store);
    match guard.enrollment() {
        Ok(Some(_)) => Event::Woken {
            enrolled: true,
            ever_synced: guard.oldest_confirmation().ok().flatten().is_some(),
            pending: guard.pending_count().unwrap_or(0).max(0) as u64,
        },
        Ok(None) => Event::Woken { enrolled: false, ever_synced: false, pending: 0 },
        Err(e) => Event::Failed(SyncError::from(e)),
    }
}

/// The driver: performs each instruction of the engine and feeds back the outcome.
async fn run(
    store: Arc<Mutex<Store>>,
    images: Option<ImageCache>,
    mut engine: Engine,
    status: watch::Sender<Status>,
    wake: Arc<Notify>,
) {
    let mut event = woken(&store);
    let mut client: Option<Client> = None;
    let mut done = 0u64;
    let mut puller = Puller::default();
    loop {
        if matches!(event, Event::Failed(SyncError::Revoked)) {
            // A manager revoked this device (lost, stolen): nothing it holds stays.
            forget_everything(&store, images.as_ref());
            client = None;
            // Nor do the answers fetched ahead.
            puller = Puller::default();
        }
        let instruction = engine.handle(event);
        publish(&status, &engine);
        event = match instruction {
            Instruction::WaitForWake => {
                wake.notified().await;
                woken(&store)
            }
            Instruction::Backoff(base) => {
                let jittered = base.mul_f64(rand::thread_rng().gen_range(0.5..1.0));
                tracing::info!(retry_in_ms = jittered.as_millis() as u64, "central unreachable");
                tokio::select! {
                    _ = tokio::time::sleep(jittered) => Event::TimerFired,
                    _ = wake.notified() => woken(&store),
                }
            }
            Instruction::Connect => {
                done = 0;
                match connect(&store).await {
                    Ok(c) => {
                        client = Some(c);
                        Event::Connected
                    }
                    Err(e) => Event::Failed(e),
                }
            }
            Instruction::Push => match &client {
                Some(c) => match push_pending(&store, c).await {
                    Ok(_) => Event::Pushed { pending: lock(&store).pending_count().unwrap_or(0).max(0) as u64 },
                    Err(e) => Event::Failed(e),
                },
                None => Event::Failed(SyncError::NotEnrolled),
            },
            Instruction::Pull { wait_ms } => match &client {
                Some(c) => {
                    tokio::select! {
                        outcome = puller.round(&store, c, wait_ms) => match outcome {
                            Ok((applied, remaining, resync)) => {
                                done += applied;
                                if remaining == 0 && !resync {
                                    if let Some(cache) = &images {
                                        if let Some(woke) =
                                            fetch_pictures(&store, c, cache, &mut engine, &status, &wake).await
                                        {
                                            event = woke;
                                            continue;
                                        }
                                    }
                                }
                                Event::Pulled {
                                    remaining,
                                    resync,
                                    progress: Progress { done, total: done + remaining },
                                    confirmed_at: lock(&store).oldest_confirmation().ok().flatten(),
                                }
                            }
                            Err(e) => Event::Failed(e),
                        },
                        // A local command or "sync now" ends a long-poll at once.
                        _ = wake.notified() => woken(&store),
                    }
                }
                None => Event::Failed(SyncError::NotEnrolled),
            },
        };
    }
}

/// Wipes the cache (enrollment, data, unsent commands) and the pictures.
fn forget_everything(store: &Arc<Mutex<Store>>, images: Option<&ImageCache>) {
    if let Err(e) = lock(store).wipe() {
        tracing::error!(error = %e, "wiping the revoked device's cache");
    }
    if let Some(cache) = images {
        if let Err(e) = cache.clear() {
            tracing::error!(error = %e, "removing the revoked device's pictures");
        }
    }
}

fn publish(status: &watch::Sender<Status>, engine: &Engine) {
    status.send_if_modified(|s| {
        let changed = s != engine.status();
        if changed {
            *s = engine.status().clone();
        }
        changed
    });
}

/// Fetches the catalog's pictures not on disk yet, showing progress. A failure is
/// logged and left for the next round (pictures never hold up stock or orders); a
/// local command or "sync now" interrupts it, and that wake is answered.
async fn fetch_pictures(
    store: &Arc<Mutex<Store>>,
    client: &Client,
    cache: &ImageCache,
    engine: &mut Engine,
    status: &watch::Sender<Status>,
    wake: &Notify,
) -> Option<Event> {
    let missing = match missing_images(store, cache) {
        Ok(m) if m.is_empty() => return None,
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "listing the pictures to fetch");
            return None;
        }
    };
    let total = missing.len() as u64;
    engine.set_images(Some(Progress { done: 0, total }));
    publish(status, engine);
    let (progress_tx, mut progress_rx) = watch::channel(Progress { done: 0, total });
    let fetch = fetch_images(client, cache, missing, move |p| {
        let _ = progress_tx.send(p);
    });
    tokio::pin!(fetch);
    let outcome = loop {
        tokio::select! {
            result = &mut fetch => break Ok(result),
            changed = progress_rx.changed() => {
                if changed.is_ok() {
                    engine.set_images(Some(*progress_rx.borrow_and_update()));
                    publish(status, engine);
                }
            }
            _ = wake.notified() => break Err(woken(store)),
        }
    };
    engine.set_images(None);
    publish(status, engine);
    match outcome {
        Ok(Ok(fetched)) => {
            tracing::info!(fetched, "product pictures fetched");
            None
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "fetching product pictures; will retry");
            None
        }
        Err(woke) => Some(woke),
    }
}

/// Reads the session with the stored credentials and subscribes the device's scopes.
async fn connect(store: &Arc<Mutex<Store>>) -> Result<Client, SyncError> {
    let enrollment = lock(store).enrollment()?.ok_or(SyncError::NotEnrolled)?;
    let client = Client::new(&enrollment.central_url)?.with_token(&enrollment.token);
    // Queued commands go before the session: an outdated device still delivers them.
    push_pending(store, &client).await?;
    let session = client.session().await?;
    lock(store).subscribe(&session.scopes)?;
    Ok(client)
}
