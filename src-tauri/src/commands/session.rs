//! Associates signing in on the device. Every associate signs in with their PIN
//! before the app shows anything of the store; one PIN switches to someone else,
//! whoever was signed in before. The PIN is checked offline against the roster
//! synced to the device (with the back-off); when the central can be reached the
//! associate is signed in there too, for the requests that need a person. The
//! screen locks after [`AppCore::sign_out_after`] untouched.
//!
//! Every command queued while someone is signed in carries their id to the central,
//! which checks it against the store's roster and records it in the audit log.

use crate::error::AppError;
use crate::state::{AppCore, AssociateView, Signed};
use chrono::Utc;
use tauri::{AppHandle, Manager, State, WebviewWindow};
use vitrina_store::PinCheck;

/// Commands that run with nobody signed in: what the enrollment, first-sync and
/// sign-in screens need. The invoke gate refuses every other one with
/// `sign_in_required` (customer mode has its own list).
pub const OPEN_COMMANDS: &[&str] = &[
    "app_state",
    "enroll",
    "sync_status",
    "sync_now",
    "sign_in",
    "sign_out",
    "associate_session",
    "still_here",
    "manager_sign_in",
    "manager_session",
];

/// Whether `command` may run with nobody signed in.
pub fn open_without_sign_in(command: &str) -> bool {
    OPEN_COMMANDS.contains(&command)
}

/// Checks a PIN offline, off the async workers (Argon2 takes tens of
/// milliseconds per associate).
pub(crate) async fn check_pin(window: &WebviewWindow, pin: String) -> Result<PinCheck, AppError> {
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn_blocking(move || app.state::<AppCore>().store().sign_in(&pin, Utc::now()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "PIN check panicked");
            AppError::Internal
        })?
        .map_err(AppError::from)
}

/// How long a sign-in waits for the central's session before going on without
/// it (the session is attached when it comes).
const CENTRAL_SIGN_IN_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// Signs in the associate a PIN was accepted for, replacing whoever was on, at
/// once: the device's own check is enough. The central is asked for a session in
/// the background (for the requests that need a person), and waited for only
/// briefly, so an unreachable central never holds up a sign-in.
pub(crate) async fn open_session(
    app: &AppHandle,
    core: &AppCore,
    associate_id: String,
    name: String,
    role: String,
    pin: &str,
) -> Signed {
    let session =
        Signed { associate_id: associate_id.clone(), name, role, central_token: None, last_active: Utc::now() };
    if let Some(before) = core.set_session(Some(session.clone())) {
        core.forget_at_central(before);
    }
    tracing::info!(associate = %session.associate_id, role = %session.role, "signed in");
    if let Ok(client) = core.client() {
        let (app, pin) = (app.clone(), pin.to_owned());
        let central = tauri::async_runtime::spawn(async move {
            match client.sign_in(&associate_id, &pin).await {
                Ok(answer) => app.state::<AppCore>().attach_central_token(&associate_id, answer.token),
                Err(e) => tracing::warn!(error = %e, "associate not signed in at the central"),
            }
        });
        let _ = tokio::time::timeout(CENTRAL_SIGN_IN_WAIT, central).await;
    }
    core.signed_in(Utc::now()).unwrap_or(session)
}

pub(crate) fn refused(check: PinCheck) -> AppError {
    match check {
        PinCheck::Wrong { attempts_left } => AppError::WrongPin { attempts_left },
        PinCheck::Locked { retry_after_s } => AppError::PinLocked { retry_after_s },
        PinCheck::Accepted { .. } => AppError::Internal,
    }
}

/// Signs in whoever `pin` belongs to. Refused with `wrong_pin`, `pin_locked`, or
/// `no_pins` while no associate of the store has reached the device.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sign_in(core: State<'_, AppCore>, window: WebviewWindow, pin: String) -> Result<AssociateView, AppError> {
    if !core.store().has_associates()? {
        return Err(AppError::NoPins);
    }
    match check_pin(&window, pin.clone()).await? {
        PinCheck::Accepted { associate_id, name, role } => {
            let session = open_session(window.app_handle(), &core, associate_id, name, role, &pin).await;
            Ok(core.view(&session))
        }
        other => Err(refused(other)),
    }
}

/// Signs the associate out here and at the central; the sign-in screen follows.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sign_out(core: State<'_, AppCore>) -> Result<(), AppError> {
    if let Some(ended) = core.set_session(None) {
        core.forget_at_central(ended);
    }
    Ok(())
}

/// The associate signed in, if any (and not idle too long).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn associate_session(core: State<'_, AppCore>) -> Result<Option<AssociateView>, AppError> {
    Ok(core.signed_in(Utc::now()).map(|s| core.view(&s)))
}

/// Somebody is using the screen: the session's idle clock starts again. Answers
/// the session, or none once it has ended.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn still_here(core: State<'_, AppCore>) -> Result<Option<AssociateView>, AppError> {
    Ok(core.touch(Utc::now()).map(|s| core.view(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::COMMANDS;

    #[test]
    fn with_nobody_signed_in_only_the_enrollment_and_sign_in_screens_commands_run() {
        for command in OPEN_COMMANDS {
            assert!(COMMANDS.contains(command), "{command} is not a command");
        }
        // Everything that reads or changes the store's data waits for a PIN.
        for command in [
            "search",
            "product_detail",
            "search_customers",
            "customer_profile",
            "place_order",
            "list_orders",
            "list_appointments",
            "store_report",
            "reset_device",
            "enter_customer_mode",
            "lookup_chain_customer",
            "revoke_device",
        ] {
            assert!(COMMANDS.contains(&command), "{command} is not a command");
            assert!(!open_without_sign_in(command), "{command} must need a signed-in associate");
        }
        let open: Vec<&str> = COMMANDS.iter().copied().filter(|c| open_without_sign_in(c)).collect();
        assert_eq!(open.len(), OPEN_COMMANDS.len());
    }

    #[test]
    fn a_refused_pin_says_why() {
        assert_eq!(refused(PinCheck::Wrong { attempts_left: 2 }), AppError::WrongPin { attempts_left: 2 });
        assert_eq!(refused(PinCheck::Locked { retry_after_s: 30 }), AppError::PinLocked { retry_after_s: 30 });
    }
}
