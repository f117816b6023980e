//! A chain's central: the same behaviour on SQLite and on PostgreSQL, and several
//! central instances over one PostgreSQL database.

use std::time::Duration;
use vitrina_protocol::{
    Command, FulfilmentRecord, MovementKind, Mutation, MutationOutcome, OrderLineRecord, PaymentRecord, PlaceOrder,
    PushRequest, Rejection, StockMovement,
};
use vitrina_tests::Central;

const WAREHOUSE: &str = "CL-WH-01";
const STORE: &str = "CL-SCL-01";
const UNITS: i64 = 50;
const ORDERS: usize = 200;

/// Leaves exactly `UNITS` units to promise of one SKU at the warehouse (it keeps no
/// safety stock), through the point of sale's count correction.
async fn fifty_units_left(central: &Central) -> String {
    let db = central.database().unwrap();
    let (sku, on_hand): (String, i64) = db
        .blocking(|conn| {
            Ok(conn.query_row(
                "SELECT sku, on_hand FROM stock WHERE location_id = ?1 AND reserved = 0 AND in_transit = 0
                 ORDER BY sku LIMIT 1",
                [WAREHOUSE],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    let http = reqwest::Client::new();
    let movement = StockMovement {
        movement_id: "count-before-the-rush".into(),
        sku: sku.clone(),
        location_id: WAREHOUSE.into(),
        kind: MovementKind::Adjustment,
        quantity: UNITS - on_hand,
        occurred_at: None,
    };
    central.post_movements(&http, &[movement]).await.unwrap();
    sku
}

/// `ORDERS` tablets of the store, enrolled straight in the database (enrollment
/// itself is tested elsewhere); their tokens.
fn tablets(central: &Central) -> Vec<String> {
    let db = central.database().unwrap();
    db.blocking(|conn| {
        let tx = conn.transaction()?;
        let mut tokens = Vec::new();
        for i in 0..ORDERS {
            let token = vitrina_central::routes::new_token();
            vitrina_central::storage::insert_device(&tx, &format!("rush-{i}"), STORE, "rush tablet", &token)?;
            tokens.push(token);
        }
        tx.commit()?;
        Ok(tokens)
    })
    .unwrap()
}

fn one_unit(sku: &str, i: usize) -> PushRequest {
    PushRequest {
        mutations: vec![Mutation {
            mutation_id: uuid::Uuid::now_v7().to_string(),
            counter: 1,
            made_by: None,
            command: Command::PlaceOrder(PlaceOrder {
                order_id: uuid::Uuid::now_v7().to_string(),
                order_number: format!("{STORE}-R{i:03}-1"),
                lines: vec![OrderLineRecord { sku: sku.into(), quantity: 1, source_location_id: WAREHOUSE.into() }],
                fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Apoquindo 3000, Las Condes".into() },
                customer_id: None,
                payment: PaymentRecord { method: "at_till".into(), reference: None },
                promise_date: None,
                allow_other_source: false,
            }),
        }],
    }
}

/// `ORDERS` tablets each order one unit of the last `UNITS` at once, spread over
/// `instances`: exactly `UNITS` orders are confirmed, every other one is refused as
/// sold out, and the central's stock and orders agree.
async fn the_last_units_go_to_exactly_as_many_orders(instances: &[&Central]) {
    let sku = fifty_units_left(instances[0]).await;
    let tokens = tablets(instances[0]);
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(ORDERS));
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let url = instances[i % instances.len()].url.clone();
        let (sku, start) = (sku.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            let client = vitrina_sync::Client::new(&url).unwrap().with_token(&token);
            start.wait().await;
            let answer = client.push(&one_unit(&sku, i)).await.expect("every push is answered");
            answer.results.into_iter().next().expect("one result").outcome
        }));
    }
    let (mut confirmed, mut sold_out) = (0, 0);
    for task in tasks {
        match tokio::time::timeout(Duration::from_secs(120), task).await.unwrap().unwrap() {
            MutationOutcome::Applied => confirmed += 1,
            MutationOutcome::Rejected { rejection: Rejection::SoldOut { .. }, .. } => sold_out += 1,
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((confirmed, sold_out), (UNITS, ORDERS as i64 - UNITS), "exactly the units there were");
    let db = instances[0].database().unwrap();
    let (on_hand, reserved, orders): (i64, i64, i64) = db
        .blocking(|conn| {
            let (on_hand, reserved) = conn.query_row(
                "SELECT on_hand, reserved FROM stock WHERE sku = ?1 AND location_id = ?2",
                [&sku, WAREHOUSE],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let orders = conn.query_row(
                "SELECT COUNT(*) FROM customer_order WHERE number LIKE ?1",
                [format!("{STORE}-R%")],
                |r| r.get(0),
            )?;
            Ok((on_hand, reserved, orders))
        })
        .unwrap();
    assert_eq!((on_hand, reserved, orders), (UNITS, UNITS, UNITS), "every unit promised once, none twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_orders_for_the_last_fifty_units_confirm_exactly_fifty_on_sqlite() {
    let central = Central::start_demo().unwrap();
    the_last_units_go_to_exactly_as_many_orders(&[&central]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_orders_for_the_last_fifty_units_across_two_instances_on_postgresql_confirm_exactly_fifty() {
    let first = Central::start_demo_postgres().unwrap();
    let second = first.another_instance().unwrap();
    the_last_units_go_to_exactly_as_many_orders(&[&first, &second]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_sent_to_one_instance_reaches_a_device_long_polling_another_within_a_second() {
    let first = Central::start_demo_postgres().unwrap();
    let second = first.another_instance().unwrap();
    let device = vitrina_tests::Device::enroll_and_sync(&second, STORE).await.unwrap();
    let (sku, before): (String, i64) = first
        .database()
        .unwrap()
        .blocking(|conn| {
            Ok(conn.query_row(
                "SELECT sku, on_hand FROM stock WHERE location_id = 'CL-SCL-02' ORDER BY sku LIMIT 1",
                (),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    // Let the device's long poll settle on the second instance.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let receipt = StockMovement {
        movement_id: "receipt-through-the-first".into(),
        sku: sku.clone(),
        location_id: "CL-SCL-02".into(),
        kind: MovementKind::Receipt,
        quantity: 3,
        occurred_at: None,
    };
    first.post_movements(&reqwest::Client::new(), &[receipt]).await.unwrap();
    let sent = std::time::Instant::now();
    let shown = || device.cache().stock_level(&sku, "CL-SCL-02").unwrap().map(|l| l.on_hand);
    while shown() != Some(before + 3) && sent.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        shown(),
        Some(before + 3),
        "the second instance heard of the first's commit and woke its device's long poll"
    );
}

/// Runs `vitrina-load` against `central` with `args`; answers what it printed and
/// its JSON report.
fn load_run(central: &Central, args: &[&str]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let report_file = dir.path().join("load.json");
    let output = std::process::Command::new(vitrina_tests::workspace_bin("vitrina-load").unwrap())
        .args(["--central", &central.url, "--db", &central.db_target])
        .args(args)
        .arg("--json")
        .arg(&report_file)
        .output()
        .unwrap();
    assert!(output.status.success(), "vitrina-load failed: {}", String::from_utf8_lossy(&output.stderr));
    let report = serde_json::from_slice(&std::fs::read(&report_file).unwrap()).unwrap();
    (String::from_utf8_lossy(&output.stdout).into_owned(), report)
}

#[test]
fn a_load_run_of_eight_tablets_makes_every_kind_of_request_without_an_error() {
    let central = Central::start_demo().unwrap();
    let (printed, report) = load_run(&central, &["--devices", "8", "--seconds", "5", "--think-ms", "20"]);
    assert!(printed.contains("p95 ms"), "a table of percentiles is printed: {printed}");
    assert_eq!(report["first_sync"]["requests"], 8, "every tablet did its first sync");
    assert!(report["changes_per_first_sync"].as_u64().unwrap() > 10_000, "a whole region each: {report}");
    for kind in ["pull", "availability", "order", "booking", "all"] {
        let line = report["traffic"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} requests: {report}"));
        assert!(line["requests"].as_u64().unwrap() > 0, "{kind}: {line}");
        assert_eq!(line["errors"], 0, "{kind}: {line}");
        assert!(line["p95_ms"].as_f64().unwrap() >= line["p50_ms"].as_f64().unwrap(), "{kind}: {line}");
    }
}

#[test]
fn tablets_that_start_synced_pull_only_what_changed_during_the_run() {
    let central = Central::start_demo().unwrap();
    let args = ["--synced", "--pull-capacity", "1", "--devices", "4", "--seconds", "3", "--think-ms", "20"];
    let (_, report) = load_run(&central, &args);
    assert_eq!(report["changes_per_first_sync"], 0, "no first sync: {report}");
    let pulls = report["traffic"].as_array().unwrap().iter().find(|l| l["kind"] == "pull").expect("pulls");
    assert!(pulls["requests"].as_u64().unwrap() > 0 && pulls["errors"] == 0, "{pulls}");
    // Started at the heads, their pulls bring what the run changed (orders and the
    // stock they reserve), not the region's tens of thousands of rows.
    let orders = report["traffic"].as_array().unwrap().iter().find(|l| l["kind"] == "order").expect("orders");
    let placed = orders["requests"].as_u64().unwrap();
    assert!(placed > 0, "{orders}");
    let pulled = report["changes_pulled_in_traffic"].as_u64().unwrap();
    assert!(pulled < 5_000, "only the run's own changes: {pulled} for {placed} orders");
    // And the pull throughput against a bare handler answering the same bytes.
    let capacity = &report["pull_capacity"];
    let (central_rate, bare) =
        (capacity["central_pulls_per_second"].as_f64().unwrap(), capacity["bare_pulls_per_second"].as_f64().unwrap());
    assert!(central_rate > 0.0 && bare > 0.0, "{capacity}");
    assert!((capacity["ratio"].as_f64().unwrap() - central_rate / bare).abs() < 1e-9, "{capacity}");
    assert!(capacity["response_bytes"].as_u64().unwrap() > 0, "{capacity}");
}
