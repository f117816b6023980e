//! Stock movements from other channels reaching devices live.

use std::time::{Duration, Instant};
use vitrina_protocol::{MovementKind, MovementOutcome, StockMovement};
use vitrina_tests::{Central, Device};

/// Polls the device's cache until `sku` at `location` has `on_hand`; answers how long it took.
async fn until_on_hand(device: &Device, sku: &str, location: &str, on_hand: i64, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if device.cache().stock_level(sku, location).unwrap().map(|l| l.on_hand) == Some(on_hand) {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    None
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1).min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stock_movement_reaches_a_connected_device_within_a_second_and_a_retry_changes_nothing() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll_and_sync(&central, "CL-SCL-01").await.unwrap();
    let http = reqwest::Client::new();
    let (sku, before): (String, i64) = central
        .inspect()
        .unwrap()
        .query_row("SELECT sku, on_hand FROM stock WHERE location_id = 'CL-SCL-02' LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();

    let sale = StockMovement {
        movement_id: "ecom-0001".into(),
        sku: sku.clone(),
        location_id: "CL-SCL-02".into(),
        kind: MovementKind::Receipt,
        quantity: 3,
        occurred_at: None,
    };
    let first = central.post_movements(&http, std::slice::from_ref(&sale)).await.unwrap();
    assert_eq!(first.results[0].outcome, MovementOutcome::Applied);
    let took = until_on_hand(&device, &sku, "CL-SCL-02", before + 3, Duration::from_secs(1)).await;
    assert!(took.is_some(), "another store's receipt reaches the device within 1 s");

    let again = central.post_movements(&http, std::slice::from_ref(&sale)).await.unwrap();
    assert!(again.results[0].replayed, "the central recognises the retry");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let level = device.cache().stock_level(&sku, "CL-SCL-02").unwrap().unwrap();
    assert_eq!(level.on_hand, before + 3, "posted twice, counted once");
}

/// Latency from a movement's acceptance at the central to its arrival in a
/// connected device's cache, over 100 movements, against a baseline measured in
/// the same run: one HTTP round trip to the central. Figures go to BENCHMARKS.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_update_latency_over_100_movements() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll_and_sync(&central, "CL-SCL-03").await.unwrap();
    let http = reqwest::Client::new();
    let (sku, mut on_hand): (String, i64) = central
        .inspect()
        .unwrap()
        .query_row("SELECT sku, on_hand FROM stock WHERE location_id = 'CL-SCL-03' LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();

    let mut baseline = Vec::new();
    for _ in 0..100 {
        let start = Instant::now();
        http.get(format!("{}/health", central.url)).send().await.unwrap().bytes().await.unwrap();
        baseline.push(start.elapsed());
    }
    let mut latencies = Vec::new();
    for i in 0..100 {
        let movement = StockMovement {
            movement_id: format!("pos-{i:04}"),
            sku: sku.clone(),
            location_id: "CL-SCL-03".into(),
            kind: MovementKind::Receipt,
            quantity: 1,
            occurred_at: None,
        };
        let start = Instant::now();
        central.post_movements(&http, &[movement]).await.unwrap();
        on_hand += 1;
        until_on_hand(&device, &sku, "CL-SCL-03", on_hand, Duration::from_secs(1))
            .await
            .unwrap_or_else(|| panic!("movement {i} reached the device within 1 s"));
        latencies.push(start.elapsed());
    }
    latencies.sort();
    baseline.sort();
    let p50 = percentile(&latencies, 0.50);
    let p95 = percentile(&latencies, 0.95);
    let base95 = percentile(&baseline, 0.95);
    println!(
        "live update latency over 100 movements: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; \
         baseline HTTP round trip p95 {:.2} ms; p95 ratio {:.1}x",
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        latencies[99].as_secs_f64() * 1e3,
        base95.as_secs_f64() * 1e3,
        p95.as_secs_f64() / base95.as_secs_f64().max(1e-9),
    );
}
