//! The app's state: the open cache and the running sync task, plus the views of
//! them the UI receives.

use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use ts_rs::TS;
use vitrina_store::{CustomerSession, Store, StoreInfo};
use vitrina_sync::{ImageCache, Phase, Status, SyncHandle};

use crate::error::AppError;

pub struct AppCore {
    store: Arc<Mutex<Store>>,
    pub sync: SyncHandle,
    /// Product pictures, one file per content address.
    pub images: ImageCache,
    /// Mirrors the cache's customer session, for the invoke gate to read without
    /// touching the database on every call.
    customer_mode: AtomicBool,
    /// The associate signed in on this device, in memory only: a restart signs out.
    session: Mutex<SessionSlot>,
    /// How long a session lasts without anyone touching the screen.
    pub sign_out_after: chrono::Duration,
    /// Where exported reports are written.
    exports: PathBuf,
}

/// How long a signed-in associate may leave the device untouched, unless
/// `$VITRINA_SIGN_OUT_AFTER_S` says otherwise (a kiosk, a test).
pub const SIGN_OUT_AFTER: chrono::Duration = chrono::Duration::minutes(5);

/// The device is told of activity at most this often, so the slot's idle clock
/// can trail the screen's by this much: it allows as much again before refusing.
pub const ACTIVITY_GRACE: chrono::Duration = chrono::Duration::seconds(30);

/// Who is signed in, with the inactivity rule: a session untouched for the idle
/// time is over, whoever asks next.
#[derive(Debug, Default)]
pub struct SessionSlot(Option<Signed>);

impl SessionSlot {
    pub fn replace(&mut self, session: Option<Signed>) -> Option<Signed> {
        std::mem::replace(&mut self.0, session)
    }

    /// The session, unless idle for `idle` or longer (then ended: answered as the
    /// second value, to be signed out at the central too).
    pub fn active(&mut self, now: DateTime<Utc>, idle: chrono::Duration) -> (Option<Signed>, Option<Signed>) {
        if self.0.as_ref().is_some_and(|s| now - s.last_active >= idle) {
            let ended = self.0.take();
            tracing::info!(associate = ?ended.as_ref().map(|s| &s.associate_id), "signed out after inactivity");
            return (None, ended);
        }
        (self.0.clone(), None)
    }

    /// Somebody used the device: the session's idle clock starts again.
    pub fn touch(&mut self, now: DateTime<Utc>, idle: chrono::Duration) -> (Option<Signed>, Option<Signed>) {
        let (active, ended) = self.active(now, idle);
        if let (Some(_), Some(session)) = (&active, self.0.as_mut()) {
            session.last_active = now;
            return (Some(session.clone()), None);
        }
        (active, ended)
    }
}

/// An associate signed in on the device with their PIN.
#[derive(Debug, Clone)]
pub struct Signed {
    pub associate_id: String,
    pub name: String,
    /// `associate` or `manager`.
    pub role: String,
    /// Their session at the central, when it could be opened.
    pub central_token: Option<String>,
    pub last_active: DateTime<Utc>,
}

impl Signed {
    pub fn is_manager(&self) -> bool {
        self.role == "manager"
    }
}

/// The associate signed in, as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssociateView {
    pub associate_id: String,
    pub name: String,
    pub role: String,
    /// Also signed in at the central: live reports and lookups can be asked for.
    pub online: bool,
    /// The screen locks after this long untouched.
    #[ts(type = "number")]
    pub sign_out_after_s: i64,
}

impl AppCore {
    /// Opens the cache in `data_dir` and starts syncing.
    pub fn open(data_dir: &Path, exports: PathBuf) -> Result<AppCore, Box<dyn std::error::Error>> {
        let store = open_cache(data_dir)?;
        let customer_mode = AtomicBool::new(store.customer_session()?.is_some());
        let store = Arc::new(Mutex::new(store));
        let images = ImageCache::new(data_dir.join("images"));
        let sync =
            tauri::async_runtime::block_on(async { vitrina_sync::spawn(Arc::clone(&store), Some(images.clone())) });
        let sign_out_after = std::env::var("VITRINA_SIGN_OUT_AFTER_S")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|s| *s > 0)
            .map_or(SIGN_OUT_AFTER, chrono::Duration::seconds);
        Ok(AppCore {
            store,
            sync,
            images,
            customer_mode,
            session: Mutex::new(SessionSlot::default()),
            sign_out_after,
            exports,
        })
    }

    /// Where exported reports go.
    pub fn exports_dir(&self) -> PathBuf {
        self.exports.clone()
    }

    /// A client of the central this device is enrolled with, with its token.
    pub fn client(&self) -> Result<vitrina_sync::Client, AppError> {
        let enrollment = self.store().enrollment()?.ok_or(AppError::NotEnrolled)?;
        Ok(vitrina_sync::Client::new(&enrollment.central_url)?.with_token(&enrollment.token))
    }

    fn slot(&self) -> MutexGuard<'_, SessionSlot> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Signs `session` in (or, with None, nobody); answers whoever it replaced.
    /// Commands queued from now on are attributed to them. The slot and the cache's
    /// acting associate change together, under the slot's lock (always taken
    /// before the cache's).
    pub fn set_session(&self, session: Option<Signed>) -> Option<Signed> {
        let mut slot = self.slot();
        self.store().set_acting_associate(session.as_ref().map(|s| s.associate_id.clone()));
        let before = slot.replace(session);
        if let Some(before) = &before {
            tracing::info!(associate = %before.associate_id, "signed out");
        }
        before
    }

    /// The associate signed in, unless idle too long (with the grace for activity
    /// not reported yet); an idle session is ended here.
    pub fn signed_in(&self, now: DateTime<Utc>) -> Option<Signed> {
        let idle = self.sign_out_after + ACTIVITY_GRACE;
        self.check(|slot| slot.active(now, idle))
    }

    /// Somebody used the device; answers the session, if still on.
    pub fn touch(&self, now: DateTime<Utc>) -> Option<Signed> {
        let idle = self.sign_out_after + ACTIVITY_GRACE;
        self.check(|slot| slot.touch(now, idle))
    }

    /// Runs `f` on the slot; a session it ends stops being the acting associate
    /// under the same lock, and is signed out at the central.
    fn check(&self, f: impl FnOnce(&mut SessionSlot) -> (Option<Signed>, Option<Signed>)) -> Option<Signed> {
        let mut slot = self.slot();
        let (active, ended) = f(&mut slot);
        if ended.is_some() {
            self.store().set_acting_associate(None);
        }
        drop(slot);
        if let Some(ended) = ended {
            self.forget_at_central(ended);
        }
        active
    }

    /// The central's session for `associate_id`, arrived after the device signed
    /// them in; if someone else is signed in by now, it is ended at once.
    pub fn attach_central_token(&self, associate_id: &str, token: String) {
        let mut slot = self.slot();
        match slot.0.as_mut() {
            Some(s) if s.associate_id == associate_id && s.central_token.is_none() => s.central_token = Some(token),
            _ => {
                drop(slot);
                let stale = Signed {
                    associate_id: associate_id.to_owned(),
                    name: String::new(),
                    role: String::new(),
                    central_token: Some(token),
                    last_active: Utc::now(),
                };
                self.forget_at_central(stale);
            }
        }
    }

    /// The central no longer takes the signed-in associate's session (expired):
    /// the device's own, checked offline, goes on without it.
    pub fn drop_central_token(&self) {
        if let Some(s) = self.slot().0.as_mut() {
            s.central_token = None;
        }
    }

    /// Ends `ended`'s session at the central too, in the background: best effort,
    /// as the central's own session expires anyway.
    pub fn forget_at_central(&self, ended: Signed) {
        let (Some(token), Ok(client)) = (ended.central_token, self.client()) else { return };
        tauri::async_runtime::spawn(async move {
            if let Err(e) = client.sign_out(&token).await {
                tracing::warn!(error = %e, "sign-out not delivered; the central's session expires on its own");
            }
        });
    }

    /// The UI's view of a session.
    pub fn view(&self, session: &Signed) -> AssociateView {
        AssociateView {
            associate_id: session.associate_id.clone(),
            name: session.name.clone(),
            role: session.role.clone(),
            online: session.central_token.is_some(),
            sign_out_after_s: self.sign_out_after.num_seconds(),
        }
    }

    /// Whether the device is in customer mode.
    pub fn customer_mode(&self) -> bool {
        self.customer_mode.load(Ordering::SeqCst)
    }

    pub fn set_customer_mode(&self, on: bool) {
        self.customer_mode.store(on, Ordering::SeqCst);
    }

    /// The cache, for one short read or write; never held across an await.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Opens the encrypted cache. One its key can't read (the key file was lost) is
/// kept aside, never deleted, and the device starts afresh: it must be enrolled
/// again.
fn open_cache(data_dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let path = data_dir.join("vitrina.db");
    let (key, place) = crate::platform::cache_key(data_dir)?;
    tracing::info!(?place, "cache key");
    match Store::open_encrypted(&path, &key) {
        Err(vitrina_store::StoreError::WrongKey) => {
            let aside = data_dir.join(format!("vitrina.db.unreadable-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
            tracing::error!(aside = %aside.display(), "the cache can't be read with this device's key; starting afresh");
            std::fs::rename(&path, &aside)?;
            Ok(Store::open_encrypted(&path, &key)?)
        }
        other => Ok(other?),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AppState {
    pub enrolled: bool,
    pub central_url: Option<String>,
    pub device_id: Option<String>,
    pub store: Option<StoreInfo>,
    /// Set while the device is handed to a customer: only customer mode may show.
    pub customer_mode: Option<CustomerSession>,
    /// The associate signed in; none means the sign-in screen.
    pub associate: Option<AssociateView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncPhase {
    Idle,
    FirstSync,
    Syncing,
    Offline,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    pub online: bool,
    pub progress: Option<SyncProgress>,
    pub last_synced_at: Option<String>,
    pub error: Option<AppError>,
    /// Commands saved here that the central has not answered yet.
    #[ts(type = "number")]
    pub pending: u64,
    /// Product pictures being fetched.
    pub images: Option<SyncProgress>,
}

pub fn sync_status_view(status: &Status) -> SyncStatus {
    SyncStatus {
        phase: match status.phase {
            Phase::Idle => SyncPhase::Idle,
            Phase::FirstSync => SyncPhase::FirstSync,
            Phase::Syncing => SyncPhase::Syncing,
            Phase::Offline => SyncPhase::Offline,
            Phase::Error => SyncPhase::Error,
        },
        online: status.online,
        progress: status.progress.map(|p| SyncProgress { done: p.done, total: p.total }),
        last_synced_at: status.last_synced_at.clone(),
        error: status.error.clone().map(AppError::from),
        pending: status.pending,
        images: status.images.map(|p| SyncProgress { done: p.done, total: p.total }),
    }
}

pub fn app_state_view(store: &Store) -> Result<AppState, AppError> {
    let enrollment = store.enrollment()?;
    Ok(AppState {
        enrolled: enrollment.is_some(),
        central_url: enrollment.as_ref().map(|e| e.central_url.clone()),
        device_id: enrollment.as_ref().map(|e| e.device_id.clone()),
        store: store.store_info()?,
        customer_mode: store.customer_session()?,
        associate: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn session(at: DateTime<Utc>) -> Signed {
        Signed {
            associate_id: "M1".into(),
            name: "Carolina".into(),
            role: "manager".into(),
            central_token: Some("t".into()),
            last_active: at,
        }
    }

    #[test]
    fn a_session_left_idle_is_signed_out_and_each_use_keeps_it_on() {
        let idle = Duration::minutes(5);
        let start = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        let mut slot = SessionSlot::default();
        assert!(slot.active(start, idle).0.is_none(), "nobody signed in");
        slot.replace(Some(session(start)));
        let used = slot.touch(start + Duration::minutes(4), idle).0.expect("still on after four minutes");
        assert_eq!(used.last_active, start + Duration::minutes(4));
        assert!(slot.active(start + Duration::minutes(8), idle).0.is_some(), "four minutes after the last use");
        let (active, ended) = slot.touch(start + Duration::minutes(9), idle);
        assert!(active.is_none(), "five minutes idle: signed out");
        assert_eq!(ended.map(|s| s.associate_id), Some("M1".into()), "and the ended session is answered once");
        assert!(slot.active(start + Duration::minutes(9), idle).0.is_none(), "it stays out");
        assert!(slot.active(start + Duration::minutes(9), idle).1.is_none(), "ended only once");
        slot.replace(Some(session(start)));
        assert_eq!(slot.replace(None).map(|s| s.associate_id), Some("M1".into()), "sign-out answers who left");
    }
}
