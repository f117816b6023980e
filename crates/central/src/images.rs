//! Product pictures, stored by content address (the SHA-256 of their bytes).

use crate::sql::{params, Connection, OptionalExtension};
use crate::storage::Result;
use vitrina_protocol::content_address;

/// A stored picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores `bytes` (once, however often it is put) and answers its address.
pub fn put(conn: &Connection, content_type: &str, bytes: &[u8]) -> Result<String> {
    let hash = content_address(bytes);
    conn.prepare_cached(
        "INSERT INTO image (hash, content_type, bytes) VALUES (?1, ?2, ?3) ON CONFLICT (hash) DO NOTHING",
    )?
    .execute(params![hash, content_type, bytes])?;
    Ok(hash)
}

/// The picture stored under `hash`, if any.
pub fn get(conn: &Connection, hash: &str) -> Result<Option<Image>> {
    Ok(conn
        .prepare_cached("SELECT content_type, bytes FROM image WHERE hash = ?1")?
        .query_row([hash], |r| Ok(Image { content_type: r.get(0)?, bytes: r.get(1)? }))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_stored_once_under_the_hash_of_its_bytes() {
        let (_dir, db) = crate::testing::empty_db();
        db.blocking(|conn| {
            let a = put(conn, "image/png", b"first")?;
            let again = put(conn, "image/png", b"first")?;
            let b = put(conn, "image/png", b"second")?;
            assert_eq!(a, again);
            assert_ne!(a, b);
            assert_eq!(a, content_address(b"first"));
            let count: i64 = conn.query_row("SELECT COUNT(*) FROM image", (), |r| r.get(0))?;
            assert_eq!(count, 2);
            assert_eq!(get(conn, &b)?.unwrap().bytes, b"second");
            assert_eq!(get(conn, &"0".repeat(64))?, None);
            Ok(())
        })
        .unwrap();
    }
}
