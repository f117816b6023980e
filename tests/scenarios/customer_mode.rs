//! Customer mode across the parts: pictures from the central cached on the device,
//! associates' PINs reaching only their store's devices and checked offline, and a
//! customer's picks saved to their profile through the outbox.

use chrono::{TimeZone, Utc};
use vitrina_protocol::{content_address, Command, Mutation, MutationOutcome, PushRequest, Rejection, SaveWishlist};
use vitrina_store::{NewCustomer, Pick, PinCheck, SizeState};
use vitrina_sync::{fetch_images, missing_images, pull_until_current, push_pending, ImageCache};
use vitrina_tests::{Central, Device};

const NOW: &str = "2026-11-23T15:00:00Z";

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
}

/// A product of the cache with several colours, and its first product id.
fn product_with_colors(device: &Device) -> String {
    device
        .cache()
        .connection()
        .query_row("SELECT id FROM product WHERE json_array_length(colors) >= 3 ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_colour_has_pictures_that_reach_the_device_once_and_show_offline() {
    let mut central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let cache = ImageCache::new(dir.path().join("images"));
    let missing = missing_images(&device.store, &cache).unwrap();
    let distinct: i64 = central.inspect().unwrap().query_row("SELECT COUNT(*) FROM image", [], |r| r.get(0)).unwrap();
    assert_eq!(missing.len() as i64, distinct, "every stored picture is used, each fetched once");
    let product_colors: i64 = device
        .cache()
        .connection()
        .query_row("SELECT SUM(json_array_length(colors)) FROM product", [], |r| r.get(0))
        .unwrap();
    assert!(distinct < product_colors * 2, "product colours share pictures: {distinct} for {product_colors} colours");

    let mut reports = 0;
    let fetched = fetch_images(&device.client, &cache, missing.clone(), |_| reports += 1).await.unwrap();
    assert_eq!(fetched, missing.len() as u64);
    assert_eq!(reports, missing.len());
    for hash in &missing {
        let bytes = cache.read(hash).unwrap();
        assert_eq!(&content_address(&bytes), hash);
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    }
    assert!(missing_images(&device.store, &cache).unwrap().is_empty(), "nothing left to fetch");

    // With the central gone, the product's colours still have their pictures and
    // their sizes still say what the customer can have.
    central.kill();
    let product = product_with_colors(&device);
    let showcase = device.cache().showcase(&product, now()).unwrap();
    assert!(showcase.colors.len() >= 3);
    for color in &showcase.colors {
        let image = color.image.as_ref().expect("every demo colour has a picture");
        assert!(cache.has(&image.full) && cache.has(&image.thumb), "{}", color.color_code);
        assert!(!color.sizes.is_empty());
        for size in &color.sizes {
            match size.state {
                SizeState::InStore => assert!(size.in_store > 0 && size.arrives.is_none()),
                SizeState::Orderable => assert!(size.in_store == 0 && size.arrives.as_deref() > Some("2026-11-23")),
                SizeState::SoldOut => assert!(size.in_store == 0 && size.arrives.is_none()),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_request_needs_a_device_and_an_address() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    let hash: String =
        central.inspect().unwrap().query_row("SELECT hash FROM image LIMIT 1", [], |r| r.get(0)).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/images/{hash}", central.url);
    let anonymous = http
        .get(&url)
        .header(vitrina_protocol::PROTOCOL_HEADER, vitrina_protocol::PROTOCOL_VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(content_address(&device.client.image(&hash).await.unwrap()), hash);
    assert!(device.client.image(&"0".repeat(64)).await.is_err(), "an unknown address is not found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_reach_only_their_stores_devices_and_open_customer_mode_offline() {
    let mut central = Central::start_demo().unwrap();
    let here = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    let there = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    pull_until_current(&here.store, &here.client, |_| {}).await.unwrap();
    pull_until_current(&there.store, &there.client, |_| {}).await.unwrap();

    let stores_known = |device: &Device| -> Vec<String> {
        let cache = device.cache();
        let mut stmt = cache.connection().prepare("SELECT DISTINCT store_id FROM associate ORDER BY 1").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(stores_known(&here), ["CL-SCL-01"]);
    assert_eq!(stores_known(&there), ["CL-SCL-02"]);
    let pins: i64 = here
        .cache()
        .connection()
        .query_row("SELECT COUNT(*) FROM associate WHERE pin_hash LIKE '$argon2id$%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pins, 2, "a manager and an associate, hashed");

    central.kill();
    let product = product_with_colors(&here);
    let mut cache = here.cache();
    let session = cache.enter_customer_mode(&product, NOW).unwrap().unwrap();
    assert!(session.picks.is_empty());
    // Another store's PIN, and a wrong one, do not open it.
    let other_store = central.pin("CL-SCL-02", "manager");
    let own = central.pin("CL-SCL-01", "associate");
    if other_store != own {
        assert!(matches!(cache.exit_customer_mode(&other_store, now()).unwrap().0, PinCheck::Wrong { .. }));
        assert!(cache.customer_session().unwrap().is_some());
    }
    let (check, selection) = cache.exit_customer_mode(&own, now()).unwrap();
    assert!(matches!(check, PinCheck::Accepted { ref role, .. } if role == "associate"), "{check:?}");
    assert_eq!(selection, None, "nothing picked");
    assert!(cache.customer_session().unwrap().is_none());

    // The manager's PIN opens it too.
    cache.enter_customer_mode(&product, NOW).unwrap().unwrap();
    let manager = central.pin("CL-SCL-01", "manager");
    assert!(
        matches!(cache.exit_customer_mode(&manager, now()).unwrap().0, PinCheck::Accepted { ref role, .. } if role == "manager")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_picks_are_saved_to_their_profile_and_only_by_their_store() {
    let central = Central::start_demo().unwrap();
    let here = Device::enroll(&central.url, &central.code("CL-SCL-01")).await.unwrap();
    let there = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    pull_until_current(&here.store, &here.client, |_| {}).await.unwrap();
    let product = product_with_colors(&here);
    let showcase = here.cache().showcase(&product, now()).unwrap();
    let (first, second) = (&showcase.colors[0], &showcase.colors[1]);

    let customer = here
        .cache()
        .create_customer(
            NewCustomer {
                name: "Ana Pérez".into(),
                phone: Some("+56 9 1234 5678".into()),
                email: None,
                marketing_consent: false,
                chain_consent: false,
            },
            NOW,
        )
        .unwrap()
        .unwrap();
    {
        let mut cache = here.cache();
        cache.enter_customer_mode(&product, NOW).unwrap().unwrap();
        let fav =
            |color: &str| Pick { product_id: product.clone(), color_code: color.into(), size: None, wanted: false };
        cache.set_pick(&fav(&first.color_code), true, NOW).unwrap();
        let wanted = Pick { size: Some(second.sizes[0].size.clone()), wanted: true, ..fav(&second.color_code) };
        let session = cache.set_pick(&wanted, true, NOW).unwrap();
        assert_eq!(session.picks.len(), 2);
        let pin = central.pin("CL-SCL-01", "associate");
        let (_, selection) = cache.exit_customer_mode(&pin, now()).unwrap();
        let selection = selection.expect("the picks wait for the associate");
        assert_eq!(selection.picks.len(), 2);
        let wanted = selection.picks.iter().find(|p| p.color_code == second.color_code).unwrap();
        assert!(wanted.wanted);
        assert_eq!(wanted.sku.as_deref(), Some(second.sizes[0].sku.as_str()));
        cache.save_selection(&customer.id, NOW).unwrap();
        assert_eq!(cache.selection().unwrap(), None, "saved, no longer waiting");
        assert_eq!(cache.wishlist(&customer.id).unwrap().len(), 2, "shown at once here");
    }
    push_pending(&here.store, &here.client).await.unwrap();
    pull_until_current(&here.store, &here.client, |_| {}).await.unwrap();
    assert_eq!(here.cache().pending_count().unwrap(), 0);
    let saved: String = central
        .inspect()
        .unwrap()
        .query_row("SELECT wishlist FROM customer WHERE id = ?1", [&customer.id], |r| r.get(0))
        .unwrap();
    let saved: Vec<vitrina_protocol::WishlistItem> = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved.len(), 2);
    assert!(saved.iter().any(|w| w.wanted && w.color_code == second.color_code));
    assert_eq!(here.cache().wishlist(&customer.id).unwrap(), saved, "the device holds the central's record");

    // Another store's device can't write to this customer's profile, even forged.
    let forged = Mutation {
        mutation_id: uuid::Uuid::now_v7().to_string(),
        counter: 1,
        made_by: None,
        command: Command::SaveWishlist(SaveWishlist { customer_id: customer.id.clone(), items: saved.clone() }),
    };
    let answer = there.client.push(&PushRequest { mutations: vec![forged] }).await.unwrap();
    assert!(
        matches!(answer.results[0].outcome, MutationOutcome::Rejected { rejection: Rejection::Forbidden, .. }),
        "{:?}",
        answer.results[0].outcome
    );
}
