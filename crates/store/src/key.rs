//! Encryption at rest: the cache is a SQLCipher database (AES-256, a random 256-bit
//! raw key, so opening costs no key derivation). The key never lives in the file;
//! the app keeps it where the platform keeps secrets (see `src-tauri/src/platform.rs`).
//! Pictures are not secret and stay outside the cache.

use crate::{Result, Store, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The key of an encrypted cache. Never printed, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct CacheKey([u8; 32]);

impl CacheKey {
    /// A fresh random key from the operating system.
    pub fn generate() -> CacheKey {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        CacheKey(bytes)
    }

    /// A key written with [`CacheKey::to_hex`].
    pub fn from_hex(text: &str) -> Option<CacheKey> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, chunk) in text.as_bytes().chunks(2).enumerate() {
            bytes[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(CacheKey(bytes))
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The SQL literal of the raw key: `"x'…'"` (hex digits only, nothing to escape).
    fn literal(&self) -> String {
        format!("\"x'{}'\"", self.to_hex())
    }
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(…)")
    }
}

fn apply_key(conn: &Connection, key: &CacheKey) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.literal()))?;
    Ok(())
}

/// Whether `conn` can read its file (with the key it was given, if any).
fn readable(conn: &Connection) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok()
}

impl Store {
    /// Opens (creating if needed) the encrypted cache at `path` with `key`. A cache
    /// written before encryption is encrypted in place on the way; a cache that
    /// `key` can't read is [`StoreError::WrongKey`], and stays untouched.
    pub fn open_encrypted(path: &Path, key: &CacheKey) -> Result<Store> {
        let conn = Connection::open(path)?;
        apply_key(&conn, key)?;
        if readable(&conn) {
            return Self::from_connection(conn);
        }
        drop(conn);
        let plain = Connection::open(path)?;
        if !readable(&plain) {
            return Err(StoreError::WrongKey);
        }
        encrypt_in_place(plain, path, key)?;
        let conn = Connection::open(path)?;
        apply_key(&conn, key)?;
        if !readable(&conn) {
            return Err(StoreError::WrongKey);
        }
        Self::from_connection(conn)
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies the plaintext cache into an encrypted one beside it, then puts that in its
/// place and removes the plaintext files.
fn encrypt_in_place(plain: Connection, path: &Path, key: &CacheKey) -> Result<()> {
    let target = sidecar(path, ".encrypting");
    let _ = std::fs::remove_file(&target);
    let version: i64 = plain.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let target_text = target.to_str().ok_or_else(|| StoreError::Corrupt("the cache's path is not UTF-8".into()))?;
    plain.execute(&format!("ATTACH DATABASE ?1 AS encrypted KEY {}", key.literal()), [target_text])?;
    plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    plain.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
    plain.execute("DETACH DATABASE encrypted", [])?;
    drop(plain);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
    std::fs::rename(&target, path).map_err(|e| StoreError::Corrupt(format!("replacing the cache: {e}")))?;
    tracing::info!("cache encrypted in place");
    Ok(())
}
