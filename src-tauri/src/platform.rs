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

/// The key of the device's encrypted cache, in `cache.key` beside it: made on first
/// start from the operating system's randomness, readable and writable by this
/// user only (0600 on Unix; a looser file is tightened). Pictures need no key.
pub fn cache_key(data_dir: &std::path::Path) -> Result<vitrina_store::CacheKey, Box<dyn std::error::Error>> {
    let path = data_dir.join("cache.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            only_for_this_user(&path)?;
            Ok(vitrina_store::CacheKey::from_hex(&text).ok_or("cache.key is damaged")?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            let key = vitrina_store::CacheKey::generate();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&path)?;
            file.write_all(key.to_hex().as_bytes())?;
            file.sync_all()?;
            Ok(key)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(unix)]
fn only_for_this_user(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        tracing::warn!("cache.key was readable by others; made private");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn only_for_this_user(_: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}
