//! A device process killed (SIGKILL) at random points of pulling and pushing, and
//! the central killed and restarted mid-run: afterwards nothing is lost or applied
//! twice and the device's cache equals the central's view.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vitrina_sync::{pull_until_current, push_pending};
use vitrina_tests::{Central, Device};

const ORDERS: usize = 60;

fn sim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vitrina-device-sim"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_killed_mid_sync_and_a_central_restarted_mid_run_lose_nothing() {
    let mut central = Central::start_demo().unwrap();
    // Enrolled here, then driven by a separate process on the same cache file.
    let dir = tempfile::tempdir().unwrap();
    let device =
        Device::enroll_at(&central.url, &central.code("CL-SCL-01"), &dir.path().join("device.db")).await.unwrap();
    drop(device);
    let skus: Vec<String> = {
        let conn = central.inspect().unwrap();
        let mut stmt = conn.prepare("SELECT sku FROM stock WHERE location_id = 'CL-WH-01' AND on_hand - reserved >= 20 ORDER BY sku LIMIT 5").unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let cache = dir.path().join("device.db");
    let mut rng = StdRng::seed_from_u64(7);
    let mut kills = 0;
    let mut central_restarted = false;
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        assert!(Instant::now() < deadline, "the simulated device finished within 4 minutes");
        let mut child = sim()
            .arg(&cache)
            .arg(ORDERS.to_string())
            .args(&skus)
            .env("RUST_LOG", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // The first runs land in the first sync (pull); later ones among pushes.
        let life = Duration::from_millis(rng.gen_range(20..400));
        std::thread::sleep(life);
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "the simulated device failed: {status}");
                break;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                kills += 1;
            }
        }
        if kills == 3 && !central_restarted {
            central.restart().unwrap();
            central_restarted = true;
        }
    }
    println!("simulated device killed {kills} times; central restarted: {central_restarted}");
    assert!(kills >= 3, "the device was killed several times ({kills})");
    assert!(central_restarted, "the central was restarted mid-run");

    let device = Device::open(&cache, &central.url).unwrap();
    push_pending(&device.store, &device.client).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let conn = central.inspect().unwrap();
    let cache = device.cache();
    let device_id = cache.enrollment().unwrap().unwrap().device_id;
    let orders = cache.local_orders().unwrap();
    assert_eq!(orders.len(), ORDERS, "every order placed on the device survived the kills");
    assert!(orders.iter().all(|o| o.status == "confirmed"), "and each is confirmed");
    let made: i64 = cache.connection().query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
    let (at_central, max_counter): (i64, i64) = conn
        .query_row("SELECT COUNT(*), MAX(counter) FROM device_mutation WHERE device_id = ?1", [&device_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((at_central, max_counter), (made, made), "each command reached the central exactly once");
    for order in &orders {
        let n: i64 =
            conn.query_row("SELECT COUNT(*) FROM customer_order WHERE id = ?1", [&order.id], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "order {} exists once at the central", order.number);
    }
    let central_stock: Vec<(String, i64, i64)> = {
        let mut stmt = conn
            .prepare("SELECT sku, on_hand, reserved FROM stock WHERE location_id = 'CL-WH-01' ORDER BY sku")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let device_stock: Vec<(String, i64, i64)> = {
        let mut stmt = cache
            .connection()
            .prepare("SELECT sku, on_hand, reserved FROM stock WHERE location_id = 'CL-WH-01' ORDER BY sku")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert!(central_stock == device_stock, "the device's cache equals the central's after crashes and a restart");
}
