//! The people who work at a store and their PINs. Only an Argon2id hash of a PIN is
//! stored; it travels to the devices of the associate's store (its `store:<id>`
//! scope), so a device checks a PIN offline and no other store ever sees it.

use crate::error::CentralError;
use crate::sql::{params, Connection, OptionalExtension};
use crate::storage::{record_upsert, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use vitrina_protocol::{store_scope, AssociateRecord, Record};

/// A PIN is 4 to 8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The Argon2id PHC string of `pin`, with a fresh salt (the crate's default cost:
/// 19 MiB, 2 passes, which a device verifies in tens of milliseconds).
pub fn hash_pin(pin: &str) -> Result<String> {
    if !valid_pin(pin) {
        return Err(CentralError::Invalid("a PIN is 4 to 8 digits".into()));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CentralError::Internal(anyhow::anyhow!("hashing a PIN: {e}")))
}

/// Adds or replaces an associate and publishes it to its store's devices.
pub fn upsert(conn: &Connection, associate: &AssociateRecord) -> Result<i64> {
    if !matches!(associate.role.as_str(), "associate" | "manager") {
        return Err(CentralError::Invalid("role must be associate or manager".into()));
    }
    conn.prepare_cached(
        "INSERT INTO associate (id, store_id, name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, name = excluded.name, role = excluded.role,
             pin_hash = excluded.pin_hash, active = excluded.active",
    )?
    .execute(params![
        associate.id,
        associate.store_id,
        associate.name,
        associate.role,
        associate.pin_hash,
        associate.active
    ])?;
    record_upsert(conn, &store_scope(&associate.store_id), &Record::Associate(Box::new(associate.clone())))
}

/// Whether `associate_id` is an active manager of `store_id`.
pub fn is_manager(conn: &Connection, store_id: &str, associate_id: &str) -> Result<bool> {
    let row: Option<(String, String, bool)> = conn
        .prepare_cached("SELECT store_id, role, active FROM associate WHERE id = ?1")?
        .query_row([associate_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(matches!(row, Some((ref s, ref role, true)) if s == store_id && role == "manager"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHash, PasswordVerifier};

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        for good in ["0000", "1234", "12345678"] {
            assert!(valid_pin(good), "{good}");
        }
        for bad in ["", "123", "123456789", "12a4", "12 34", "١٢٣٤"] {
            assert!(!valid_pin(bad), "{bad}");
        }
        assert!(matches!(hash_pin("12"), Err(CentralError::Invalid(_))));
    }

    #[test]
    fn the_hash_verifies_the_pin_and_nothing_else_and_is_salted() {
        let hash = hash_pin("4821").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default().verify_password(b"4821", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"4822", &parsed).is_err());
        assert_ne!(hash, hash_pin("4821").unwrap(), "a fresh salt every time");
    }
}
