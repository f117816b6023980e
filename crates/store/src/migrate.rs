//! Numbered, append-only migrations embedded in the binary. The schema version is
//! SQLite's `user_version`; each migration runs in its own transaction with the
//! version bump, so a crash mid-upgrade leaves the previous version intact.

use crate::{Result, StoreError};
use rusqlite::Connection;

/// Every migration, in order. Append only: a released migration never changes.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("../migrations/0001_initial.sql")),
    ("0002_outbox", include_str!("../migrations/0002_outbox.sql")),
    ("0003_customers", include_str!("../migrations/0003_customers.sql")),
    ("0004_checksums", include_str!("../migrations/0004_checksums.sql")),
    ("0005_customer_mode", include_str!("../migrations/0005_customer_mode.sql")),
    ("0006_appointments", include_str!("../migrations/0006_appointments.sql")),
    ("0007_rooms", include_str!("../migrations/0007_rooms.sql")),
    ("0008_commerce", include_str!("../migrations/0008_commerce.sql")),
    ("0009_attribution", include_str!("../migrations/0009_attribution.sql")),
    ("0010_filling", include_str!("../migrations/0010_filling.sql")),
    ("0011_stock_entry_hash", include_str!("../migrations/0011_stock_entry_hash.sql")),
    ("0012_stock_by_location", include_str!("../migrations/0012_stock_by_location.sql")),
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::TooNew { found: current, known });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(migration = name, "cache migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema as SQLite reports it, normalised for comparison.
    fn schema_of(conn: &Connection) -> String {
        let mut stmt = conn
            .prepare(
                "SELECT sql FROM sqlite_schema
                 WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search_%'
                 ORDER BY type, name",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.map(|r| r.unwrap() + ";\n").collect()
    }

    #[test]
    fn a_cache_migrated_from_scratch_equals_the_committed_schema_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("cache.db")).unwrap();
        let actual = schema_of(store.connection());
        let snapshot_path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql");
        if std::env::var_os("VITRINA_BLESS").is_some() {
            std::fs::write(snapshot_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(snapshot_path).unwrap_or_default();
        assert_eq!(actual, expected, "schema.sql is stale: run with VITRINA_BLESS=1 and commit it");
    }

    #[test]
    fn reopening_a_migrated_cache_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        drop(crate::Store::open(&path).unwrap());
        let store = crate::Store::open(&path).unwrap();
        let version: i64 = store.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn an_app_update_migrates_the_cache_and_keeps_unsent_commands() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        {
            // A cache as the build before the customers migration left it, with an
            // order still in its outbox.
            let conn = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..2] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute(
                "INSERT INTO outbox (counter, mutation_id, command, state, created_at)
                 VALUES (1, 'm-1', '{\"command\":\"cancel_order\",\"order_id\":\"o-1\"}', 'pending', 'now')",
                [],
            )
            .unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        assert_eq!(store.pending_count().unwrap(), 1, "the unsent command survived the update");
        assert_eq!(store.pending_mutations(10).unwrap()[0].mutation_id, "m-1");
    }

    #[test]
    fn an_update_moves_each_stock_rows_entry_hash_onto_the_row_and_the_checksum_still_holds() {
        use vitrina_protocol::{entry_hash, Change, Record, ScopePage, ScopeStatus, StockRecord};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let record = |on_hand| {
            Record::Stock(StockRecord {
                sku: "S-1".into(),
                location_id: "EAST".into(),
                on_hand,
                reserved: 0,
                in_transit: 0,
                transit_eta: None,
            })
        };
        let hash = |r: &Record| entry_hash("stock:S-1", serde_json::to_string(r).unwrap());
        {
            // A cache as the build before the move left it: the row, its hash in
            // scope_entry, the scope's checksum in its cursor.
            let conn = Connection::open(&path).unwrap();
            for (_, sql) in &MIGRATIONS[..10] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 10).unwrap();
            conn.execute_batch(
                "INSERT INTO stock (sku, location_id, on_hand, reserved, in_transit) VALUES ('S-1', 'EAST', 4, 0, 0);",
            )
            .unwrap();
            conn.execute(
                "INSERT INTO scope_entry (scope, key, hash) VALUES ('inventory:EAST', 'stock:S-1', ?1)",
                [hash(&record(4))],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO scope_cursor (scope, after, head, checksum) VALUES ('inventory:EAST', 1, 1, ?1)",
                [hash(&record(4))],
            )
            .unwrap();
        }
        let mut store = crate::Store::open(&path).unwrap();
        let entries: i64 = store.connection().query_row("SELECT COUNT(*) FROM scope_entry", [], |r| r.get(0)).unwrap();
        assert_eq!(entries, 0, "the row holds its hash now");
        let delta = ScopePage {
            scope: "inventory:EAST".into(),
            status: ScopeStatus::Ok,
            changes: vec![Change::upsert(2, record(3))],
            cursor: 2,
            head: 2,
            remaining: 0,
            checksum: Some(hash(&record(3))),
        };
        assert_eq!(store.apply_page(&delta, "2026-11-24T10:00:00Z").unwrap(), crate::PageOutcome::Applied);
        assert_eq!(store.stock_level("S-1", "EAST").unwrap().map(|l| l.on_hand), Some(3));
    }

    #[test]
    fn a_cache_from_a_newer_build_is_refused_rather_than_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        drop(crate::Store::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(crate::Store::open(&path), Err(StoreError::TooNew { found: 99, .. })));
    }
}
