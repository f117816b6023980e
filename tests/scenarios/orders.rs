//! Orders placed on a customer's behalf: the device queues them, the central is the
//! authority on stock.

use std::time::Duration;
use vitrina_protocol::{
    FulfilmentRecord, MovementKind, MutationOutcome, OrderLineRecord, PaymentRecord, PushRequest, Rejection,
    StockMovement,
};
use vitrina_store::NewOrder;
use vitrina_sync::{pull_until_current, push_pending, Phase};
use vitrina_tests::{Central, Device};

/// A SKU with at least `atp` units to promise at `location` (a warehouse: no safety stock).
fn sku_with_atp(central: &Central, location: &str, atp: i64) -> (String, i64, i64) {
    central
        .inspect()
        .unwrap()
        .query_row(
            "SELECT sku, on_hand, reserved FROM stock WHERE location_id = ?1 AND on_hand - reserved >= ?2
             ORDER BY sku LIMIT 1",
            rusqlite::params![location, atp],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn central_stock(central: &Central, sku: &str, location: &str) -> (i64, i64) {
    central
        .inspect()
        .unwrap()
        .query_row("SELECT on_hand, reserved FROM stock WHERE sku = ?1 AND location_id = ?2", [sku, location], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

fn orders_at_central(central: &Central, order_id: &str) -> i64 {
    central
        .inspect()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM customer_order WHERE id = ?1", [order_id], |r| r.get(0))
        .unwrap()
}

fn home_delivery(sku: &str, from: &str, quantity: i64) -> NewOrder {
    NewOrder {
        lines: vec![OrderLineRecord { sku: sku.into(), quantity, source_location_id: from.into() }],
        fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Apoquindo 3000, Las Condes".into() },
        customer_id: None,
        payment: PaymentRecord { method: "at_till".into(), reference: None },
        promise_date: None,
        allow_other_source: false,
    }
}

const NOW: &str = "2026-11-23T15:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_placed_online_is_confirmed_and_reserves_the_units_at_its_source() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, _, reserved_before) = sku_with_atp(&central, "CL-WH-01", 2);

    let order = home_delivery(&sku, "CL-WH-01", 2);
    let order = device.store.lock().unwrap().place_order(order, NOW).unwrap();
    assert_eq!(order.status, "pending");
    let shown = device.cache().stock_level(&sku, "CL-WH-01").unwrap().unwrap();
    assert_eq!(shown.reserved, reserved_before + 2, "the device shows its own reservation at once");

    assert_eq!(push_pending(&device.store, &device.client).await.unwrap(), 1);
    let shown = device.cache().stock_level(&sku, "CL-WH-01").unwrap().unwrap();
    assert_eq!(
        shown.reserved,
        reserved_before + 2,
        "confirmed but not yet pulled: the provisional hold still shows, no flicker back to the old figure"
    );
    assert_eq!(device.cache().local_orders().unwrap()[0].status, "confirmed");
    assert_eq!(orders_at_central(&central, &order.id), 1);
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 2, "the central reserved the units");

    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let shown = device.cache().stock_level(&sku, "CL-WH-01").unwrap().unwrap();
    assert_eq!(
        shown.reserved,
        reserved_before + 2,
        "once pulled, the central's figure replaces the provisional one, not adds to it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_placed_while_the_central_is_down_is_confirmed_after_it_returns() {
    let mut central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    let sync = vitrina_sync::spawn(device.store.clone(), None);
    let mut status = sync.watch();
    tokio::time::timeout(Duration::from_secs(120), status.wait_for(|s| s.phase == Phase::Idle && s.online))
        .await
        .unwrap()
        .unwrap();
    let (sku, _, reserved_before) = sku_with_atp(&central, "CL-WH-01", 1);

    central.kill();
    tokio::time::timeout(Duration::from_secs(30), status.wait_for(|s| !s.online)).await.unwrap().unwrap();
    let order = home_delivery(&sku, "CL-WH-01", 1);
    let order = device.store.lock().unwrap().place_order(order, NOW).unwrap();
    sync.sync_now();
    tokio::time::timeout(Duration::from_secs(30), status.wait_for(|s| s.pending == 1)).await.unwrap().unwrap();
    assert_eq!(device.cache().local_orders().unwrap()[0].status, "pending", "saved here, waiting");

    central.restart().unwrap();
    tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| s.online && s.pending == 0))
        .await
        .expect("the queued order is sent when the central is back")
        .unwrap();
    assert_eq!(device.cache().local_orders().unwrap()[0].status, "confirmed");
    assert_eq!(orders_at_central(&central, &order.id), 1);
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_sent_three_times_makes_one_order_and_a_reused_id_with_another_body_is_refused() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-03")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, _, reserved_before) = sku_with_atp(&central, "CL-WH-01", 1);
    let order = home_delivery(&sku, "CL-WH-01", 1);
    let order = device.store.lock().unwrap().place_order(order, NOW).unwrap();
    let request = PushRequest { mutations: device.cache().pending_mutations(10).unwrap() };

    let mut outcomes = Vec::new();
    for _ in 0..3 {
        // As if each response were lost on the way back.
        outcomes.push(device.client.push(&request).await.unwrap().results.remove(0));
    }
    assert!(outcomes.iter().all(|r| r.outcome == MutationOutcome::Applied));
    assert_eq!(outcomes.iter().filter(|r| r.replayed).count(), 2, "two answers are the stored first one");
    assert_eq!(orders_at_central(&central, &order.id), 1, "one order, however many times it was sent");
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 1, "reserved once");

    let mut forged = request.clone();
    let vitrina_protocol::Command::PlaceOrder(ref mut body) = forged.mutations[0].command else {
        panic!("the queued command is the order")
    };
    body.lines[0].quantity = 5;
    let result = device.client.push(&forged).await.unwrap().results.remove(0);
    assert_eq!(
        result.outcome,
        MutationOutcome::Rejected { rejection: Rejection::Conflict, alternatives: vec![], slots: vec![] },
        "the same mutation with another body is refused"
    );
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_ordering_the_last_unit_at_once_get_one_confirmation_and_one_rejection_with_alternatives() {
    let central = Central::start_demo().unwrap();
    let a = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    let b = Device::enroll(&central.url, &central.code("CL-SCL-04")).await.unwrap();
    let (sku, on_hand, reserved) = sku_with_atp(&central, "CL-WH-01", 1);
    // Leave exactly one unit to promise at the warehouse.
    let http = reqwest::Client::new();
    central
        .post_movements(
            &http,
            &[StockMovement {
                movement_id: "count-1".into(),
                sku: sku.clone(),
                location_id: "CL-WH-01".into(),
                kind: MovementKind::Adjustment,
                quantity: reserved + 1 - on_hand,
                occurred_at: None,
            }],
        )
        .await
        .unwrap();

    for device in [&a, &b] {
        let order = home_delivery(&sku, "CL-WH-01", 1);
        device.store.lock().unwrap().place_order(order, NOW).unwrap();
    }
    let push_a = PushRequest { mutations: a.cache().pending_mutations(10).unwrap() };
    let push_b = PushRequest { mutations: b.cache().pending_mutations(10).unwrap() };
    let (ra, rb) = tokio::join!(a.client.push(&push_a), b.client.push(&push_b));
    let outcomes = [ra.unwrap().results.remove(0).outcome, rb.unwrap().results.remove(0).outcome];

    let applied = outcomes.iter().filter(|o| **o == MutationOutcome::Applied).count();
    assert_eq!(applied, 1, "exactly one device gets the last unit: {outcomes:?}");
    let rejected = outcomes.iter().find(|o| **o != MutationOutcome::Applied).unwrap();
    let MutationOutcome::Rejected { rejection: Rejection::SoldOut { available, .. }, alternatives, .. } = rejected
    else {
        panic!("the other is told it is sold out: {rejected:?}");
    };
    assert_eq!(*available, 0);
    assert!(!alternatives.is_empty(), "with somewhere else to get it");
    assert!(alternatives.iter().all(|alt| alt.location_id != "CL-WH-01" && alt.atp >= 1));

    let (on_hand, reserved) = central_stock(&central, &sku, "CL-WH-01");
    assert_eq!(reserved, on_hand, "every unit promised, none twice");
    let broken: i64 = central
        .inspect()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "stock never goes negative and never promises more than exists");
}

async fn advance(central: &Central, order_id: &str, status: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/orders/{order_id}/status", central.url))
        .bearer_auth(&central.channel_token)
        .header(vitrina_protocol::PROTOCOL_HEADER, vitrina_protocol::PROTOCOL_VERSION)
        .json(&serde_json::json!({ "status": status }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "moving the order to {status}: {}", response.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivered_online_order_returned_in_store_shows_the_return_at_the_central_and_on_the_device() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let customer = device
        .store
        .lock()
        .unwrap()
        .create_customer(
            vitrina_store::NewCustomer {
                name: "Camila Muñoz".into(),
                phone: Some("9 8765 4321".into()),
                email: Some("camila@example.cl".into()),
                marketing_consent: false,
                chain_consent: false,
            },
            NOW,
        )
        .unwrap()
        .unwrap();
    assert_eq!(customer.phone.as_deref(), Some("+56987654321"), "stored in E.164");
    let (sku, _, _) = sku_with_atp(&central, "CL-WH-01", 2);
    let mut order = home_delivery(&sku, "CL-WH-01", 2);
    order.customer_id = Some(customer.id.clone());
    let order = device.store.lock().unwrap().place_order(order, NOW).unwrap();
    push_pending(&device.store, &device.client).await.unwrap();
    advance(&central, &order.id, "shipped").await;
    advance(&central, &order.id, "delivered").await;
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let seen = device.cache().order_detail(&order.id).unwrap();
    assert_eq!(seen.status, vitrina_store::OrderStatus::Delivered, "the device follows the order after the sale");
    assert_eq!(seen.customer_name.as_deref(), Some("Camila Muñoz"));
    let on_shelf_before = device.cache().stock_level(&sku, "CL-SCL-01").unwrap().map_or(0, |l| l.on_hand);

    let returned = vitrina_store::CartLine { sku: sku.clone(), quantity: 1 };
    device.store.lock().unwrap().return_order(&order.id, &[returned], NOW).unwrap().unwrap();
    push_pending(&device.store, &device.client).await.unwrap();

    let (returned_at_central, status): (i64, String) = central
        .inspect()
        .unwrap()
        .query_row(
            "SELECT l.returned, o.status FROM order_line l JOIN customer_order o ON o.id = l.order_id WHERE o.id = ?1",
            [&order.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(returned_at_central, 1, "the return is recorded against the original order");
    assert_eq!(status, "delivered", "one of two units back: the order is not wholly returned");

    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let seen = device.cache().order_detail(&order.id).unwrap();
    assert_eq!(seen.lines[0].returned, 1, "and the device shows it");
    let on_shelf = device.cache().stock_level(&sku, "CL-SCL-01").unwrap().unwrap().on_hand;
    assert_eq!(on_shelf, on_shelf_before + 1, "the returned unit is back on this store's shelf");

    let found = device.cache().search_customers("+56 9 8765 4321").unwrap();
    assert_eq!(found[0].id, customer.id, "found by phone however it is typed");
    assert!(!found[0].pending, "confirmed by the central");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_before_shipping_releases_the_units_and_after_shipping_is_refused() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, _, reserved_before) = sku_with_atp(&central, "CL-WH-01", 2);

    let first = device.store.lock().unwrap().place_order(home_delivery(&sku, "CL-WH-01", 1), NOW).unwrap();
    let second = device.store.lock().unwrap().place_order(home_delivery(&sku, "CL-WH-01", 1), NOW).unwrap();
    push_pending(&device.store, &device.client).await.unwrap();
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 2);

    advance(&central, &second.id, "shipped").await;
    device.store.lock().unwrap().cancel_order(&first.id, NOW).unwrap();
    device.store.lock().unwrap().cancel_order(&second.id, NOW).unwrap();
    push_pending(&device.store, &device.client).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    let first = device.cache().order_detail(&first.id).unwrap();
    assert_eq!(first.status, vitrina_store::OrderStatus::Cancelled);
    let second = device.cache().order_detail(&second.id).unwrap();
    assert_eq!(second.status, vitrina_store::OrderStatus::Shipped, "a shipped order stays shipped");
    assert_eq!(
        second.rejection.as_ref().map(|r| r.reason.as_str()),
        Some("not_cancellable"),
        "and the associate is told why"
    );
    assert_eq!(
        central_stock(&central, &sku, "CL-WH-01").1,
        reserved_before,
        "the cancelled unit is free again; the shipped one left stock"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_on_an_older_protocol_delivers_its_queued_orders_before_being_told_to_update() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-03")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, _, _) = sku_with_atp(&central, "CL-WH-01", 2);
    let first = device.store.lock().unwrap().place_order(home_delivery(&sku, "CL-WH-01", 1), NOW).unwrap();
    let second = device.store.lock().unwrap().place_order(home_delivery(&sku, "CL-WH-01", 1), NOW).unwrap();

    // The same cache driven by a build one protocol version behind.
    let old = device.client.clone().with_protocol(vitrina_protocol::OLDEST_PUSH_VERSION);
    const { assert!(vitrina_protocol::OLDEST_PUSH_VERSION < vitrina_protocol::PROTOCOL_VERSION) };
    let outcome = pull_until_current(&device.store, &old, |_| {}).await;
    assert_eq!(outcome.unwrap_err(), vitrina_sync::SyncError::UpdateRequired, "told to update");
    assert_eq!(device.cache().pending_count().unwrap(), 0, "but only after every queued command was accepted");
    assert_eq!(orders_at_central(&central, &first.id), 1);
    assert_eq!(orders_at_central(&central, &second.id), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_whose_source_ran_out_is_applied_with_another_source_when_the_associate_allowed_it() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-04")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, on_hand, reserved) = sku_with_atp(&central, "CL-WH-01", 1);
    let mut order = home_delivery(&sku, "CL-WH-01", 1);
    order.allow_other_source = true;
    let order = device.store.lock().unwrap().place_order(order, NOW).unwrap();
    // Meanwhile the warehouse sells its last free units through another channel.
    central
        .post_movements(
            &reqwest::Client::new(),
            &[StockMovement {
                movement_id: "ecom-sellout".into(),
                sku: sku.clone(),
                location_id: "CL-WH-01".into(),
                kind: MovementKind::Sale,
                quantity: on_hand - reserved,
                occurred_at: None,
            }],
        )
        .await
        .unwrap();

    let request = PushRequest { mutations: device.cache().pending_mutations(10).unwrap() };
    let result = device.client.push(&request).await.unwrap().results.remove(0);
    let MutationOutcome::AppliedWithChanges { changes } = &result.outcome else {
        panic!("applied from elsewhere, not refused: {:?}", result.outcome);
    };
    assert_eq!(changes.len(), 1);
    assert_eq!((changes[0].field.as_str(), changes[0].from.as_str()), ("source_location_id", "CL-WH-01"));
    let new_source = changes[0].to.clone();
    assert_ne!(new_source, "CL-WH-01");
    device
        .store
        .lock()
        .unwrap()
        .record_push(&vitrina_protocol::PushResponse { results: vec![result.clone()], next_counter: 2 }, NOW)
        .unwrap();

    let (line_source,): (String,) = central
        .inspect()
        .unwrap()
        .query_row("SELECT source_location_id FROM order_line WHERE order_id = ?1", [&order.id], |r| Ok((r.get(0)?,)))
        .unwrap();
    assert_eq!(line_source, new_source, "the central ships it from the new source");
    let local = device.cache().order_detail(&order.id).unwrap();
    assert_eq!(local.lines[0].source_location_id, new_source, "and the device shows that before any pull");
    assert_eq!(local.sync, vitrina_store::OrderSync::Confirmed);

    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let at_central = central_stock(&central, &sku, &new_source);
    let cached = device.cache().stock_level(&sku, &new_source).unwrap().unwrap();
    assert_eq!((cached.on_hand, cached.reserved), at_central, "the hold moved with the line, counted once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_order_being_picked_waits_for_the_warehouse_to_decide() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (sku, _, reserved_before) = sku_with_atp(&central, "CL-WH-01", 1);
    let order = device.store.lock().unwrap().place_order(home_delivery(&sku, "CL-WH-01", 1), NOW).unwrap();
    push_pending(&device.store, &device.client).await.unwrap();
    advance(&central, &order.id, "picking").await;
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    device.store.lock().unwrap().cancel_order(&order.id, NOW).unwrap();
    let request = PushRequest { mutations: device.cache().pending_mutations(10).unwrap() };
    let response = device.client.push(&request).await.unwrap();
    assert_eq!(
        response.results[0].outcome,
        MutationOutcome::PendingReview { reason: "picking".into() },
        "taken, but the warehouse decides"
    );
    device.store.lock().unwrap().record_push(&response, NOW).unwrap();
    let seen = device.cache().order_detail(&order.id).unwrap();
    assert!(seen.cancel_requested, "the associate sees the cancellation is asked for");
    assert_eq!(seen.status, vitrina_store::OrderStatus::Picking, "not cancelled yet");
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before + 1, "the units stay reserved meanwhile");

    advance(&central, &order.id, "cancelled").await;
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let seen = device.cache().order_detail(&order.id).unwrap();
    assert_eq!(seen.status, vitrina_store::OrderStatus::Cancelled, "the warehouse stopped it");
    assert!(!seen.cancel_requested);
    assert_eq!(central_stock(&central, &sku, "CL-WH-01").1, reserved_before, "and the units are free again");
}
