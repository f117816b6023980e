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
    /// The manager signed in on this device, in memory only: a restart signs out.
    manager: Mutex<ManagerSlot>,
    /// Where exported reports are written.
    exports: PathBuf,
}

/// Who holds the manager's screens, with the inactivity rule: a session unused for
/// the idle time is over, whoever asks next.
#[derive(Debug, Default)]
pub struct ManagerSlot(Option<ManagerSession>);

impl ManagerSlot {
    pub fn replace(&mut self, session: Option<ManagerSession>) -> Option<ManagerSession> {
        std::mem::replace(&mut self.0, session)
    }

    pub fn active(&mut self, now: DateTime<Utc>, idle: chrono::Duration) -> Option<ManagerSession> {
        if self.0.as_ref().is_some_and(|m| now - m.last_used >= idle) {
            tracing::info!("manager signed out after inactivity");
            self.0 = None;
        }
        self.0.clone()
    }

    pub fn touch(&mut self, now: DateTime<Utc>, idle: chrono::Duration) -> Option<ManagerSession> {
        self.active(now, idle)?;
        let session = self.0.as_mut()?;
        session.last_used = now;
        Some(session.clone())
    }
}

/// A manager signed in on the device with their PIN.
#[derive(Debug, Clone)]
pub struct ManagerSession {
    pub associate_id: String,
    pub name: String,
    /// Their session at the central, when it could be opened.
    pub central_token: Option<String>,
    pub last_used: DateTime<Utc>,
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
        Ok(AppCore { store, sync, images, customer_mode, manager: Mutex::new(ManagerSlot::default()), exports })
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

    fn manager_slot(&self) -> MutexGuard<'_, ManagerSlot> {
        self.manager.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replaces the signed-in manager; answers the one before.
    pub fn set_manager(&self, session: Option<ManagerSession>) -> Option<ManagerSession> {
        self.manager_slot().replace(session)
    }

    /// The manager, unless idle for `idle` or longer (then signed out).
    pub fn manager_if_active(&self, now: DateTime<Utc>, idle: chrono::Duration) -> Option<ManagerSession> {
        self.manager_slot().active(now, idle)
    }

    /// The active manager, with their last use moved to `now`.
    pub fn touch_manager(&self, now: DateTime<Utc>, idle: chrono::Duration) -> Option<ManagerSession> {
        self.manager_slot().touch(now, idle)
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn session(at: DateTime<Utc>) -> ManagerSession {
        ManagerSession {
            associate_id: "M1".into(),
            name: "Carolina".into(),
            central_token: Some("t".into()),
            last_used: at,
        }
    }

    #[test]
    fn a_manager_left_idle_is_signed_out_and_each_use_keeps_them_in() {
        let idle = Duration::minutes(5);
        let start = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        let mut slot = ManagerSlot::default();
        assert!(slot.active(start, idle).is_none(), "nobody signed in");
        slot.replace(Some(session(start)));
        let used = slot.touch(start + Duration::minutes(4), idle).expect("still in after four minutes");
        assert_eq!(used.last_used, start + Duration::minutes(4));
        assert!(slot.active(start + Duration::minutes(8), idle).is_some(), "four minutes after the last use");
        assert!(slot.touch(start + Duration::minutes(9), idle).is_none(), "five minutes idle: signed out");
        assert!(slot.active(start + Duration::minutes(9), idle).is_none(), "and stays out");
        slot.replace(Some(session(start)));
        assert_eq!(slot.replace(None).map(|s| s.associate_id), Some("M1".into()), "sign-out answers who left");
    }
}
