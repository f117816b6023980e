//! Sync that loses nothing: devices talk to the central through a proxy that drops
//! connections, loses responses after the central committed, cuts bodies short,
//! answers 500/503 and delays. Afterwards every command made on a device is at the
//! central exactly once and every device's cache equals the central's view.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use vitrina_protocol::{FulfilmentRecord, MovementKind, OrderLineRecord, PaymentRecord, StockMovement};
use vitrina_store::{NewCustomer, NewOrder};
use vitrina_sync::{pull_until_current, push_pending, SyncError};
use vitrina_tests::proxy::{FaultProxy, FaultRates};
use vitrina_tests::{Central, Device};

const SCENARIOS: usize = 200;
const STORES: [&str; 3] = ["CL-SCL-01", "CL-SCL-02", "CL-SCL-03"];
const NOW: &str = "2026-11-23T15:00:00Z";

const FAULTY: FaultRates = FaultRates { drop_before: 0.08, drop_after: 0.08, truncate: 0.08, error: 0.08, delay: 0.04 };

fn seed() -> u64 {
    std::env::var("VITRINA_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261123)
}

/// One sync round as the app's task makes it; transport failures are expected here.
async fn sync_round(device: &Device) -> Result<(), SyncError> {
    push_pending(&device.store, &device.client).await?;
    pull_until_current(&device.store, &device.client, |_| {}).await?;
    Ok(())
}

type Rows = BTreeMap<String, String>;

fn central_rows(central: &Central, sql: &str, param: &str) -> Rows {
    let conn = central.inspect().unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([param], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

fn device_rows(device: &Device, sql: &str) -> Rows {
    let cache = device.cache();
    let mut stmt = cache.connection().prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_drops_lost_responses_truncation_and_errors_nothing_is_lost_or_applied_twice() {
    let seed = seed();
    println!("fault seed {seed} (set VITRINA_FAULT_SEED to replay)");
    let central = Central::start_demo().unwrap();
    let proxy = FaultProxy::start(format!("127.0.0.1:{}", central.port), seed, FaultRates::NONE).await.unwrap();
    let mut devices = Vec::new();
    for store in STORES {
        let device = Device::enroll_via(&central.url, &proxy.url, &central.code(store)).await.unwrap();
        sync_round(&device).await.unwrap();
        devices.push(device);
    }
    // A second tablet in the first store: the two compete for its stylists' slots.
    let second = Device::enroll_via(&central.url, &proxy.url, &central.mint_code(STORES[0]).unwrap()).await.unwrap();
    sync_round(&second).await.unwrap();
    devices.push(second);
    let tomorrow = {
        let tz = chrono_tz::America::Santiago;
        chrono::Utc::now().with_timezone(&tz).date_naive() + chrono::Days::new(1)
    };
    let mut booked = 0;
    // A few SKUs left with three units to promise: devices compete for the last ones.
    let scarce: Vec<(String, i64, i64)> = {
        let conn = central.inspect().unwrap();
        let mut stmt = conn
            .prepare("SELECT sku, on_hand, reserved FROM stock WHERE location_id = 'CL-WH-01' ORDER BY sku LIMIT 8")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let adjustments: Vec<StockMovement> = scarce
        .iter()
        .map(|(sku, on_hand, reserved)| StockMovement {
            movement_id: format!("count-{sku}"),
            sku: sku.clone(),
            location_id: "CL-WH-01".into(),
            kind: MovementKind::Adjustment,
            quantity: reserved + 3 - on_hand,
            occurred_at: None,
        })
        .collect();
    central.post_movements(&reqwest::Client::new(), &adjustments).await.unwrap();
    let skus: Vec<String> = scarce.into_iter().map(|(sku, _, _)| sku).collect();
    assert!(skus.len() >= 6, "scarce SKUs make devices compete for the last units");

    proxy.set_rates(FAULTY);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut placed = 0;
    for scenario in 0..SCENARIOS {
        let device = &devices[rng.gen_range(0..devices.len())];
        match rng.gen_range(0..10) {
            0 => {
                let created = device
                    .store
                    .lock()
                    .unwrap()
                    .create_customer(
                        NewCustomer {
                            name: format!("Cliente {scenario}"),
                            phone: Some(format!("9 {:04} {:04}", 1000 + scenario, 5000 + scenario)),
                            email: None,
                            marketing_consent: scenario % 2 == 0,
                            chain_consent: false,
                        },
                        NOW,
                    )
                    .unwrap();
                assert!(created.is_ok());
            }
            1 => {
                let order = device.cache().local_orders().unwrap().into_iter().next();
                if let Some(order) = order {
                    device.store.lock().unwrap().cancel_order(&order.id, NOW).unwrap();
                }
            }
            2 | 3 => {
                // A booking with a stylist tomorrow, in one of the first free slots; now
                // and then a reschedule or a cancellation of an earlier one.
                let mut cache = device.cache();
                let customer: Option<String> =
                    cache.connection().query_row("SELECT id FROM customer ORDER BY id LIMIT 1", [], |r| r.get(0)).ok();
                let now = chrono::Utc::now();
                let slots = cache.appointment_slots("SRV-IMAGEN", tomorrow, None, None, now).unwrap();
                let earlier =
                    cache.appointments(tomorrow, tomorrow).unwrap().into_iter().find(|a| a.status == "booked");
                match (rng.gen_range(0..4), customer, earlier) {
                    (0, _, Some(a)) if !slots.is_empty() => {
                        let slot = &slots[rng.gen_range(0..slots.len().min(6))];
                        let _ = cache.reschedule_appointment(&a.id, &slot.stylist_id, &slot.start, now).unwrap();
                    }
                    (1, _, Some(a)) => {
                        let _ = cache.set_appointment_status(&a.id, "cancelled", now).unwrap();
                    }
                    (_, Some(customer), _) if !slots.is_empty() => {
                        let slot = &slots[rng.gen_range(0..slots.len().min(6))];
                        let made =
                            cache.book_appointment(&customer, "SRV-IMAGEN", &slot.stylist_id, &slot.start, vec![], now);
                        assert!(made.unwrap().is_ok(), "a free slot by the cache is bookable here");
                        booked += 1;
                    }
                    _ => {}
                }
            }
            _ => {
                let sku = skus[rng.gen_range(0..skus.len())].clone();
                let order = NewOrder {
                    lines: vec![OrderLineRecord {
                        sku,
                        quantity: rng.gen_range(1..=2),
                        source_location_id: "CL-WH-01".into(),
                    }],
                    fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Apoquindo 3000, Las Condes".into() },
                    customer_id: None,
                    payment: PaymentRecord { method: "at_till".into(), reference: None },
                    promise_date: None,
                    allow_other_source: rng.gen_bool(0.5),
                };
                device.store.lock().unwrap().place_order(order, NOW).unwrap();
                placed += 1;
            }
        }
        if rng.gen_bool(0.6) {
            match sync_round(device).await {
                Ok(()) => {}
                Err(e) => assert!(e.is_transient(), "scenario {scenario}: only transport failures are expected: {e:?}"),
            }
        }
    }
    let fates = proxy.counts();
    println!("{placed} orders placed, {booked} appointments booked; proxy fates (pass, drop before, drop after, truncate, error, delay): {fates:?}");
    assert!(fates[1..5].iter().all(|&n| n > 0), "every kind of fault happened: {fates:?}");

    // The link heals: every device drains its queue and catches up.
    proxy.set_rates(FaultRates::NONE);
    for device in &devices {
        sync_round(device).await.unwrap();
        // A second round pulls what other devices' last pushes changed.
    }
    for device in &devices {
        sync_round(device).await.unwrap();
        assert_eq!(device.cache().pending_count().unwrap(), 0, "nothing left unsent");
    }

    let conn = central.inspect().unwrap();
    for device in &devices {
        let cache = device.cache();
        let device_id = cache.enrollment().unwrap().unwrap().device_id;
        let made: i64 = cache.connection().query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
        let (at_central, max_counter): (i64, i64) = conn
            .query_row(
                "SELECT COUNT(*), COALESCE(MAX(counter), 0) FROM device_mutation WHERE device_id = ?1",
                [&device_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(at_central, made, "every command made on the device reached the central");
        assert_eq!(max_counter, made, "exactly once each: counters 1..=n, no gaps, no repeats");

        let applied_orders: Vec<String> = {
            let mut stmt = cache
                .connection()
                .prepare(
                    "SELECT json_extract(command, '$.order_id') FROM outbox
                     WHERE state = 'applied' AND json_extract(command, '$.command') = 'place_order'",
                )
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        for order_id in &applied_orders {
            let n: i64 =
                conn.query_row("SELECT COUNT(*) FROM customer_order WHERE id = ?1", [order_id], |r| r.get(0)).unwrap();
            assert_eq!(n, 1, "order {order_id} exists once at the central");
        }
        let rejected_at_central: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM device_mutation WHERE device_id = ?1 AND json_extract(result, '$.outcome') = 'rejected'",
                [&device_id],
                |r| r.get(0),
            )
            .unwrap();
        let rejected_here: i64 = cache
            .connection()
            .query_row("SELECT COUNT(*) FROM outbox WHERE state = 'rejected'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rejected_here, rejected_at_central, "the device knows every refusal the central made");
        let provisional: i64 =
            cache.connection().query_row("SELECT COUNT(*) FROM provisional_reservation", [], |r| r.get(0)).unwrap();
        assert_eq!(provisional, 0, "every provisional hold was resolved");
    }

    let broken: i64 =
        conn.query_row("SELECT COUNT(*) FROM stock WHERE reserved > on_hand OR on_hand < 0", [], |r| r.get(0)).unwrap();
    assert_eq!(broken, 0, "the central never promised more units than exist");
    let double: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM appointment a JOIN appointment b ON a.stylist_id = b.stylist_id AND a.id < b.id
             WHERE a.status IN ('booked', 'checked_in') AND b.status IN ('booked', 'checked_in')
               AND a.busy_from < b.busy_until AND b.busy_from < a.busy_until",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(double, 0, "no stylist is booked twice at once");
    let booked_at_central: i64 = conn.query_row("SELECT COUNT(*) FROM appointment", [], |r| r.get(0)).unwrap();
    assert!(booked_at_central > 0, "bookings went through the faults too");

    let homes = [STORES[0], STORES[1], STORES[2], STORES[0]];
    for (device, store) in devices.iter().zip(homes) {
        let stock_sql = "SELECT s.sku || '@' || s.location_id, s.on_hand || '/' || s.reserved
                         FROM stock s JOIN location l ON l.id = s.location_id WHERE l.country = ?1";
        let at_central = central_rows(&central, stock_sql, "CL");
        let on_device = device_rows(device, "SELECT sku || '@' || location_id, on_hand || '/' || reserved FROM stock");
        assert!(at_central == on_device, "{store}: the cached stock equals the central's");

        let orders_sql = "SELECT id, status FROM customer_order WHERE store_id = ?1";
        let at_central = central_rows(&central, orders_sql, store);
        let on_device = device_rows(device, "SELECT id, json_extract(record, '$.status') FROM store_order");
        assert_eq!(on_device, at_central, "{store}: the store's orders equal the central's");

        // Appointments: the central's equal what the device holds of them (a booking
        // the central refused stays on the device, marked, until the associate acts).
        let appointments_sql = "SELECT id, status || '@' || stylist_id || '@' || json_extract(record, '$.start')
                                FROM appointment WHERE store_id = ?1";
        let at_central = central_rows(&central, appointments_sql, store);
        let on_device = device_rows(
            device,
            "SELECT id, status || '@' || stylist_id || '@' || start FROM appointment WHERE pulled IS NOT NULL",
        );
        assert_eq!(on_device, at_central, "{store}: the store's appointments equal the central's");

        let customers_sql = "SELECT id, name FROM customer WHERE store_id = ?1";
        let at_central = central_rows(&central, customers_sql, store);
        let on_device = device_rows(device, "SELECT id, name FROM customer");
        assert_eq!(on_device, at_central, "{store}: the store's customers equal the central's");
    }
}
