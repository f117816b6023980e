//! Helpers for the central's own tests.

use std::sync::OnceLock;

/// A central database with the demo chain. The chain is loaded once (it takes
/// seconds in a debug build) and copied for every test.
pub fn demo_db() -> (tempfile::TempDir, crate::Db) {
    static TEMPLATE: OnceLock<crate::Db> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let db = crate::Db::open(std::path::Path::new(":memory:")).unwrap();
        crate::demo::load_if_empty(&db).unwrap();
        db
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.db");
    let target = path.to_str().unwrap().to_owned();
    template
        .blocking(move |conn| {
            conn.execute("VACUUM INTO ?1", [target])?;
            Ok(())
        })
        .unwrap();
    let db = crate::Db::open(&path).unwrap();
    (dir, db)
}

/// Enrolls a device of `store_id` directly in the database; answers its token.
pub fn device_token(db: &crate::Db, store_id: &str) -> String {
    let token = crate::routes::new_token();
    let device_id = uuid::Uuid::now_v7().to_string();
    let t = token.clone();
    let store = store_id.to_owned();
    db.blocking(move |conn| {
        let tx = conn.transaction()?;
        crate::storage::insert_device(&tx, &device_id, &store, "test device", &t)?;
        tx.commit()?;
        Ok(())
    })
    .unwrap();
    token
}

/// The demo PIN of the `role` of `store_id`.
pub fn demo_pin(store_id: &str, role: &str) -> String {
    let chain = crate::demo_data::chain(crate::demo::DEMO_SEED, crate::demo::DEMO_PRODUCTS);
    crate::demo::demo_people(&chain.locations)
        .into_iter()
        .find(|p| p.store_id == store_id && p.role == role)
        .map(|p| p.pin)
        .expect("a demo person")
}
