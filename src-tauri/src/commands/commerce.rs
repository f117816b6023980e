//! Unified commerce: a customer's history across channels, lost demand, and the
//! manager's screens (the store's sales report, lost demand, safety stock).
//!
//! Manager screens open with a manager's PIN: checked here against the cache (so
//! it works offline, with the back-off), then, when the central is reachable, the
//! manager is signed in there too and the report is asked for with that session.
//! The central checks the role itself; the device's check only decides what to show.
//! A manager's PIN signs the manager in on the device (in place of whoever was);
//! the screens close with the session, on sign-out or after inactivity.

use crate::commands::session::open_session;
use crate::error::AppError;
use crate::state::{AppCore, Signed};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use vitrina_store::{
    CachedReport, CustomerProfile, LostDemandSummary, LostDemandView, NewLostDemand, SafetyRefused, SafetyRuleView,
};
use vitrina_sync::SyncError;

/// The manager signed in on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ManagerView {
    pub associate_id: String,
    pub name: String,
    /// Also signed in at the central: live reports can be fetched.
    pub online: bool,
}

/// A store report, live from the central or the last one fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReportView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub cached: CachedReport,
    /// False when the central could not be asked and this is the last one fetched.
    pub live: bool,
}

fn pin_error(refused: SafetyRefused) -> AppError {
    match refused {
        SafetyRefused::Pin(check) => AppError::not_a_manager(check),
        SafetyRefused::NotManager => AppError::invalid("pin", "not_manager"),
        SafetyRefused::Invalid(field) => AppError::invalid(field, "invalid"),
    }
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| AppError::invalid(field, "date"))
}

/// The associate signed in, if a manager and still active; otherwise
/// `manager_required` (an idle session is ended on the way).
fn manager(core: &AppCore) -> Result<Signed, AppError> {
    core.signed_in(Utc::now()).filter(Signed::is_manager).ok_or(AppError::ManagerRequired)
}

fn manager_view(session: &Signed) -> ManagerView {
    ManagerView {
        associate_id: session.associate_id.clone(),
        name: session.name.clone(),
        online: session.central_token.is_some(),
    }
}

/// A customer of this store with their orders, returns and appointments from every
/// channel.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn customer_profile(core: State<'_, AppCore>, customer_id: String) -> Result<CustomerProfile, AppError> {
    Ok(core.store().customer_profile(&customer_id)?)
}

/// Customers of other stores who agreed to one profile across the chain (and this
/// store's own), by exact phone or email, asked of the central: online only.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core, query), err)]
pub async fn lookup_chain_customer(core: State<'_, AppCore>, query: String) -> Result<Vec<CustomerProfile>, AppError> {
    let query = query.trim().to_owned();
    if query.chars().count() < 5 {
        return Err(AppError::invalid("query", "too_short"));
    }
    let client = core.client()?;
    let token = core.signed_in(Utc::now()).and_then(|s| s.central_token);
    let found = match client.lookup_customers(&query, token.as_deref()).await {
        Err(SyncError::Forbidden(_)) if token.is_some() => {
            // The central ended that session (expired); the device's own, checked
            // offline, still stands: the lookup goes on as the device's.
            core.drop_central_token();
            client.lookup_customers(&query, None).await?
        }
        other => other?,
    };
    let store = core.store();
    found.customers.iter().map(|c| store.chain_profile(c).map_err(AppError::from)).collect()
}

/// Records what a customer wanted and could not have.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn record_lost_demand(core: State<'_, AppCore>, input: NewLostDemand) -> Result<LostDemandView, AppError> {
    let recorded = core.store().record_lost_demand(input, None, Utc::now())?;
    let view = recorded.map_err(|e| AppError::invalid(e.field, e.reason))?;
    core.sync.sync_now();
    Ok(view)
}

/// Opens the manager's screens with a manager's PIN: the manager is signed in,
/// in place of whoever was (one PIN to switch). Refused with `wrong_pin`,
/// `pin_locked`, or `invalid` pin/not_manager for an associate's PIN (and nobody
/// changes then).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn manager_sign_in(
    core: State<'_, AppCore>,
    app: tauri::AppHandle,
    pin: String,
) -> Result<ManagerView, AppError> {
    let (associate_id, name) = core.store().check_manager_pin(&pin, Utc::now())?.map_err(pin_error)?;
    let session = open_session(&app, &core, associate_id, name, "manager".into(), &pin).await;
    Ok(manager_view(&session))
}

/// Signs the manager out here and at the central: the device locks.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn manager_sign_out(core: State<'_, AppCore>) -> Result<(), AppError> {
    if let Some(ended) = core.set_session(None) {
        core.forget_at_central(ended);
    }
    Ok(())
}

/// The manager signed in on this device, if the one signed in is a manager (and
/// not idle too long).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn manager_session(core: State<'_, AppCore>) -> Result<Option<ManagerView>, AppError> {
    Ok(core.signed_in(Utc::now()).filter(Signed::is_manager).map(|m| manager_view(&m)))
}

/// The store's sales report over `from..=to` (its calendar): live from the central
/// when it can be reached, else the last one fetched for that range.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn store_report(core: State<'_, AppCore>, from: String, to: String) -> Result<ReportView, AppError> {
    let session = manager(&core)?;
    let (from, to) = (parse_date("from", &from)?, parse_date("to", &to)?);
    vitrina_core::DateRange::new(from, to).map_err(|_| AppError::invalid("to", "range"))?;
    let (from, to) = (from.to_string(), to.to_string());
    let cached = || -> Result<Option<ReportView>, AppError> {
        Ok(core.store().cached_report(&from, &to)?.map(|cached| ReportView { cached, live: false }))
    };
    let Some(token) = session.central_token else {
        return cached()?.ok_or(AppError::CentralUnreachable);
    };
    let client = core.client()?;
    match client.store_report(&token, &from, &to).await {
        Ok(answer) => {
            core.store().cache_report(&answer.report, &answer.generated_at)?;
            Ok(ReportView {
                cached: CachedReport { report: answer.report, generated_at: answer.generated_at },
                live: true,
            })
        }
        Err(SyncError::Forbidden(_)) => {
            // The central ended the session (expired, or the role changed): the
            // device locks, and a PIN signs in again.
            core.set_session(None);
            Err(AppError::SignInRequired)
        }
        Err(e) if e.is_transient() => cached()?.ok_or(AppError::CentralUnreachable),
        Err(e) => Err(e.into()),
    }
}

/// Writes the report of `from..=to` (as last fetched) to a CSV file; answers its path.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn export_report_csv(core: State<'_, AppCore>, from: String, to: String) -> Result<String, AppError> {
    manager(&core)?;
    let (from, to) = (parse_date("from", &from)?.to_string(), parse_date("to", &to)?.to_string());
    let cached = core.store().cached_report(&from, &to)?.ok_or(AppError::NotFound)?;
    let dir = core.exports_dir();
    std::fs::create_dir_all(&dir).map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "creating the exports folder");
        AppError::Internal
    })?;
    let name = if from == to {
        format!("vitrina-{}-{from}.csv", cached.report.store_id)
    } else {
        format!("vitrina-{}-{from}-{to}.csv", cached.report.store_id)
    };
    let path = dir.join(name);
    std::fs::write(&path, vitrina_core::commerce::report_csv(&cached.report)).map_err(|e| {
        tracing::error!(error = %e, path = %path.display(), "writing the report");
        AppError::Internal
    })?;
    Ok(path.display().to_string())
}

/// A device of the store, as its managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    /// RFC 3339.
    pub enrolled_at: String,
    /// Set once revoked.
    pub revoked_at: Option<String>,
    /// The device in the manager's hands.
    pub this_device: bool,
}

/// The manager's session at the central, for the screens that need it live.
fn central_session(core: &AppCore) -> Result<String, AppError> {
    manager(core)?.central_token.ok_or(AppError::CentralUnreachable)
}

/// Ends the manager's session when the central no longer takes it.
fn session_refused(core: &AppCore, e: SyncError) -> AppError {
    match e {
        SyncError::Forbidden(_) => {
            core.set_session(None);
            AppError::SignInRequired
        }
        other => other.into(),
    }
}

/// The store's devices, newest first (managers, online).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn manager_devices(core: State<'_, AppCore>) -> Result<Vec<DeviceView>, AppError> {
    let token = central_session(&core)?;
    let answer = core.client()?.devices(&token).await.map_err(|e| session_refused(&core, e))?;
    Ok(answer
        .devices
        .into_iter()
        .map(|d| DeviceView {
            id: d.id,
            name: d.name,
            enrolled_at: d.enrolled_at,
            revoked_at: d.revoked_at,
            this_device: d.this_device,
        })
        .collect())
}

/// Revokes another device of the store (lost, stolen, retired): it is refused from
/// its next request and wipes what it holds. Answers the devices after.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn revoke_device(core: State<'_, AppCore>, device_id: String) -> Result<Vec<DeviceView>, AppError> {
    let token = central_session(&core)?;
    let own = core.store().enrollment()?.map(|e| e.device_id);
    if own.as_deref() == Some(device_id.as_str()) {
        return Err(AppError::invalid("device_id", "this_device"));
    }
    core.client()?.revoke_device(&token, &device_id).await.map_err(|e| session_refused(&core, e))?;
    manager_devices(core).await
}

/// The store's lost demand of the last `days` days (managers).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn lost_demand(core: State<'_, AppCore>, days: u32) -> Result<LostDemandSummary, AppError> {
    manager(&core)?;
    Ok(core.store().lost_demand(days.clamp(1, 365), Utc::now())?)
}

/// The store's safety stock per product class (managers).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn safety_rules(core: State<'_, AppCore>) -> Result<Vec<SafetyRuleView>, AppError> {
    manager(&core)?;
    Ok(core.store().safety_rules_view(Utc::now())?)
}

/// The signed-in manager changes the units a product class keeps back.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn set_safety_rule(
    core: State<'_, AppCore>,
    product_class: String,
    units: i64,
) -> Result<Vec<SafetyRuleView>, AppError> {
    let session = manager(&core)?;
    let changed = core.store().set_safety_rule(&session.associate_id, &product_class, units, Utc::now())?;
    let views = changed.map_err(pin_error)?;
    core.sync.sync_now();
    Ok(views)
}
