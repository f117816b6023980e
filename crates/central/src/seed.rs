//! `vitrina-central seed`: a chain at the size it is measured at. The demo's
//! generator, given more stores and products: stores beyond the demo's twelve open
//! in the same cities and carry part of the catalog (their assortment); warehouses,
//! online locations and the demo's own stores carry all of it. Catalog and stock go
//! in with their change-log entries in bulk (COPY on PostgreSQL, one reused prepared
//! INSERT per row on SQLite), in one transaction.

use crate::demo::{self, DemoSummary, DEMO_SEED};
use crate::demo_data::{self, DemoChain};
use crate::error::CentralError;
use crate::storage::{Db, Result};

/// The size of the chain to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSpec {
    pub stores: usize,
    pub products: usize,
    /// Percent of the catalog each store beyond the demo's carries.
    pub assortment: u32,
}

/// The chain `spec` describes, and which of its stock rows exist: a store's
/// assortment is a fixed, even spread of the catalog.
pub struct Plan {
    pub chain: DemoChain,
    pub spec: SeedSpec,
    /// Stores up to this location index are the demo's own and carry everything.
    own_stores: usize,
}

impl Plan {
    pub fn new(spec: SeedSpec) -> Plan {
        let chain = demo_data::chain_of(DEMO_SEED, spec.products, spec.stores);
        let own_stores = demo_data::own_store_count().min(spec.stores);
        Plan { chain, spec, own_stores }
    }

    /// Whether the location at `location_index` carries the product at `product_index`.
    pub fn carries(&self, product_index: usize, location_index: usize) -> bool {
        let generated_store = location_index >= self.own_stores && location_index < self.spec.stores;
        if !generated_store {
            return true;
        }
        let mixed = (product_index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ (location_index as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        (mixed >> 32) % 100 < u64::from(self.spec.assortment)
    }

    /// The stock rows the seed will write, for a progress bar.
    pub fn stock_rows(&self) -> u64 {
        let mut rows = 0u64;
        for (p, product) in self.chain.products.iter().enumerate() {
            let carried = (0..self.chain.locations.len()).filter(|&l| self.carries(p, l)).count();
            rows += (product.variants.len() * carried) as u64;
        }
        rows
    }

    pub fn skus(&self) -> usize {
        self.chain.products.iter().map(|p| p.variants.len()).sum()
    }
}

/// Writes the chain of `plan` into `db`, which must hold no chain yet. `progress`
/// hears the stock rows written so far. The demo's PINs apply to the demo's stores;
/// every store's people get PINs derived the same way (`demo::demo_people`).
pub fn seed(db: &Db, plan: &Plan, progress: &dyn Fn(u64)) -> Result<DemoSummary> {
    let people = demo::hash_demo_pins(&demo::demo_people(&plan.chain.locations))?;
    db.blocking(|conn| {
        let existing: i64 = conn.query_row("SELECT COUNT(*) FROM location", (), |r| r.get(0))?;
        if existing > 0 {
            return Err(CentralError::Invalid(format!(
                "this database already holds a chain ({existing} locations): seed an empty one"
            )));
        }
        let tx = conn.transaction()?;
        let summary = demo::load(&tx, &plan.chain, &people, |p, l| plan.carries(p, l), progress)?;
        tx.commit()?;
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo_data::DemoLocationKind;
    use vitrina_protocol::{entry_hash, inventory_scope, CATALOG_SCOPE};

    #[test]
    fn a_seeded_chain_has_every_planned_row_with_a_consistent_change_log_and_refuses_a_second_seed() {
        let (_dir, db) = crate::testing::empty_db();
        let plan = Plan::new(SeedSpec { stores: 16, products: 40, assortment: 30 });
        let steps = std::sync::Mutex::new(Vec::new());
        let summary = seed(&db, &plan, &|rows| steps.lock().unwrap().push(rows)).unwrap();
        assert_eq!(summary.stock_rows as u64, plan.stock_rows());
        assert_eq!(steps.lock().unwrap().last().copied(), Some(plan.stock_rows()), "progress reaches the end");

        let generated = &plan.chain.locations[13];
        assert_eq!(generated.kind, DemoLocationKind::Store);
        assert!(!generated.id.is_empty() && generated.id != plan.chain.locations[1].id);
        db.blocking(|conn| {
            let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, (), |r| r.get(0))?) };
            assert_eq!(count("SELECT COUNT(*) FROM location WHERE kind = 'store'")?, 16);
            assert_eq!(count("SELECT COUNT(*) FROM stock")? as u64, plan.stock_rows());
            assert_eq!(count("SELECT COUNT(*) FROM variant")? as usize, plan.skus());
            let at_generated: i64 =
                conn.query_row("SELECT COUNT(*) FROM stock WHERE location_id = ?1", [&generated.id], |r| r.get(0))?;
            assert!(
                at_generated > 0 && (at_generated as usize) < plan.skus(),
                "a generated store carries part of the catalog: {at_generated} of {}",
                plan.skus()
            );
            for scope in [CATALOG_SCOPE.to_owned(), inventory_scope(&generated.id), inventory_scope("CL-WH-01")] {
                let (head, checksum): (i64, i64) =
                    conn.query_row("SELECT head, checksum FROM scope_head WHERE scope = ?1", [&scope], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                let entries: Vec<(i64, String, String)> = conn
                    .prepare("SELECT seq, key, payload FROM change_log WHERE scope = ?1 ORDER BY seq")?
                    .query_map([&scope], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<std::result::Result<_, _>>()?;
                let seqs: Vec<i64> = entries.iter().map(|e| e.0).collect();
                assert_eq!(seqs, (1..=head).collect::<Vec<_>>(), "{scope}: gap-free from 1 to its head");
                let xor = entries.iter().fold(0, |acc, (_, key, payload)| acc ^ entry_hash(key, payload));
                assert_eq!(xor, checksum, "{scope}: the checksum devices verify against");
            }
            Ok(())
        })
        .unwrap();

        let again = seed(&db, &plan, &|_| {});
        assert!(matches!(again, Err(CentralError::Invalid(_))), "a second seed is refused");
    }

    #[test]
    fn every_record_a_device_reads_back_gives_the_bytes_its_checksum_was_made_of() {
        // Forty stores: the generated ones have coordinates that take every digit
        // of a double, where inexact float parsing once broke a device's checksum.
        let (_dir, db) = crate::testing::empty_db();
        let plan = Plan::new(SeedSpec { stores: 40, products: 5, assortment: 30 });
        seed(&db, &plan, &|_| {}).unwrap();
        db.blocking(|conn| {
            let rows: Vec<(String, String)> = conn
                .prepare("SELECT key, payload FROM change_log WHERE payload IS NOT NULL")?
                .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?;
            for (key, payload) in &rows {
                let record: vitrina_protocol::Record = serde_json::from_str(payload).unwrap();
                assert_eq!(&serde_json::to_string(&record).unwrap(), payload, "{key} as a device serializes it");
                assert_eq!(&record.key(), key);
            }
            Ok(())
        })
        .unwrap();
    }
}
