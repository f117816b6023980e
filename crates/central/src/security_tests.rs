//! Every endpoint against every kind of caller that must not get in: no token, a
//! bad token, a revoked device, the wrong kind of token, an associate where a
//! manager is needed, and another store's manager. The table below is the one in
//! SECURITY.md; a test checks that it names every path of the OpenAPI document, so a
//! new endpoint can't go in unclassified.

use crate::testing::{demo_db, demo_pin, device_token, request, Caller};
use crate::AppState;
use axum::http::{Method, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use utoipa::OpenApi;

const STORE: &str = "CL-SCL-01";
const OTHER: &str = "CL-SCL-02";

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (rate limited per client address).
    Public,
    /// Anyone with a valid one-time enrollment code (rate limited).
    Code,
    /// An enrolled, unrevoked device.
    Device,
    /// A device with an associate of its store signed in on it.
    Associate,
    /// A device with a manager of its store signed in on it.
    Manager,
    /// Another system with a channel token.
    Channel,
}

struct Endpoint {
    method: Method,
    /// As in the OpenAPI document.
    path: &'static str,
    /// A concrete request to it.
    uri: &'static str,
    body: Option<Value>,
    access: Access,
}

fn endpoints() -> Vec<Endpoint> {
    use Access::*;
    let e = |method: Method, path, uri, body: Option<Value>, access| Endpoint { method, path, uri, body, access };
    vec![
        e(Method::GET, "/health", "/health", None, Public),
        e(Method::GET, "/openapi.json", "/openapi.json", None, Public),
        e(Method::POST, "/v1/enroll", "/v1/enroll", Some(json!({"code": "ABCD-2345", "device_name": "x"})), Code),
        e(Method::GET, "/v1/session", "/v1/session", None, Device),
        e(Method::POST, "/v1/pull", "/v1/pull", Some(json!({"cursors": [], "limit": 1})), Device),
        e(Method::POST, "/v1/push", "/v1/push", Some(json!({"mutations": []})), Device),
        e(Method::GET, "/v1/availability/{sku}", "/v1/availability/NOPE", None, Device),
        e(
            Method::GET,
            "/v1/images/{hash}",
            "/v1/images/0000000000000000000000000000000000000000000000000000000000000000",
            None,
            Device,
        ),
        e(Method::GET, "/v1/customers/lookup", "/v1/customers/lookup?q=%2B56900000000", None, Device),
        e(
            Method::POST,
            "/v1/associates/sign-in",
            "/v1/associates/sign-in",
            Some(json!({"associate_id": "x", "pin": "0000"})),
            Device,
        ),
        e(Method::POST, "/v1/associates/sign-out", "/v1/associates/sign-out", None, Associate),
        e(Method::GET, "/v1/reports/store", "/v1/reports/store?from=2026-01-01", None, Manager),
        e(Method::GET, "/v1/devices", "/v1/devices", None, Manager),
        e(Method::POST, "/v1/devices/{id}/revoke", "/v1/devices/nope/revoke", None, Manager),
        e(Method::GET, "/v1/audit", "/v1/audit", None, Manager),
        e(Method::POST, "/v1/stock-movements", "/v1/stock-movements", Some(json!({"movements": []})), Channel),
        e(
            Method::POST,
            "/v1/channel/transactions",
            "/v1/channel/transactions",
            Some(json!({"transactions": []})),
            Channel,
        ),
        e(
            Method::POST,
            "/v1/orders/{id}/status",
            "/v1/orders/nope/status",
            Some(json!({"status": "picking"})),
            Channel,
        ),
        e(Method::GET, "/book", "/book", None, Public),
        e(Method::GET, "/v1/public/services", "/v1/public/services", None, Public),
        e(Method::GET, "/v1/public/stores", "/v1/public/stores?q=Providencia", None, Public),
        e(Method::GET, "/v1/public/slots", "/v1/public/slots?store=CL-SCL-01&service=SRV-IMAGEN", None, Public),
        e(Method::POST, "/v1/public/holds", "/v1/public/holds", Some(json!({})), Public),
        e(Method::DELETE, "/v1/public/holds/{id}", "/v1/public/holds/nope", None, Public),
        e(Method::POST, "/v1/public/holds/{id}/confirm", "/v1/public/holds/nope/confirm", Some(json!({})), Public),
        e(
            Method::GET,
            "/v1/public/bookings/{id}/calendar.ics",
            "/v1/public/bookings/nope/calendar.ics?token=x",
            None,
            Public,
        ),
    ]
}

async fn call(app: &Router, endpoint: &Endpoint, caller: Caller<'_>) -> (StatusCode, Value) {
    request(app, endpoint.method.clone(), endpoint.uri, caller, endpoint.body.as_ref()).await
}

#[test]
fn the_table_names_every_endpoint_of_the_openapi_document_and_security_md_lists_it() {
    let doc = crate::routes::ApiDoc::openapi();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let json = serde_json::to_value(item).unwrap();
        for method in ["get", "post", "put", "delete", "patch"] {
            if json.get(method).is_some() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    let mut table: Vec<(String, String)> =
        endpoints().iter().map(|e| (e.method.as_str().to_owned(), e.path.to_owned())).collect();
    documented.sort();
    table.sort();
    assert_eq!(table, documented, "every documented endpoint is classified, and nothing else");
    let security = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../SECURITY.md")).unwrap();
    for e in endpoints() {
        let row = format!("| `{} {}` |", e.method, e.path);
        assert!(security.contains(&row), "SECURITY.md has a row starting {row}");
    }
}

#[tokio::test]
async fn every_endpoint_refuses_whoever_must_not_get_in() {
    let (_dir, db) = demo_db();
    let app = crate::routes::router_with(
        AppState::new(db.clone()),
        crate::public::RateConfig { burst: 1e6, per_second: 1e6, write_burst: 1e6, write_per_second: 1e6 },
    );
    let device = device_token(&db, STORE);
    let other_device = device_token(&db, OTHER);
    let revoked = device_token(&db, STORE);
    let revoked_for = revoked.clone();
    db.blocking(move |conn| {
        let (id, _) = crate::storage::device_by_token(conn, &revoked_for)?.unwrap();
        crate::storage::revoke_device(conn, &id, None, crate::audit::Audit::default())?;
        Ok(())
    })
    .unwrap();
    let channel = db.blocking(|conn| crate::movements::mint_channel_token(conn, "pos")).unwrap();
    let sign_in = |bearer: &str, store: &str, role: &str| {
        let body = json!({"associate_id": format!("{store}-{role}"), "pin": demo_pin(store, role)});
        let endpoint = Endpoint {
            method: Method::POST,
            path: "/v1/associates/sign-in",
            uri: "/v1/associates/sign-in",
            body: Some(body),
            access: Access::Device,
        };
        let bearer = bearer.to_owned();
        let app = app.clone();
        async move {
            let (status, answer) = call(&app, &endpoint, Caller { bearer: Some(&bearer), associate: None }).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["token"].as_str().unwrap().to_owned()
        }
    };
    let associate = sign_in(&device, STORE, "associate").await;
    let other_manager = sign_in(&other_device, OTHER, "manager").await;

    let mut checked = 0;
    for e in endpoints() {
        let no_token = call(&app, &e, Caller { bearer: None, associate: None }).await;
        let bad_token = call(&app, &e, Caller { bearer: Some("0123456789abcdef"), associate: None }).await;
        let what = format!("{} {}", e.method, e.path);
        match e.access {
            Access::Public | Access::Code => {
                assert!(
                    !matches!(no_token.0, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || e.access == Access::Code,
                    "{what} is open: {:?}",
                    no_token
                );
                assert!(!no_token.0.is_server_error(), "{what}: {:?}", no_token);
            }
            Access::Device | Access::Associate | Access::Manager => {
                assert_eq!(no_token.0, StatusCode::UNAUTHORIZED, "{what} without a token");
                assert_eq!(
                    (bad_token.0, bad_token.1["code"].as_str()),
                    (StatusCode::UNAUTHORIZED, Some("unauthorized")),
                    "{what}"
                );
                let (status, body) = call(&app, &e, Caller { bearer: Some(&revoked), associate: None }).await;
                assert_eq!(
                    (status, body["code"].as_str()),
                    (StatusCode::UNAUTHORIZED, Some("device_revoked")),
                    "{what} revoked"
                );
                let (status, _) = call(&app, &e, Caller { bearer: Some(&channel), associate: None }).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} with a channel token");
            }
            Access::Channel => {
                assert_eq!(no_token.0, StatusCode::UNAUTHORIZED, "{what} without a token");
                assert_eq!(bad_token.0, StatusCode::UNAUTHORIZED, "{what}");
                let (status, _) = call(&app, &e, Caller { bearer: Some(&device), associate: None }).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what} with a device token");
            }
        }
        if matches!(e.access, Access::Associate | Access::Manager) {
            let (status, _) = call(&app, &e, Caller { bearer: Some(&device), associate: None }).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} with nobody signed in");
            let (status, _) = call(&app, &e, Caller { bearer: Some(&device), associate: Some("not-a-session") }).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} with a made-up session");
            let (status, _) = call(&app, &e, Caller { bearer: Some(&device), associate: Some(&other_manager) }).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} with another store's manager");
        }
        if e.access == Access::Manager {
            let (status, _) = call(&app, &e, Caller { bearer: Some(&device), associate: Some(&associate) }).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{what} with an associate");
        }
        checked += 1;
    }
    assert_eq!(checked, endpoints().len());

    // The wrong store through the data: another store's scope, and its customers.
    let pull = Endpoint {
        method: Method::POST,
        path: "/v1/pull",
        uri: "/v1/pull",
        body: Some(json!({"cursors": [{"scope": format!("store:{OTHER}"), "after": 0}], "limit": 10})),
        access: Access::Device,
    };
    let (status, _) = call(&app, &pull, Caller { bearer: Some(&device), associate: None }).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another store's scope");
}

#[tokio::test]
async fn every_command_is_attributed_to_an_associate_of_the_devices_store_and_audited() {
    use vitrina_protocol::*;
    let (_dir, db) = demo_db();
    let app = crate::routes::router(AppState::new(db.clone()));
    let device = device_token(&db, STORE);
    let sku: String = db
        .blocking(|conn| {
            Ok(conn.query_row(
                "SELECT sku FROM stock WHERE location_id = 'CL-WH-01' AND on_hand - reserved > 5 ORDER BY sku LIMIT 1",
                (),
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let order = |counter: i64, by: &str| Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        counter,
        made_by: Some(by.to_owned()),
        command: Command::PlaceOrder(PlaceOrder {
            order_id: uuid::Uuid::now_v7().to_string(),
            order_number: format!("{STORE}-AT-{counter}"),
            lines: vec![OrderLineRecord { sku: sku.clone(), quantity: 1, source_location_id: "CL-WH-01".into() }],
            fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Providencia 1208, Providencia".into() },
            customer_id: None,
            payment: PaymentRecord { method: "at_till".into(), reference: None },
            promise_date: None,
            allow_other_source: false,
        }),
    };
    let push = |mutation: Mutation| Endpoint {
        method: Method::POST,
        path: "/v1/push",
        uri: "/v1/push",
        body: Some(serde_json::to_value(PushRequest { mutations: vec![mutation] }).unwrap()),
        access: Access::Device,
    };
    let caller = || Caller { bearer: Some(&device), associate: None };

    let (_, answer) = call(&app, &push(order(1, &format!("{OTHER}-associate"))), caller()).await;
    assert_eq!(answer["results"][0]["rejection"]["reason"], "forbidden", "another store's associate: {answer}");
    let (_, answer) = call(&app, &push(order(2, "nobody")), caller()).await;
    assert_eq!(answer["results"][0]["rejection"]["reason"], "forbidden", "someone on no roster: {answer}");
    let by = format!("{STORE}-associate");
    let (_, answer) = call(&app, &push(order(3, &by)), caller()).await;
    assert_eq!(answer["results"][0]["outcome"], "applied", "{answer}");

    let audited: Vec<(String, Option<String>)> = db
        .blocking(|conn| {
            let mut stmt = conn.prepare(
                "SELECT subject, associate_id FROM audit_log WHERE action = 'order.placed' AND store_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([STORE], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(
        audited,
        vec![(format!("{STORE}-AT-3"), Some(by.clone()))],
        "only the applied order, with who placed it"
    );

    // A lookup made for a person carries their session: a made-up one is refused,
    // a real one is recorded with the lookup.
    let sign_in = Endpoint {
        method: Method::POST,
        path: "/v1/associates/sign-in",
        uri: "/v1/associates/sign-in",
        body: Some(json!({"associate_id": by, "pin": demo_pin(STORE, "associate")})),
        access: Access::Device,
    };
    let (status, answer) = call(&app, &sign_in, caller()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let session = answer["token"].as_str().unwrap().to_owned();
    let lookup = Endpoint {
        method: Method::GET,
        path: "/v1/customers/lookup",
        uri: "/v1/customers/lookup?q=nadie%40example.com",
        body: None,
        access: Access::Device,
    };
    let (status, _) = call(&app, &lookup, Caller { bearer: Some(&device), associate: Some("made-up") }).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a made-up session");
    let (status, _) = call(&app, &lookup, Caller { bearer: Some(&device), associate: Some(&session) }).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&app, &lookup, caller()).await;
    assert_eq!(status, StatusCode::OK, "a device's own lookup, for an associate signed in offline");
    let looked_up: Vec<Option<String>> = db
        .blocking(|conn| {
            let mut stmt = conn.prepare(
                "SELECT associate_id FROM audit_log WHERE action = 'customer.looked_up' AND store_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([STORE], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap();
    assert_eq!(looked_up, vec![Some(by), None], "each lookup is recorded, with who made it when known");
}
