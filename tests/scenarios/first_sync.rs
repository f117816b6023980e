use std::collections::BTreeMap;
use vitrina_protocol::{PullRequest, ScopeCursor, PROTOCOL_HEADER, PROTOCOL_VERSION};
use vitrina_sync::{pull_until_current, Progress, SyncError};
use vitrina_tests::{Central, Device};

type StockTable = BTreeMap<(String, String), (i64, i64, i64)>;

fn stock_table(conn: &rusqlite::Connection, sql: &str, country: &str) -> StockTable {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([country], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?, r.get(4)?)))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_enrolled_with_a_demo_code_pulls_every_product_and_its_regions_inventory() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();

    let mut progress: Vec<Progress> = Vec::new();
    let applied = pull_until_current(&device.store, &device.client, |p| progress.push(p)).await.unwrap();
    assert!(applied > 0);
    assert!(progress.len() > 1, "a first sync comes in several pages, each reported");
    assert!(progress.windows(2).all(|w| w[0].done <= w[1].done), "progress never goes backwards");
    let last = progress.last().unwrap();
    assert_eq!(last.done, last.total, "the last report says complete");

    let inspect = central.inspect().unwrap();
    let products: i64 = inspect.query_row("SELECT COUNT(*) FROM product", [], |r| r.get(0)).unwrap();
    assert!(products >= 300);
    assert_eq!(device.cache().product_count().unwrap(), products, "every product of the central is in the cache");

    let at_central = stock_table(
        &inspect,
        "SELECT s.sku, s.location_id, s.on_hand, s.reserved, s.in_transit
         FROM stock s JOIN location l ON l.id = s.location_id WHERE l.country = ?1",
        "CL",
    );
    let on_device = stock_table(
        device.cache().connection(),
        "SELECT sku, location_id, on_hand, reserved, in_transit FROM stock WHERE ?1 = ?1",
        "CL",
    );
    assert!(!at_central.is_empty());
    assert_eq!(on_device.len(), at_central.len(), "the device holds every stock row of its region, no more");
    assert!(on_device == at_central, "and each row equals the central's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_are_refused_with_401() {
    let central = Central::start_demo().unwrap();
    let http = reqwest::Client::new();
    let body = PullRequest { cursors: vec![], limit: 10, wait_ms: 0 };
    let pull = format!("{}/v1/pull", central.url);

    let none = http.post(&pull).header(PROTOCOL_HEADER, PROTOCOL_VERSION).json(&body).send().await.unwrap();
    assert_eq!(none.status(), 401, "no token");
    let wrong = http
        .post(&pull)
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth("0".repeat(64))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401, "a token the central never issued");
    let error: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(error["code"], "unauthorized", "the body carries a machine-readable code");

    let session = http.get(format!("{}/v1/session", central.url)).send().await.unwrap();
    assert_eq!(session.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrollment_code_enrolls_one_device_only() {
    let central = Central::start_demo().unwrap();
    let code = central.code("MX-MEX-01");
    let first = Device::enroll(&central.url, &code).await.unwrap();
    assert_eq!(first.cache().home().unwrap().id, "MX-MEX-01", "the token is bound to the code's store");
    let second = Device::enroll(&central.url, &code).await;
    let err = second.err().unwrap().downcast::<SyncError>().unwrap();
    assert_eq!(err, SyncError::BadEnrollmentCode);
    let typo = Device::enroll(&central.url, "0000-0000").await.err().unwrap().downcast::<SyncError>().unwrap();
    assert_eq!(typo, SyncError::BadEnrollmentCode);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_cannot_pull_another_countrys_inventory() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CO-BOG-01")).await.unwrap();
    let session = device.client.session().await.unwrap();
    assert!(
        session.scopes.iter().all(|s| s == "catalog" || s == "store:CO-BOG-01" || s.starts_with("inventory:CO-")),
        "{:?}",
        session.scopes
    );
    let forged = PullRequest {
        cursors: vec![ScopeCursor { scope: "inventory:CL-SCL-01".into(), after: 0 }],
        limit: 10,
        wait_ms: 0,
    };
    assert!(matches!(device.client.pull(&forged).await, Err(SyncError::Forbidden(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_protocol_version_is_told_to_update() {
    let central = Central::start_demo().unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/v1/enroll", central.url))
        .header(PROTOCOL_HEADER, "0")
        .json(&serde_json::json!({"code": central.code("CL-SCL-02"), "device_name": "old"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 426);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error["code"], "update_required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_and_the_central_compute_the_same_availability_from_the_same_data() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-04")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    // Best-sellers carry safety stock at stores: the interesting case.
    let skus: Vec<(String, String)> = {
        let inspect = central.inspect().unwrap();
        let mut stmt = inspect
            .prepare(
                "SELECT v.sku, v.product_id FROM variant v JOIN product p ON p.id = v.product_id
                 WHERE p.product_class IN ('bestseller', 'core') ORDER BY v.sku LIMIT 40",
            )
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    let mut with_safety = 0;
    for (sku, product_id) in &skus {
        let at_central = device.client.availability(sku).await.unwrap();
        let detail = device.cache().product_detail(product_id).unwrap();
        for record in &at_central.locations {
            let location = std::iter::once(&detail.here)
                .chain(&detail.elsewhere)
                .find(|l| l.location.id == record.location_id)
                .unwrap_or_else(|| panic!("{} is in the device's region", record.location_id));
            let figure = location.figures.iter().find(|f| &f.sku == sku).expect("the device has the SKU's stock");
            assert_eq!(
                (figure.on_hand, figure.reserved, figure.safety, figure.atp),
                (record.on_hand, record.reserved, record.safety, record.atp),
                "{sku} at {}",
                record.location_id
            );
            with_safety += usize::from(record.safety > 0);
        }
    }
    assert!(with_safety > 0, "some compared figures had safety stock applied");
}
