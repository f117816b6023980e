//! The Vitrina app: Tauri commands over the cache (`vitrina-store`) and the sync
//! client (`vitrina-sync`), the app's state, and window setup.
//!
//! API boundary: this is the only crate that knows Tauri and IPC. Commands take
//! state, call one function of store or sync, and convert the error into
//! [`error::AppError`]; no SQL and no business rule lives here. The mobile entry
//! point is kept so Android and iPad builds stay a build step away; platform
//! specifics (where data lives, device name) sit in [`platform`].

pub mod commands;
pub mod error;
pub mod images;
pub mod platform;
pub mod state;

use tauri::{Emitter, Manager};

/// Every command the UI may call. The handler below and the UI's `COMMANDS` list
/// must name the same set (checked by a test).
pub const COMMANDS: &[&str] = &[
    "app_state",
    "enroll",
    "sync_status",
    "sync_now",
    "search",
    "find_barcode",
    "product_detail",
    "search_customers",
    "create_customer",
    "region_stores",
    "quote_order",
    "place_order",
    "list_orders",
    "order_detail",
    "cancel_order",
    "return_order",
    "reset_device",
    "enter_customer_mode",
    "showcase",
    "set_pick",
    "exit_customer_mode",
    "customer_selection",
    "dismiss_selection",
    "save_selection",
    "list_services",
    "stylist_days",
    "appointment_slots",
    "list_appointments",
    "book_appointment",
    "reschedule_appointment",
    "set_appointment_status",
    "stylist_schedule",
    "set_stylist_schedule",
    "customer_profile",
    "record_lost_demand",
    "manager_sign_in",
    "manager_sign_out",
    "manager_session",
    "store_report",
    "export_report_csv",
    "lost_demand",
    "safety_rules",
    "set_safety_rule",
    "lookup_chain_customer",
    "manager_devices",
    "revoke_device",
    "sign_in",
    "sign_out",
    "associate_session",
    "still_here",
];

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();

    let handler: Box<dyn Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![
            commands::app_state,
            commands::enroll,
            commands::sync_status,
            commands::sync_now,
            commands::search,
            commands::find_barcode,
            commands::product_detail,
            commands::search_customers,
            commands::create_customer,
            commands::region_stores,
            commands::quote_order,
            commands::place_order,
            commands::list_orders,
            commands::order_detail,
            commands::cancel_order,
            commands::return_order,
            commands::reset_device,
            commands::enter_customer_mode,
            commands::showcase,
            commands::set_pick,
            commands::exit_customer_mode,
            commands::customer_selection,
            commands::dismiss_selection,
            commands::save_selection,
            commands::list_services,
            commands::stylist_days,
            commands::appointment_slots,
            commands::list_appointments,
            commands::book_appointment,
            commands::reschedule_appointment,
            commands::set_appointment_status,
            commands::stylist_schedule,
            commands::set_stylist_schedule,
            commands::customer_profile,
            commands::record_lost_demand,
            commands::manager_sign_in,
            commands::manager_sign_out,
            commands::manager_session,
            commands::store_report,
            commands::export_report_csv,
            commands::lost_demand,
            commands::safety_rules,
            commands::set_safety_rule,
            commands::lookup_chain_customer,
            commands::manager_devices,
            commands::revoke_device,
            commands::sign_in,
            commands::sign_out,
            commands::associate_session,
            commands::still_here,
        ]);

    tauri::Builder::default()
        .setup(|app| {
            let data_dir = platform::data_dir(app.handle())?;
            let exports = platform::exports_dir(app.handle(), &data_dir);
            let core = state::AppCore::open(&data_dir, exports)?;
            let mut statuses = core.sync.watch();
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                while statuses.changed().await.is_ok() {
                    let status = state::sync_status_view(&statuses.borrow_and_update());
                    if let Err(e) = handle.emit("sync-status", status) {
                        tracing::warn!(error = %e, "could not emit sync status");
                    }
                }
            });
            if core.customer_mode() {
                // Restarted in customer mode: it stays on, full screen.
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.set_fullscreen(true);
                }
            }
            app.manage(core);
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(images::SCHEME, images::serve)
        .invoke_handler(move |invoke| {
            // The gates, in one place before any command runs: in customer mode only
            // the customer's commands; otherwise, with nobody signed in, only what
            // the enrollment and sign-in screens need.
            let command = invoke.message.command();
            let webview = invoke.message.webview();
            let core = webview.try_state::<state::AppCore>();
            let on = core.as_ref().is_some_and(|core| core.customer_mode());
            if !commands::allowed(command, on) {
                tracing::warn!(command, "refused in customer mode");
                invoke.resolver.reject(error::AppError::CustomerMode);
                return true;
            }
            let signed_in = || core.as_ref().is_some_and(|core| core.signed_in(chrono::Utc::now()).is_some());
            // A tablet whose store has no staff on it yet (enrolled to the wrong
            // store, say) can still be reset; the reset itself refuses while
            // commands made here are unsent.
            let nobody_can = || core.as_ref().is_some_and(|core| core.store().has_associates().is_ok_and(|any| !any));
            let reset_allowed = || command == "reset_device" && nobody_can();
            if !on && !commands::open_without_sign_in(command) && !signed_in() && !reset_allowed() {
                tracing::warn!(command, "refused: nobody signed in");
                invoke.resolver.reject(error::AppError::SignInRequired);
                return true;
            }
            handler(invoke)
        })
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "the app could not start");
            std::process::exit(1);
        });
}

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    #[test]
    fn the_ui_calls_exactly_the_registered_commands() {
        let api = include_str!("../../ui/src/lib/api/index.ts");
        let start = api.find("export const COMMANDS = [").expect("the UI lists its commands");
        let end = start + api[start..].find(']').expect("the list ends");
        let mut listed: Vec<&str> = api[start..end].split('"').skip(1).step_by(2).collect();
        let mut registered = COMMANDS.to_vec();
        listed.sort_unstable();
        registered.sort_unstable();
        assert_eq!(listed, registered, "ui/src/lib/api/index.ts and COMMANDS must agree");
    }

    #[test]
    fn every_registered_command_is_in_the_handler() {
        let source = include_str!("lib.rs");
        let handler = &source[source.find("generate_handler![").unwrap()..];
        let handler = &handler[..handler.find("]);").unwrap()];
        for name in COMMANDS {
            assert!(handler.contains(&format!("commands::{name},")), "{name} is not handled");
        }
    }
}
