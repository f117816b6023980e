//! Security across parts: a device a manager revoked forgets everything at its next
//! sync attempt, unsent commands included, and nothing readable stays in its files.

use std::process::Command;
use std::time::Duration;
use vitrina_sync::{pull_until_current, ImageCache, SyncError};
use vitrina_tests::{central_bin, Central, Device};

const STORE: &str = "CL-SCL-01";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_wipes_its_cache_at_its_next_sync_attempt() {
    let central = Central::start_demo().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let device = Device::enroll_at(&central.url, &central.code(STORE), &path).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let names: Vec<String> = {
        let conn = central.inspect().unwrap();
        let mut stmt = conn.prepare("SELECT name FROM customer WHERE store_id = ?1").unwrap();
        stmt.query_map([STORE], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert!(!names.is_empty());
    {
        let cache = device.cache();
        assert_eq!(cache.search_customers(&names[0]).unwrap().len(), 1, "the store's customers are on the device");
    }
    // A command made while the link was down, never sent.
    device
        .cache()
        .create_customer(
            vitrina_store::NewCustomer {
                name: "Cliente Sin Enviar".into(),
                phone: None,
                email: None,
                marketing_consent: false,
                chain_consent: false,
            },
            "2026-11-24T12:00:00Z",
        )
        .unwrap()
        .unwrap();
    let device_id = device.cache().enrollment().unwrap().unwrap().device_id;
    let images = ImageCache::new(dir.path().join("images"));
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::write(dir.path().join("images").join("a-picture"), b"png").unwrap();

    let out = Command::new(central_bin().unwrap())
        .args(["revoke-device", "--device", &device_id, "--db"])
        .arg(&central.db_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let handle = vitrina_sync::spawn(device.store.clone(), Some(images));
    let mut status = handle.watch();
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if matches!(status.borrow_and_update().error, Some(SyncError::Revoked)) {
                break;
            }
            status.changed().await.unwrap();
        }
    })
    .await
    .expect("the device hears it was revoked");

    {
        let cache = device.cache();
        assert_eq!(cache.enrollment().unwrap(), None, "no enrollment, no token");
        assert_eq!(cache.pending_count().unwrap(), 0, "unsent commands are gone too");
        for table in ["customer", "product", "stock", "outbox", "associate", "purchase"] {
            let rows: i64 =
                cache.connection().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
            assert_eq!(rows, 0, "{table} is empty");
        }
    }
    assert!(!dir.path().join("images").exists(), "the pictures are gone");
    let mut raw = std::fs::read(&path).unwrap();
    raw.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    for name in names.iter().map(String::as_str).chain(["Cliente Sin Enviar"]) {
        assert!(!raw.windows(name.len()).any(|w| w == name.as_bytes()), "{name} is not in the file's bytes");
    }
    let revoked: String = central
        .inspect()
        .unwrap()
        .query_row("SELECT action FROM audit_log WHERE subject = ?1", [&device_id], |r| r.get(0))
        .unwrap();
    assert_eq!(revoked, "device.revoked");
}

/// A certificate for `localhost` and 127.0.0.1, and its key, as PEM files in `dir`.
fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let (cert, key) = (dir.join("central.pem"), dir.join("central.key"));
    let pem = made.cert.pem();
    std::fs::write(&cert, &pem).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    (cert, key, pem)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn given_a_certificate_the_central_serves_only_https_and_devices_sync_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = certificate(dir.path());
    let central = Central::start_demo_tls(&cert, &key).unwrap();
    assert!(central.url.starts_with("https://"));

    let trusting = vitrina_sync::Client::with_roots(&central.url, Some(pem.as_bytes())).unwrap();
    assert_eq!(trusting.health().await.unwrap().status, "ok");
    let enrolled = trusting.enroll(&central.code(STORE), "tablet over TLS").await.unwrap();
    let device = trusting.with_token(&enrolled.token);
    let session = device.session().await.unwrap();
    assert_eq!(session.store.id, STORE);
    let page = device
        .pull(&vitrina_protocol::PullRequest {
            cursors: vec![vitrina_protocol::ScopeCursor { scope: vitrina_protocol::CATALOG_SCOPE.into(), after: 0 }],
            limit: 50,
            wait_ms: 0,
        })
        .await
        .unwrap();
    assert_eq!(page.scopes[0].changes.len(), 50, "the catalog comes over TLS");

    let stranger = vitrina_sync::Client::new(&central.url).unwrap();
    assert!(matches!(stranger.health().await, Err(SyncError::Unreachable(_))), "an unknown certificate is refused");
    let plain = vitrina_sync::Client::new(&format!("http://127.0.0.1:{}", central.port)).unwrap();
    assert!(plain.health().await.is_err(), "no plain HTTP on the TLS port");
}

#[test]
fn without_a_certificate_the_central_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(central_bin().unwrap())
        .args(["serve", "--listen", "0.0.0.0:0", "--db"])
        .arg(dir.path().join("central.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("without TLS") && said.contains("--tls-cert"), "{said}");
}
