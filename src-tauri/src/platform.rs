//! Platform seams: where the cache lives and what the device is called. Mobile
//! builds replace these, nothing else.

use std::path::PathBuf;
use tauri::Manager;

/// The directory for the cache: `$VITRINA_DATA_DIR` when set (tests, several
/// devices on one machine), else the OS's app data directory.
pub fn data_dir(app: &tauri::AppHandle) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = match std::env::var_os("VITRINA_DATA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => app.path().app_data_dir()?,
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A name for this device, shown to managers.
pub fn device_name() -> String {
    std::env::var("VITRINA_DEVICE_NAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Vitrina".to_owned())
}

/// Where exported reports are written: `$VITRINA_EXPORT_DIR` when set, else a
/// `Vitrina` folder in the user's documents (or the data directory without one).
pub fn exports_dir(app: &tauri::AppHandle, data_dir: &std::path::Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("VITRINA_EXPORT_DIR") {
        return PathBuf::from(dir);
    }
    app.path().document_dir().map(|d| d.join("Vitrina")).unwrap_or_else(|_| data_dir.join("exports"))
}
