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

/// Where the key of the device's encrypted cache is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// The operating system's store of secrets.
    Keyring,
    /// `cache.key` in the data directory, readable by this user only.
    File,
}

/// The key of the device's encrypted cache, made on first start from the operating
/// system's randomness. It is kept in the OS keyring where there is one (an entry
/// per data directory); without one (a headless machine, no Secret Service), in
/// `cache.key` beside the cache, readable and writable by this user only (0600 on
/// Unix; a looser file is tightened). A key already in the file stays there.
/// `VITRINA_KEY_STORE=file` skips the keyring.
pub fn cache_key(
    data_dir: &std::path::Path,
) -> Result<(vitrina_store::CacheKey, KeyPlace), Box<dyn std::error::Error>> {
    let file = data_dir.join("cache.key");
    if file.exists() {
        return Ok((read_key_file(&file)?, KeyPlace::File));
    }
    if std::env::var("VITRINA_KEY_STORE").as_deref() != Ok("file") {
        match keyring_entry(data_dir) {
            Ok(entry) => match entry.get_password() {
                Ok(hex) => {
                    return Ok((
                        vitrina_store::CacheKey::from_hex(&hex).ok_or("the keyring's cache key is damaged")?,
                        KeyPlace::Keyring,
                    ))
                }
                Err(keyring::Error::NoEntry) => {
                    let key = vitrina_store::CacheKey::generate();
                    match entry.set_password(&key.to_hex()) {
                        Ok(()) => return Ok((key, KeyPlace::Keyring)),
                        Err(e) => tracing::warn!(error = %e, "no keyring to keep the cache key; using a private file"),
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the keyring can't be read; using a private file"),
            },
            Err(e) => tracing::warn!(error = %e, "no keyring; using a private file"),
        }
    }
    Ok((write_key_file(&file)?, KeyPlace::File))
}

/// The keyring entry of the cache in `data_dir` (several devices may share a machine
/// in tests and demos, each with its own data directory).
fn keyring_entry(data_dir: &std::path::Path) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new("vitrina", &format!("cache-key:{}", data_dir.display()))
}

fn read_key_file(path: &std::path::Path) -> Result<vitrina_store::CacheKey, Box<dyn std::error::Error>> {
    only_for_this_user(path)?;
    Ok(vitrina_store::CacheKey::from_hex(&std::fs::read_to_string(path)?).ok_or("cache.key is damaged")?)
}

fn write_key_file(path: &std::path::Path) -> Result<vitrina_store::CacheKey, Box<dyn std::error::Error>> {
    use std::io::Write;
    let key = vitrina_store::CacheKey::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(key.to_hex().as_bytes())?;
    file.sync_all()?;
    Ok(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs a Secret Service: `make test-keyring` runs it in a private D-Bus
    /// session with gnome-keyring unlocked, where it must pass (nothing is skipped).
    #[test]
    #[ignore = "needs a Secret Service: run by make test-keyring"]
    fn the_cache_key_is_kept_in_the_keyring_and_never_beside_the_cache() {
        assert_ne!(std::env::var("VITRINA_KEY_STORE").as_deref(), Ok("file"), "the keyring must be tried");
        let dir = std::env::temp_dir().join(format!("vitrina-keyring-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (key, place) = cache_key(&dir).unwrap();
        assert_eq!(place, KeyPlace::Keyring, "a keyring is there: the key goes in it");
        assert!(!dir.join("cache.key").exists(), "and no copy in a file");

        // The next start reads the same key back, and it opens the encrypted cache.
        let path = dir.join("vitrina.db");
        vitrina_store::Store::open_encrypted(&path, &key).unwrap();
        let (again, place) = cache_key(&dir).unwrap();
        assert_eq!((again.to_hex(), place), (key.to_hex(), KeyPlace::Keyring));
        assert!(vitrina_store::Store::open_encrypted(&path, &again).is_ok());
        assert!(matches!(
            vitrina_store::Store::open_encrypted(&path, &vitrina_store::CacheKey::generate()),
            Err(vitrina_store::StoreError::WrongKey)
        ));

        keyring_entry(&dir).unwrap().delete_credential().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
