//! Tauri commands, one function of the cache or the sync client each. All are
//! async so nothing blocks the window's thread.

mod appointments;
mod commerce;
mod customer;
mod orders;
mod session;

pub use appointments::*;
pub use commerce::*;
pub use customer::*;
pub use orders::*;
pub use session::*;

use crate::error::AppError;
use crate::platform;
use crate::state::{app_state_view, sync_status_view, AppCore, AppState, SyncStatus};
use tauri::State;
use vitrina_store::{BarcodeHit, Enrollment, ProductDetail, SearchHit};

/// Most search results the UI may ask for at once.
const MAX_RESULTS: usize = 100;

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn app_state(core: State<'_, AppCore>) -> Result<AppState, AppError> {
    let mut view = app_state_view(&core.store())?;
    if view.enrolled {
        view.associate = core.signed_in(chrono::Utc::now()).map(|s| core.view(&s));
    } else if let Some(ended) = core.set_session(None) {
        // Revoked and wiped, or reset: nobody stays signed in to an empty device.
        core.forget_at_central(ended);
    }
    Ok(view)
}

/// Enrolls this device with a one-time code from a manager, then starts the first sync.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn enroll(core: State<'_, AppCore>, central_url: String, code: String) -> Result<AppState, AppError> {
    if core.store().enrollment()?.is_some() {
        return Err(AppError::AlreadyEnrolled);
    }
    if code.trim().is_empty() {
        return Err(AppError::invalid("code", "empty"));
    }
    let client = vitrina_sync::Client::new(&central_url)?;
    let response = client.enroll(&code, &platform::device_name()).await?;
    core.set_session(None);
    let view = {
        let store = core.store();
        store.save_enrollment(&Enrollment {
            central_url: client.base_url().to_owned(),
            device_id: response.device_id,
            token: response.token,
            store: response.store,
        })?;
        app_state_view(&store)?
    };
    core.sync.sync_now();
    Ok(view)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_status(core: State<'_, AppCore>) -> Result<SyncStatus, AppError> {
    Ok(sync_status_view(&core.sync.status()))
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_now(core: State<'_, AppCore>) -> Result<SyncStatus, AppError> {
    core.sync.sync_now();
    Ok(sync_status_view(&core.sync.status()))
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn search(core: State<'_, AppCore>, query: String, limit: Option<u32>) -> Result<Vec<SearchHit>, AppError> {
    let limit = limit.map_or(30, |l| (l as usize).clamp(1, MAX_RESULTS));
    Ok(core.store().search(&query, limit)?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn find_barcode(core: State<'_, AppCore>, code: String) -> Result<BarcodeHit, AppError> {
    Ok(core.store().find_barcode(&code)?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn product_detail(core: State<'_, AppCore>, product_id: String) -> Result<ProductDetail, AppError> {
    Ok(core.store().product_detail(&product_id)?)
}

/// Forgets this device's enrollment and cache, to enroll it again. Refused while
/// commands made here are unsent, so no sale is lost.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn reset_device(core: State<'_, AppCore>) -> Result<AppState, AppError> {
    let view = {
        let mut store = core.store();
        if let Err(unsent) = store.reset()? {
            return Err(AppError::UnsentCommands { count: unsent });
        }
        app_state_view(&store)?
    };
    if let Some(ended) = core.set_session(None) {
        core.forget_at_central(ended);
    }
    core.sync.sync_now();
    Ok(view)
}
