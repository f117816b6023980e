//! Helpers for the central's own tests.

use crate::db::TEST_POSTGRES_ENV;
use crate::Db;
use std::sync::OnceLock;

/// The PostgreSQL server the tests run on, when `VITRINA_TEST_POSTGRES` names one;
/// otherwise they run on SQLite. Every test of the central's storage goes through
/// [`empty_db`] or [`demo_db`], so the whole suite runs on either engine.
pub fn postgres_url() -> Option<String> {
    std::env::var(TEST_POSTGRES_ENV).ok().filter(|url| !url.is_empty())
}

/// A new, empty central database of its own.
pub fn empty_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = match postgres_url() {
        Some(url) => Db::create_scratch_postgres(&url, None)
            .unwrap_or_else(|e| panic!("{TEST_POSTGRES_ENV} is set but PostgreSQL at {url} can't be used: {e:#}")),
        None => Db::open(&dir.path().join("central.db")).unwrap(),
    };
    (dir, db)
}

/// A central database with the demo chain. The chain is loaded once (it takes
/// seconds in a debug build) and copied for every test.
pub fn demo_db() -> (tempfile::TempDir, Db) {
    static TEMPLATE: OnceLock<Db> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let (_dir, db) = match postgres_url() {
            Some(_) => empty_db(),
            None => (tempfile::tempdir().unwrap(), Db::open(std::path::Path::new(":memory:")).unwrap()),
        };
        crate::demo::load_if_empty(&db).unwrap();
        if postgres_url().is_some() {
            // PostgreSQL copies a database only while nobody is connected to it.
            db.close_connections();
        }
        db
    });
    let dir = tempfile::tempdir().unwrap();
    if let Some(url) = postgres_url() {
        let db = Db::create_scratch_postgres(&url, template.postgres_name().as_deref()).unwrap();
        return (dir, db);
    }
    let path = dir.path().join("central.db");
    let target = path.to_str().unwrap().to_owned();
    template
        .blocking(move |conn| {
            conn.execute("VACUUM INTO ?1", [&target])?;
            Ok(())
        })
        .unwrap();
    let db = Db::open(&path).unwrap();
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

/// Who sends a request: a bearer token (a device's or a channel's) and an
/// associate's session, each if any.
#[derive(Clone, Copy)]
pub struct Caller<'a> {
    pub bearer: Option<&'a str>,
    pub associate: Option<&'a str>,
}

/// One request to `app` as a device sends it (the protocol's version header, the
/// caller's tokens, a JSON body if any): the status, and the body read as JSON
/// (null when it isn't).
pub async fn request(
    app: &axum::Router,
    method: axum::http::Method,
    uri: &str,
    caller: Caller<'_>,
    body: Option<&serde_json::Value>,
) -> (axum::http::StatusCode, serde_json::Value) {
    use axum::body::Body;
    use axum::http::header;
    use tower::ServiceExt;
    use vitrina_protocol::{ASSOCIATE_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION};
    let mut req =
        axum::http::Request::builder().method(method).uri(uri).header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
    if let Some(token) = caller.bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(token) = caller.associate {
        req = req.header(ASSOCIATE_HEADER, token);
    }
    let req = match body {
        Some(body) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 26).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}
