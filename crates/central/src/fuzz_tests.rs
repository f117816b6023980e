//! Every request body and query the central accepts, spoiled in every way a client
//! (or an attacker) could: malformed JSON, wrong types, missing and unknown fields,
//! huge numbers and strings, deep nesting, Unicode edge cases. Each answer must be a
//! 4xx with a JSON error (`code` and `message`) or a success, never a 5xx, a panic
//! or a hang. Valid credentials are sent, so the bodies reach the handlers.

use crate::testing::{demo_db, demo_pin, device_token};
use crate::AppState;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use tower::ServiceExt;
use vitrina_protocol::{ASSOCIATE_HEADER, PROTOCOL_HEADER, PROTOCOL_VERSION};

const STORE: &str = "CL-SCL-01";

/// Who sends a request.
#[derive(Clone, Copy)]
enum As {
    Nobody,
    Device,
    Manager,
    Channel,
}

/// A valid body for every endpoint that takes one: the seeds the spoiling starts from.
fn seeds(sku: &str, store_slot: &str) -> Vec<(&'static str, As, Value)> {
    let mutation = |command: Value| {
        let mut m = json!({"mutation_id": "018f0000-0000-7000-8000-000000000001", "counter": 1});
        for (k, v) in command.as_object().unwrap() {
            m[k] = v.clone();
        }
        json!({"mutations": [m]})
    };
    vec![
        ("/v1/enroll", As::Nobody, json!({"code": "ABCD-2345", "device_name": "Tablet caja 2"})),
        ("/v1/pull", As::Device, json!({"cursors": [{"scope": "catalog", "after": 0}], "limit": 10, "wait_ms": 0})),
        (
            "/v1/push",
            As::Device,
            mutation(json!({"command": "create_customer", "id": "018f0000-0000-7000-8000-0000000000c1",
                "store_id": STORE, "name": "Ana", "phone": "+56991234567", "email": null, "marketing_consent": false})),
        ),
        (
            "/v1/push",
            As::Device,
            mutation(json!({"command": "place_order", "order_id": "o-1", "order_number": "N-1",
                "lines": [{"sku": sku, "quantity": 1, "source_location_id": STORE}],
                "fulfilment": {"mode": "pick_up_at", "store_id": STORE}, "customer_id": null,
                "payment": {"method": "at_till", "reference": null}, "promise_date": null})),
        ),
        (
            "/v1/push",
            As::Device,
            mutation(
                json!({"command": "book_appointment", "appointment_id": "a-1", "stylist_id": format!("{STORE}-STY-1"),
                "service_id": "SRV-IMAGEN", "start": store_slot, "customer_id": "c-1", "items": []}),
            ),
        ),
        (
            "/v1/push",
            As::Device,
            mutation(json!({"command": "record_lost_demand", "id": "l-1", "store_id": STORE, "sku": sku,
                "product_id": null, "text": null, "reason": "declined_wait", "associate_id": null,
                "recorded_at": "2026-11-24T10:00:00Z"})),
        ),
        (
            "/v1/push",
            As::Device,
            mutation(json!({"command": "set_safety_rule", "product_class": "core", "units": 2,
                "by_associate_id": format!("{STORE}-manager")})),
        ),
        ("/v1/associates/sign-in", As::Device, json!({"associate_id": format!("{STORE}-associate"), "pin": "0000"})),
        (
            "/v1/stock-movements",
            As::Channel,
            json!({"movements": [{"movement_id": "m-1", "sku": sku, "location_id": STORE, "kind": "sale", "quantity": 1}]}),
        ),
        (
            "/v1/channel/transactions",
            As::Channel,
            json!({"transactions": [{"transaction_id": "t-1", "channel": "pos", "kind": "sale",
                "occurred_at": "2026-11-24T10:00:00Z", "sold_at_store": STORE, "currency": "CLP",
                "lines": [{"sku": sku, "quantity": 1, "unit_minor": 19990}]}]}),
        ),
        ("/v1/orders/o-1/status", As::Channel, json!({"status": "picking"})),
        (
            "/v1/public/holds",
            As::Nobody,
            json!({"store": STORE, "service": "SRV-IMAGEN", "stylist": format!("{STORE}-STY-1"), "start": store_slot}),
        ),
        (
            "/v1/public/holds/h-1/confirm",
            As::Nobody,
            json!({"name": "Ana Pérez", "phone": "+56991234567", "email": "ana@example.com", "lang": "es"}),
        ),
    ]
}

/// Values that break assumptions: wrong types, extremes, and awkward text.
fn awkward(rng: &mut StdRng) -> Value {
    let long = "x".repeat(rng.gen_range(1_000..200_000));
    let choices = [
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e308),
        json!(-1e308),
        json!(0.5),
        json!(""),
        json!(" "),
        json!(long),
        json!("\u{0000}"),
        json!("\u{202E}gnp.exe"),
        json!("🙂🙃👩‍👩‍👧‍👦"),
        json!("ＣＬ－ＳＣＬ－０１"),
        json!("Robert'); DROP TABLE customer;--"),
        json!("%00%ff"),
        json!("\u{FEFF}"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"nested": {"deeper": [1, 2, 3]}}),
        json!("2026-02-30T25:61:61Z"),
        json!("9999-12-31T23:59:59Z"),
    ];
    choices[rng.gen_range(0..choices.len())].clone()
}

/// Every path to a value inside `value`.
fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(k.clone());
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(i.to_string());
                out.push(prefix.clone());
                paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| match v {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// One spoiled version of `seed`.
fn spoil(seed: &Value, rng: &mut StdRng) -> Vec<u8> {
    let mut body = seed.clone();
    let mut all = Vec::new();
    paths(&body, &mut Vec::new(), &mut all);
    match rng.gen_range(0..10) {
        // Replace a value somewhere.
        0..=4 if !all.is_empty() => {
            let path = &all[rng.gen_range(0..all.len())];
            if let Some(slot) = at(&mut body, path) {
                *slot = awkward(rng);
            }
        }
        // Drop a field.
        5 if !all.is_empty() => {
            let path = all[rng.gen_range(0..all.len())].clone();
            let (last, parent) = path.split_last().unwrap();
            if let Some(Value::Object(map)) = at(&mut body, parent) {
                map.remove(last);
            }
        }
        // An unknown field, or the whole body of another type.
        6 => {
            if let Value::Object(map) = &mut body {
                map.insert("unexpected".into(), awkward(rng));
            } else {
                body = awkward(rng);
            }
        }
        7 => body = awkward(rng),
        // Deep nesting.
        8 => {
            let depth = rng.gen_range(100..3_000);
            return format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
        }
        // Broken JSON.
        _ => {
            let text = serde_json::to_string(&body).unwrap();
            let cut = rng.gen_range(0..text.len().max(1));
            return match rng.gen_range(0..5) {
                0 => text.as_bytes()[..cut].to_vec(),
                1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                2 => [text.as_bytes(), b"garbage"].concat(),
                3 => vec![0xff, 0xfe, 0x00, 0x7b],
                _ => text.replacen(':', "", 1).into_bytes(),
            };
        }
    }
    serde_json::to_vec(&body).unwrap()
}

struct Caller {
    device: String,
    manager: String,
    channel: String,
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    who: As,
    caller: &Caller,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header(header::CONTENT_TYPE, "application/json");
    req = match who {
        As::Nobody => req,
        As::Device => req.header(header::AUTHORIZATION, format!("Bearer {}", caller.device)),
        As::Manager => req
            .header(header::AUTHORIZATION, format!("Bearer {}", caller.device))
            .header(ASSOCIATE_HEADER, caller.manager.as_str()),
        As::Channel => req.header(header::AUTHORIZATION, format!("Bearer {}", caller.channel)),
    };
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        app.clone().oneshot(req.body(Body::from(body)).unwrap()),
    )
    .await
    .expect("answered in time")
    .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 26).await.unwrap();
    (status, bytes.to_vec())
}

/// A 4xx must say what went wrong as `{code, message}`.
fn check(what: &str, status: StatusCode, body: &[u8]) {
    assert!(!status.is_server_error(), "{what}: {status} {}", String::from_utf8_lossy(&body[..body.len().min(300)]));
    if status.is_client_error() {
        let error: Value =
            serde_json::from_slice(body).unwrap_or_else(|_| panic!("{what}: {status} without a JSON error"));
        assert!(error["code"].is_string() && error["message"].is_string(), "{what}: {error}");
    }
}

/// The endpoints the queries below spoil.
const QUERIED: [&str; 5] =
    ["/v1/reports/store", "/v1/customers/lookup", "/v1/audit", "/v1/public/slots", "/v1/public/stores"];

/// Whether a concrete URI is an instance of an OpenAPI path template.
fn instance_of(uri: &str, template: &str) -> bool {
    let uri = uri.split('?').next().unwrap_or(uri);
    let (a, b): (Vec<&str>, Vec<&str>) = (uri.split('/').collect(), template.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(x, t)| t.starts_with('{') || x == t)
}

#[test]
fn the_seeds_cover_every_body_and_query_the_openapi_document_describes() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(crate::routes::ApiDoc::openapi()).unwrap();
    let seeds = seeds("SKU", "2026-11-26T13:00:00Z");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation.get("requestBody").is_some() {
                assert!(
                    seeds.iter().any(|(uri, _, _)| instance_of(uri, path)),
                    "{method} {path} takes a body: add a seed to spoil"
                );
            }
            let queried = operation["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            // The page itself and the calendar file only take a language or a token.
            if queried && !["/book", "/v1/public/bookings/{id}/calendar.ics"].contains(&path.as_str()) {
                assert!(
                    QUERIED.contains(&path.as_str()),
                    "{method} {path} takes a query: add it to the spoiled queries"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spoiled_bodies_and_queries_get_a_clear_4xx_never_a_5xx() {
    let (_dir, db) = demo_db();
    let app = crate::routes::router_with(
        AppState::new(db.clone()),
        crate::public::RateConfig { burst: 1e9, per_second: 1e9, write_burst: 1e9, write_per_second: 1e9 },
    );
    let app = app.layer(axum::Extension(axum::extract::ConnectInfo(std::net::SocketAddr::from(([192, 0, 2, 1], 1)))));
    let device = device_token(&db, STORE);
    let channel =
        db.blocking(|conn| crate::movements::mint_channel_token(conn, crate::commerce::IMPORT_CHANNEL)).unwrap();
    let sign_in = json!({"associate_id": format!("{STORE}-manager"), "pin": demo_pin(STORE, "manager")});
    let caller = Caller { device, manager: String::new(), channel };
    let (status, answer) =
        send(&app, Method::POST, "/v1/associates/sign-in", As::Device, &caller, sign_in.to_string().into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    let manager = serde_json::from_slice::<Value>(&answer).unwrap()["token"].as_str().unwrap().to_owned();
    let caller = Caller { manager, ..caller };
    let sku: String =
        db.blocking(|conn| Ok(conn.query_row("SELECT sku FROM variant LIMIT 1", (), |r| r.get(0))?)).unwrap();

    let rounds: usize = std::env::var("VITRINA_FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 = std::env::var("VITRINA_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(20_261_124);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sent = 0;
    for (uri, who, body) in seeds(&sku, "2026-11-26T13:00:00Z") {
        let (status, answer) = send(&app, Method::POST, uri, who, &caller, body.to_string().into_bytes()).await;
        check(&format!("POST {uri} as sent"), status, &answer);
        for round in 0..rounds {
            let spoiled = spoil(&body, &mut rng);
            let (status, answer) = send(&app, Method::POST, uri, who, &caller, spoiled.clone()).await;
            let shown = String::from_utf8_lossy(&spoiled[..spoiled.len().min(200)]).into_owned();
            check(&format!("POST {uri} round {round} (seed {seed}) body {shown}"), status, &answer);
            sent += 1;
        }
    }
    // Queries of the endpoints that take them.
    let queries: [(&str, As, &[&str]); QUERIED.len()] = [
        ("/v1/reports/store", As::Manager, &["from", "to", "format"]),
        ("/v1/customers/lookup", As::Device, &["q"]),
        ("/v1/audit", As::Manager, &["from", "to"]),
        ("/v1/public/slots", As::Nobody, &["store", "service", "stylist", "from", "days"]),
        ("/v1/public/stores", As::Nobody, &["q", "lat", "lon", "lang"]),
    ];
    for (path, who, names) in queries {
        for round in 0..rounds {
            let mut pairs = Map::new();
            for name in names {
                if rng.gen_bool(0.7) {
                    let value = match awkward(&mut rng) {
                        Value::String(s) => s.chars().take(5_000).collect::<String>(),
                        other => other.to_string(),
                    };
                    pairs.insert((*name).to_owned(), Value::String(value));
                }
            }
            let query: String = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", urlencode(v.as_str().unwrap_or_default())))
                .collect::<Vec<_>>()
                .join("&");
            let uri = format!("{path}?{query}");
            let (status, answer) = send(&app, Method::GET, &uri, who, &caller, Vec::new()).await;
            check(&format!("GET {path} round {round} (seed {seed})"), status, &answer);
            sent += 1;
        }
    }
    assert!(sent >= 13 * rounds, "{sent} spoiled requests");
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
