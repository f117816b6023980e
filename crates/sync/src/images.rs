//! The device's picture cache: one file per content address in the app's data
//! directory, fetched after the catalog so products show offline. A file is written
//! under a temporary name and renamed, so a crash never leaves a partial picture
//! under a real address; an address is only ever written with bytes that hash to it.

use crate::{lock, Client, Progress, SyncError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;
use vitrina_protocol::{content_address, is_content_address};
use vitrina_store::Store;

/// Pictures fetched at once.
const IN_FLIGHT: usize = 6;

/// A directory of pictures named by content address.
#[derive(Debug, Clone)]
pub struct ImageCache {
    dir: PathBuf,
}

impl ImageCache {
    pub fn new(dir: impl Into<PathBuf>) -> ImageCache {
        ImageCache { dir: dir.into() }
    }

    /// Removes every picture.
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the picture `hash` lives, or None for something that is not an address
    /// (so no name from outside can reach another file).
    pub fn path(&self, hash: &str) -> Option<PathBuf> {
        is_content_address(hash).then(|| self.dir.join(hash))
    }

    pub fn has(&self, hash: &str) -> bool {
        self.path(hash).is_some_and(|p| p.is_file())
    }

    /// The picture's bytes, if present.
    pub fn read(&self, hash: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(hash)?).ok()
    }

    /// Stores `bytes` under `hash` after checking they hash to it.
    pub fn put(&self, hash: &str, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::{Error, ErrorKind};
        let path = self.path(hash).ok_or_else(|| Error::new(ErrorKind::InvalidInput, "not a content address"))?;
        if content_address(bytes) != hash {
            return Err(Error::new(ErrorKind::InvalidData, "bytes do not match their address"));
        }
        std::fs::create_dir_all(&self.dir)?;
        let partial = self.dir.join(format!(".{hash}.{}.partial", std::process::id()));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, &path)
    }

    /// The addresses among `wanted` not yet on disk.
    pub fn missing(&self, wanted: &[String]) -> Vec<String> {
        wanted.iter().filter(|h| !self.has(h)).cloned().collect()
    }
}

/// What is left to fetch: the catalog's pictures not on disk yet.
pub fn missing_images(store: &Arc<Mutex<Store>>, cache: &ImageCache) -> Result<Vec<String>, SyncError> {
    let wanted = lock(store).image_addresses()?;
    Ok(cache.missing(&wanted))
}

/// Fetches `missing` with a few requests in flight, writing each as it arrives, and
/// reports progress after each. Stops at the first failure (what arrived is kept;
/// the rest is fetched on the next round).
pub async fn fetch_images(
    client: &Client,
    cache: &ImageCache,
    missing: Vec<String>,
    mut progress: impl FnMut(Progress),
) -> Result<u64, SyncError> {
    let total = missing.len() as u64;
    let mut queue = missing.into_iter();
    let mut running = JoinSet::new();
    let mut done = 0u64;
    loop {
        while running.len() < IN_FLIGHT {
            let Some(hash) = queue.next() else { break };
            let client = client.clone();
            running.spawn(async move { client.image(&hash).await.map(|bytes| (hash, bytes)) });
        }
        let Some(joined) = running.join_next().await else {
            return Ok(done);
        };
        let (hash, bytes) = joined.map_err(|e| SyncError::Store(format!("picture task failed: {e}")))??;
        let writer = cache.clone();
        tokio::task::spawn_blocking(move || writer.put(&hash, &bytes))
            .await
            .map_err(|e| SyncError::Store(format!("picture task failed: {e}")))?
            .map_err(|e| SyncError::Store(format!("writing a picture: {e}")))?;
        done += 1;
        progress(Progress { done, total });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bytes_that_hash_to_the_address_are_stored_and_only_under_addresses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::new(dir.path().join("images"));
        let hash = content_address(b"picture");
        assert!(!cache.has(&hash));
        assert_eq!(cache.put(&hash, b"other").unwrap_err().kind(), std::io::ErrorKind::InvalidData);
        assert!(!cache.has(&hash));
        cache.put(&hash, b"picture").unwrap();
        assert!(cache.has(&hash));
        assert_eq!(cache.read(&hash).unwrap(), b"picture");
        for outside in ["../vitrina.db", "", "ABC", &hash.to_uppercase()] {
            assert_eq!(cache.path(outside), None, "{outside}");
        }
        let other = content_address(b"another");
        assert_eq!(cache.missing(&[hash.clone(), other.clone()]), vec![other]);
        let leftovers: Vec<_> = std::fs::read_dir(cache.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
