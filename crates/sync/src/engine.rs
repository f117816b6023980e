//! The device's sync decisions as a sans-IO state machine: [`Event`]s in,
//! [`Instruction`]s out. No clock, no network, no database: the driver in
//! `task.rs` performs each instruction and feeds back what happened, so every
//! decision (when to push, pull, long-poll, back off, stop) is tested without I/O.
//!
//! Invariants:
//! - Pending commands are pushed before every pull: a device always delivers what it
//!   made before anything else (and before being told to update).
//! - Only transport failures are retried, with exponential backoff capped at
//!   [`BACKOFF_MAX`]; an error retrying can't fix stops until the next wake.
//! - A scope pulled again after a divergence is pulled again at once, but never in
//!   a loop: after [`MAX_RESETS`] resets in a row without reaching the head, the
//!   device says so ([`SyncError::Diverged`]) and tries again after a backoff from
//!   [`DIVERGED_BACKOFF_MIN`] doubling to [`DIVERGED_BACKOFF_MAX`].
//! - Long-poll only once the cache has reached the central's head.

use crate::{Progress, SyncError};
use std::time::Duration;

/// How long a pull waits at the central for news once the cache is current.
pub const LONG_POLL_MS: u32 = 20_000;
pub const BACKOFF_MIN: Duration = Duration::from_millis(500);
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Scope resets in a row, without reaching the head, before the engine backs off.
pub const MAX_RESETS: u32 = 3;
pub const DIVERGED_BACKOFF_MIN: Duration = Duration::from_secs(30);
pub const DIVERGED_BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);

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
    /// Product pictures being fetched: how many of how many.
    pub images: Option<Progress>,
}

/// What happened, as the driver reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The task started, or was woken (a local command, "sync now", an enrollment).
    Woken { enrolled: bool, ever_synced: bool, pending: u64 },
    /// The session was read and the device's scopes subscribed.
    Connected,
    /// Pending commands were sent and answered; `pending` are left.
    Pushed { pending: u64 },
    /// A pull was applied: `remaining` changes still to pull, whether a scope was reset,
    /// the first-sync progress so far, and the cache's confirmation time.
    Pulled { remaining: u64, resync: bool, progress: Progress, confirmed_at: Option<String> },
    /// The instruction failed.
    Failed(SyncError),
    /// A backoff wait ran out.
    TimerFired,
}

/// What the driver must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instruction {
    /// Read the session and subscribe the device's scopes.
    Connect,
    /// Send every pending command.
    Push,
    /// Pull one round; `wait_ms` > 0 is a long-poll. A wake ends it early.
    Pull { wait_ms: u32 },
    /// Wait this long before trying again (the driver adds jitter); a wake ends it.
    Backoff(Duration),
    /// Nothing to do until woken.
    WaitForWake,
}

pub struct Engine {
    status: Status,
    backoff: Duration,
    caught_up: bool,
    first_sync: bool,
    /// Scope resets since the cache last reached the head.
    resets: u32,
    diverged_backoff: Duration,
    /// The last wait for a diverging scope, kept again after a wake: a local
    /// command still goes out at once, but the scope is not pulled before the
    /// wait ran out.
    diverged_wait: Duration,
    /// A backoff just ran out: pulling is due.
    timer_fired: bool,
}

impl Engine {
    pub fn new(last_synced_at: Option<String>, pending: u64) -> Engine {
        Engine {
            status: Status {
                phase: Phase::Syncing,
                online: false,
                progress: None,
                last_synced_at,
                error: None,
                pending,
                images: None,
            },
            backoff: BACKOFF_MIN,
            caught_up: false,
            first_sync: false,
            resets: 0,
            diverged_backoff: DIVERGED_BACKOFF_MIN,
            diverged_wait: DIVERGED_BACKOFF_MIN,
            timer_fired: false,
        }
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The driver reports pictures being fetched (None once done or stopped).
    pub fn set_images(&mut self, images: Option<Progress>) {
        self.status.images = images;
    }

    /// The next instruction after `event`.
    pub fn handle(&mut self, event: Event) -> Instruction {
        match event {
            Event::Woken { enrolled: false, .. } => {
                self.status = Status {
                    phase: Phase::Idle,
                    online: false,
                    progress: None,
                    last_synced_at: None,
                    error: None,
                    pending: 0,
                    images: None,
                };
                Instruction::WaitForWake
            }
            Event::Woken { enrolled: true, ever_synced, pending } => {
                self.status.pending = pending;
                self.first_sync = !ever_synced;
                self.caught_up = false;
                if self.status.phase == Phase::Error || self.status.phase == Phase::Offline || self.first_sync {
                    self.status.phase = if self.first_sync { Phase::FirstSync } else { Phase::Syncing };
                    self.status.progress = None;
                }
                Instruction::Connect
            }
            Event::TimerFired => {
                self.caught_up = false;
                self.timer_fired = true;
                Instruction::Connect
            }
            Event::Connected => {
                self.mark_online();
                Instruction::Push
            }
            Event::Pushed { pending } => {
                self.status.pending = pending;
                self.mark_online();
                if self.resets > MAX_RESETS && !std::mem::take(&mut self.timer_fired) {
                    // Woken while waiting out a diverging scope: what was made here
                    // went out; the scope waits for its turn.
                    self.status.phase = Phase::Error;
                    self.status.error = Some(SyncError::Diverged);
                    return Instruction::Backoff(self.diverged_wait);
                }
                Instruction::Pull { wait_ms: if self.caught_up { LONG_POLL_MS } else { 0 } }
            }
            Event::Pulled { remaining, resync, progress, confirmed_at } => {
                self.mark_online();
                if resync {
                    self.resets += 1;
                    if self.resets > MAX_RESETS {
                        // Pulled again and again, and still not what the central has:
                        // pulling once more at once would only spin. Say so, wait, retry.
                        self.caught_up = false;
                        self.status.phase = Phase::Error;
                        self.status.progress = None;
                        self.status.error = Some(SyncError::Diverged);
                        let wait = self.diverged_backoff;
                        self.diverged_wait = wait;
                        self.diverged_backoff = (wait * 2).min(DIVERGED_BACKOFF_MAX);
                        return Instruction::Backoff(wait);
                    }
                }
                if remaining > 0 || resync {
                    self.caught_up = false;
                    self.status.phase = if self.first_sync { Phase::FirstSync } else { Phase::Syncing };
                    self.status.progress = Some(progress);
                    return Instruction::Pull { wait_ms: 0 };
                }
                self.caught_up = true;
                self.first_sync = false;
                self.resets = 0;
                self.diverged_backoff = DIVERGED_BACKOFF_MIN;
                self.status.phase = Phase::Idle;
                self.status.progress = None;
                if confirmed_at.is_some() {
                    self.status.last_synced_at = confirmed_at;
                }
                // Anything made while pulling goes out before the next long-poll.
                Instruction::Push
            }
            Event::Failed(error) if error.is_transient() => {
                self.caught_up = false;
                self.status.phase = Phase::Offline;
                self.status.online = false;
                self.status.progress = None;
                self.status.error = Some(error);
                let wait = self.backoff;
                self.backoff = (self.backoff * 2).min(BACKOFF_MAX);
                Instruction::Backoff(wait)
            }
            Event::Failed(error) => {
                self.caught_up = false;
                self.status.phase = Phase::Error;
                self.status.progress = None;
                self.status.error = Some(error);
                Instruction::WaitForWake
            }
        }
    }

    fn mark_online(&mut self) {
        self.status.online = true;
        self.status.error = None;
        self.backoff = BACKOFF_MIN;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enrolled(ever_synced: bool) -> Event {
        Event::Woken { enrolled: true, ever_synced, pending: 0 }
    }

    fn pulled(remaining: u64) -> Event {
        Event::Pulled {
            remaining,
            resync: false,
            progress: Progress { done: 10, total: 10 + remaining },
            confirmed_at: Some("2026-11-23T10:00:00Z".into()),
        }
    }

    #[test]
    fn a_device_that_is_not_enrolled_waits_and_reports_offline() {
        let mut engine = Engine::new(None, 0);
        assert_eq!(
            engine.handle(Event::Woken { enrolled: false, ever_synced: false, pending: 0 }),
            Instruction::WaitForWake
        );
        assert!(!engine.status().online);
    }

    #[test]
    fn pending_commands_are_pushed_before_anything_is_pulled() {
        let mut engine = Engine::new(None, 2);
        assert_eq!(engine.handle(enrolled(true)), Instruction::Connect);
        assert_eq!(engine.handle(Event::Connected), Instruction::Push, "push comes first");
        assert_eq!(engine.handle(Event::Pushed { pending: 0 }), Instruction::Pull { wait_ms: 0 });
        assert_eq!(engine.status().pending, 0);
    }

    #[test]
    fn a_first_sync_reports_progress_until_it_reaches_the_head_then_long_polls() {
        let mut engine = Engine::new(None, 0);
        engine.handle(enrolled(false));
        assert_eq!(engine.status().phase, Phase::FirstSync);
        engine.handle(Event::Connected);
        engine.handle(Event::Pushed { pending: 0 });
        assert_eq!(engine.handle(pulled(500)), Instruction::Pull { wait_ms: 0 }, "catching up pulls at once");
        assert_eq!(engine.status().progress, Some(Progress { done: 10, total: 510 }));
        assert_eq!(engine.status().phase, Phase::FirstSync);
        assert_eq!(engine.handle(pulled(0)), Instruction::Push);
        assert_eq!(engine.status().phase, Phase::Idle);
        assert_eq!(engine.status().last_synced_at.as_deref(), Some("2026-11-23T10:00:00Z"));
        assert_eq!(
            engine.handle(Event::Pushed { pending: 0 }),
            Instruction::Pull { wait_ms: LONG_POLL_MS },
            "only a current cache long-polls"
        );
    }

    #[test]
    fn transport_failures_back_off_exponentially_up_to_the_cap_and_reset_once_online() {
        let mut engine = Engine::new(None, 0);
        engine.handle(enrolled(true));
        let mut waits = Vec::new();
        for _ in 0..10 {
            match engine.handle(Event::Failed(SyncError::Unreachable("refused".into()))) {
                Instruction::Backoff(d) => waits.push(d),
                other => panic!("expected a backoff, got {other:?}"),
            }
            assert_eq!(engine.handle(Event::TimerFired), Instruction::Connect);
        }
        assert_eq!(waits[0], BACKOFF_MIN);
        assert_eq!(waits[1], BACKOFF_MIN * 2);
        assert_eq!(*waits.last().unwrap(), BACKOFF_MAX, "capped");
        assert_eq!(engine.status().phase, Phase::Offline);
        assert!(!engine.status().online);

        engine.handle(Event::Connected);
        assert!(engine.status().online && engine.status().error.is_none());
        assert_eq!(
            engine.handle(Event::Failed(SyncError::Unreachable("again".into()))),
            Instruction::Backoff(BACKOFF_MIN),
            "a success resets the backoff"
        );
    }

    #[test]
    fn errors_retrying_cannot_fix_stop_until_woken() {
        for error in [SyncError::UpdateRequired, SyncError::Unauthorized, SyncError::Protocol("bad".into())] {
            let mut engine = Engine::new(None, 0);
            engine.handle(enrolled(true));
            assert_eq!(engine.handle(Event::Failed(error.clone())), Instruction::WaitForWake, "{error:?}");
            assert_eq!(engine.status().phase, Phase::Error);
            assert_eq!(engine.status().error, Some(error));
            assert_eq!(engine.handle(enrolled(true)), Instruction::Connect, "a wake tries again");
        }
    }

    #[test]
    fn a_wake_during_a_long_poll_pushes_what_was_made_here() {
        let mut engine = Engine::new(None, 0);
        engine.handle(enrolled(true));
        engine.handle(Event::Connected);
        engine.handle(Event::Pushed { pending: 0 });
        engine.handle(pulled(0));
        assert_eq!(engine.handle(Event::Pushed { pending: 0 }), Instruction::Pull { wait_ms: LONG_POLL_MS });
        // The associate places an order: the driver ends the long-poll and wakes us.
        assert_eq!(engine.handle(Event::Woken { enrolled: true, ever_synced: true, pending: 1 }), Instruction::Connect);
        assert_eq!(engine.status().pending, 1);
        assert_eq!(engine.status().phase, Phase::Idle, "a nudge doesn't flash 'syncing' on a current cache");
        assert_eq!(engine.handle(Event::Connected), Instruction::Push);
    }

    #[test]
    fn a_scope_that_keeps_diverging_is_not_pulled_in_a_loop_but_backs_off_and_says_so() {
        let reset = || Event::Pulled {
            remaining: 0,
            resync: true,
            progress: Progress { done: 0, total: 0 },
            confirmed_at: None,
        };
        let mut engine = Engine::new(None, 0);
        engine.handle(enrolled(true));
        engine.handle(Event::Connected);
        engine.handle(Event::Pushed { pending: 0 });
        for _ in 0..MAX_RESETS {
            assert_eq!(engine.handle(reset()), Instruction::Pull { wait_ms: 0 }, "a reset is pulled again at once");
        }
        assert_eq!(engine.handle(reset()), Instruction::Backoff(DIVERGED_BACKOFF_MIN), "then it waits");
        assert_eq!(engine.status().phase, Phase::Error);
        assert_eq!(engine.status().error, Some(SyncError::Diverged), "and says why");
        // A sale made meanwhile wakes the task: it goes out, and the scope still waits.
        assert_eq!(engine.handle(Event::Woken { enrolled: true, ever_synced: true, pending: 1 }), Instruction::Connect);
        engine.handle(Event::Connected);
        assert_eq!(engine.handle(Event::Pushed { pending: 0 }), Instruction::Backoff(DIVERGED_BACKOFF_MIN), "no pull");
        assert_eq!(engine.status().error, Some(SyncError::Diverged));
        assert_eq!(engine.handle(Event::TimerFired), Instruction::Connect, "then tries again");
        engine.handle(Event::Connected);
        assert_eq!(engine.handle(Event::Pushed { pending: 0 }), Instruction::Pull { wait_ms: 0 });
        assert_eq!(engine.handle(reset()), Instruction::Backoff(DIVERGED_BACKOFF_MIN * 2), "longer each time");
        for _ in 0..10 {
            engine.handle(reset());
        }
        assert_eq!(engine.handle(reset()), Instruction::Backoff(DIVERGED_BACKOFF_MAX), "up to the cap");

        // Once the cache reaches the head, the count starts again.
        engine.handle(Event::TimerFired);
        engine.handle(Event::Connected);
        engine.handle(Event::Pushed { pending: 0 });
        assert_eq!(engine.handle(pulled(0)), Instruction::Push);
        assert_eq!(engine.status().phase, Phase::Idle);
        assert_eq!(engine.status().error, None);
        engine.handle(Event::Pushed { pending: 0 });
        assert_eq!(engine.handle(reset()), Instruction::Pull { wait_ms: 0 }, "a new divergence is pulled at once");
    }

    #[test]
    fn a_reset_scope_is_pulled_again_at_once() {
        let mut engine = Engine::new(None, 0);
        engine.handle(enrolled(true));
        engine.handle(Event::Connected);
        engine.handle(Event::Pushed { pending: 0 });
        let reset =
            Event::Pulled { remaining: 0, resync: true, progress: Progress { done: 0, total: 0 }, confirmed_at: None };
        assert_eq!(engine.handle(reset), Instruction::Pull { wait_ms: 0 });
    }
}
