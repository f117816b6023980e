//! Customer mode: the device handed to a customer to browse every colour and size
//! of a product. While it is on, the invoke gate in `lib.rs` refuses every command
//! but those in [`CUSTOMER_MODE_COMMANDS`], so no screen, shortcut or forged IPC
//! call reaches associate data; leaving takes an associate's PIN.

use crate::commands::session::{open_session, refused};
use crate::error::AppError;
use crate::state::AppCore;
use tauri::{Manager, State, WebviewWindow};
use vitrina_store::{CannotEnter, CustomerSession, Pick, PinCheck, Selection, Showcase};

/// The commands a customer's screen may call while customer mode is on. Every
/// other command is refused with `customer_mode` before it runs.
pub const CUSTOMER_MODE_COMMANDS: &[&str] = &["app_state", "sync_status", "showcase", "set_pick", "exit_customer_mode"];

/// Whether `command` may run, given whether customer mode is on.
pub fn allowed(command: &str, customer_mode: bool) -> bool {
    !customer_mode || CUSTOMER_MODE_COMMANDS.contains(&command)
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Full screen in customer mode, windowed otherwise; best effort (a window
/// manager may refuse, and a tablet is full screen anyway).
fn set_full_screen(window: &WebviewWindow, on: bool) {
    if let Err(e) = window.set_fullscreen(on) {
        tracing::warn!(error = %e, "could not change full screen");
    }
}

/// Hands the device to the customer on `product_id`.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core, window), err)]
pub async fn enter_customer_mode(
    core: State<'_, AppCore>,
    window: WebviewWindow,
    product_id: String,
) -> Result<CustomerSession, AppError> {
    let session = core.store().enter_customer_mode(&product_id, &now_text())?;
    let session = session.map_err(|CannotEnter::NoPins| AppError::NoPins)?;
    // The associate hands the device over: they are signed out, and whoever gives
    // a PIN to leave is signed in.
    if let Some(ended) = core.set_session(None) {
        core.forget_at_central(ended);
    }
    core.set_customer_mode(true);
    set_full_screen(&window, true);
    tracing::info!(product = %product_id, "customer mode on");
    Ok(session)
}

/// Every colour of a product with its pictures and per-size availability. In
/// customer mode only the session's product is shown.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn showcase(core: State<'_, AppCore>, product_id: String) -> Result<Showcase, AppError> {
    let store = core.store();
    if let Some(session) = store.customer_session()? {
        if session.product_id != product_id {
            return Err(AppError::CustomerMode);
        }
    }
    Ok(store.showcase(&product_id, chrono::Utc::now())?)
}

/// The customer likes (or no longer likes) a colour, or wants it in a size.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn set_pick(
    core: State<'_, AppCore>,
    product_id: String,
    color_code: String,
    size: Option<String>,
    wanted: bool,
    on: bool,
) -> Result<CustomerSession, AppError> {
    let mut store = core.store();
    let session = store.customer_session()?.ok_or(AppError::NotFound)?;
    if session.product_id != product_id {
        return Err(AppError::CustomerMode);
    }
    Ok(store.set_pick(&Pick { product_id, color_code, size, wanted }, on, &now_text())?)
}

/// Back to the associate with a PIN, who is signed in; answers what the customer
/// picked.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn exit_customer_mode(
    core: State<'_, AppCore>,
    window: WebviewWindow,
    pin: String,
) -> Result<Option<Selection>, AppError> {
    // Argon2 takes tens of milliseconds: off the async workers.
    let app = window.app_handle().clone();
    let typed = pin.clone();
    let (check, selection) = tauri::async_runtime::spawn_blocking(move || {
        let core = app.state::<AppCore>();
        let mut store = core.store();
        store.exit_customer_mode(&typed, chrono::Utc::now())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "PIN check panicked");
        AppError::Internal
    })??;
    match check {
        PinCheck::Accepted { associate_id, name, role } => {
            core.set_customer_mode(false);
            set_full_screen(&window, false);
            tracing::info!(associate = %associate_id, "customer mode off");
            open_session(window.app_handle(), &core, associate_id, name, role, &pin).await;
            Ok(selection)
        }
        other => Err(refused(other)),
    }
}

/// What a customer picked, waiting for the associate.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn customer_selection(core: State<'_, AppCore>) -> Result<Option<Selection>, AppError> {
    Ok(core.store().selection()?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn dismiss_selection(core: State<'_, AppCore>) -> Result<(), AppError> {
    Ok(core.store().dismiss_selection()?)
}

/// Saves the waiting selection to a customer's profile (synced to the central).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn save_selection(core: State<'_, AppCore>, customer_id: String) -> Result<(), AppError> {
    core.store().save_selection(&customer_id, &now_text())?;
    core.sync.sync_now();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::COMMANDS;

    #[test]
    fn in_customer_mode_only_the_customer_screen_commands_run() {
        let associate_only: Vec<&str> =
            COMMANDS.iter().copied().filter(|c| !CUSTOMER_MODE_COMMANDS.contains(c)).collect();
        // Everything an associate works with is refused, by name.
        for command in [
            "search",
            "find_barcode",
            "product_detail",
            "search_customers",
            "create_customer",
            "place_order",
            "list_orders",
            "order_detail",
            "cancel_order",
            "return_order",
            "reset_device",
            "enroll",
            "sync_now",
            "enter_customer_mode",
            "customer_selection",
            "save_selection",
            "dismiss_selection",
        ] {
            assert!(associate_only.contains(&command), "{command} must be associate-only");
        }
        for command in &associate_only {
            assert!(!allowed(command, true), "{command} runs in customer mode");
            assert!(allowed(command, false), "{command} is refused outside customer mode");
        }
        // A command nobody registered is refused in customer mode too.
        assert!(!allowed("plugin:fs|read_file", true));
        for command in CUSTOMER_MODE_COMMANDS {
            assert!(COMMANDS.contains(command), "{command} is not a registered command");
            assert!(allowed(command, true));
        }
    }
}
