//! Tests of the cache against real SQLite files.

use crate::{Enrollment, Store, StoreError};
use vitrina_core::LocationKind;
use vitrina_protocol::*;

fn location(id: &str, kind: LocationKind, lat: f64, lon: f64) -> LocationRecord {
    LocationRecord {
        id: id.into(),
        kind,
        name: format!("Tienda {id}"),
        country: "CL".into(),
        city: "Santiago".into(),
        address: "Av. Siempre Viva 1".into(),
        lat,
        lon,
        time_zone: "America/Santiago".into(),
        currency: "CLP".into(),
    }
}

fn color(code: &str, es: &str, en: &str) -> ColorRecord {
    ColorRecord { code: code.into(), name_es: es.into(), name_en: en.into(), hex: "#123456".into(), image: None }
}

fn product(id: &str, style: &str, es: &str, en: &str, class: &str, gtin_base: u64) -> ProductRecord {
    let colors = vec![color("CAF", "Café", "Brown"), color("AZM", "Azul marino", "Navy")];
    let sizes = vec!["S".to_string(), "M".to_string()];
    let mut variants = Vec::new();
    let mut n = gtin_base;
    for c in &colors {
        for s in &sizes {
            let body = format!("780{n:09}");
            let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
            let gtin = format!("{body}{}", vitrina_core::gtin::check_digit(&digits));
            variants.push(VariantRecord {
                sku: format!("{style}-{}-{s}", c.code),
                color_code: c.code.clone(),
                size: s.clone(),
                gtin,
            });
            n += 1;
        }
    }
    ProductRecord {
        id: id.into(),
        style_code: style.into(),
        name_es: es.into(),
        name_en: en.into(),
        description_es: String::new(),
        description_en: String::new(),
        category_es: "Camisas".into(),
        category_en: "Shirts".into(),
        product_class: class.into(),
        colors,
        sizes,
        variants,
        prices: vec![PriceRecord { currency: "CLP".into(), minor: 24990 }],
    }
}

fn upsert(seq: i64, record: Record) -> Change {
    Change::upsert(seq, record)
}

fn page(scope: &str, changes: Vec<Change>) -> ScopePage {
    let cursor = changes.last().map_or(0, |c| c.seq);
    ScopePage {
        scope: scope.into(),
        status: ScopeStatus::Ok,
        changes,
        cursor,
        head: cursor,
        remaining: 0,
        checksum: None,
    }
}

fn stock(sku: &str, location_id: &str, on_hand: i64, reserved: i64) -> Record {
    Record::Stock(StockRecord {
        sku: sku.into(),
        location_id: location_id.into(),
        on_hand,
        reserved,
        in_transit: 0,
        transit_eta: None,
    })
}

/// A cache on a real file holding a small chain: the home store, a store 3 km
/// away, one 15 km away, a warehouse; two products.
fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("cache.db")).unwrap();
    let home = location("HOME", LocationKind::Store, -33.4172, -70.6064);
    store
        .save_enrollment(&Enrollment {
            central_url: "http://127.0.0.1:1".into(),
            device_id: "dev".into(),
            token: "secret".into(),
            store: home.clone(),
        })
        .unwrap();
    let scopes: Vec<String> =
        ["HOME", "NEAR", "FAR", "WH"].iter().map(|l| inventory_scope(l)).chain([CATALOG_SCOPE.to_string()]).collect();
    store.subscribe(&scopes).unwrap();
    let mut trousers = product("P2", "PAN-2001", "Pantalón chino niño", "Boys' chino trousers", "core", 100);
    trousers.category_es = "Pantalones".into();
    trousers.category_en = "Trousers".into();
    let catalog = vec![
        upsert(1, Record::Location(Box::new(home))),
        upsert(2, Record::Location(Box::new(location("FAR", LocationKind::Store, -33.5500, -70.6064)))),
        upsert(3, Record::Location(Box::new(location("NEAR", LocationKind::Store, -33.4442, -70.6064)))),
        upsert(4, Record::Location(Box::new(location("WH", LocationKind::Warehouse, -33.40, -70.80)))),
        upsert(
            5,
            Record::Product(Box::new(product(
                "P1",
                "CAM-1042",
                "Camisa Oxford café",
                "Brown Oxford shirt",
                "bestseller",
                1,
            ))),
        ),
        upsert(6, Record::Product(Box::new(trousers))),
        upsert(
            7,
            Record::SafetyRule(SafetyRuleRecord {
                location_id: "HOME".into(),
                product_class: "bestseller".into(),
                units: 2,
            }),
        ),
    ];
    store.apply_page(&page(CATALOG_SCOPE, catalog), "2026-11-23T10:00:00Z").unwrap();
    store
        .apply_page(
            &page(
                &inventory_scope("HOME"),
                vec![
                    upsert(1, stock("CAM-1042-CAF-S", "HOME", 5, 1)),
                    upsert(2, stock("CAM-1042-CAF-M", "HOME", 2, 0)),
                ],
            ),
            "2026-11-23T10:00:00Z",
        )
        .unwrap();
    store
        .apply_page(
            &page(&inventory_scope("NEAR"), vec![upsert(1, stock("CAM-1042-CAF-S", "NEAR", 3, 0))]),
            "2026-11-23T10:01:00Z",
        )
        .unwrap();
    store
        .apply_page(
            &page(&inventory_scope("FAR"), vec![upsert(1, stock("CAM-1042-CAF-S", "FAR", 7, 0))]),
            "2026-11-23T10:02:00Z",
        )
        .unwrap();
    store
        .apply_page(
            &page(&inventory_scope("WH"), vec![upsert(1, stock("CAM-1042-CAF-S", "WH", 40, 0))]),
            "2026-11-23T10:03:00Z",
        )
        .unwrap();
    (dir, store)
}

fn ids(hits: &[crate::SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.product_id.as_str()).collect()
}

#[test]
fn search_ignores_case_and_accents() {
    let (_dir, store) = seeded();
    assert_eq!(ids(&store.search("camisa", 10).unwrap()), ["P1"], "lower case finds Camisa");
    assert_eq!(ids(&store.search("CAFE", 10).unwrap()).len(), 2, "cafe finds both products in café");
    assert_eq!(ids(&store.search("nino", 10).unwrap()), ["P2"], "nino finds niño");
    assert_eq!(ids(&store.search("pantalon", 10).unwrap()), ["P2"], "pantalon finds Pantalón");
}

#[test]
fn search_matches_prefixes_while_typing() {
    let (_dir, store) = seeded();
    for typed in ["c", "ca", "cam", "cami", "camis"] {
        assert!(ids(&store.search(typed, 10).unwrap()).contains(&"P1"), "{typed:?} is a prefix of camisa");
    }
}

#[test]
fn search_finds_english_names_colors_and_categories() {
    let (_dir, store) = seeded();
    assert_eq!(ids(&store.search("trousers", 10).unwrap()), ["P2"]);
    assert_eq!(ids(&store.search("navy", 10).unwrap()).len(), 2, "both products come in navy");
    assert_eq!(ids(&store.search("shirts", 10).unwrap()), ["P1"], "category in English");
}

#[test]
fn an_exact_style_code_comes_first() {
    let (_dir, store) = seeded();
    assert_eq!(ids(&store.search("PAN-2001", 10).unwrap())[0], "P2");
    assert_eq!(ids(&store.search("cam1042", 10).unwrap()), ["P1"], "a code typed without its dash");
}

#[test]
fn query_syntax_typed_by_a_person_never_breaks_search() {
    let (_dir, store) = seeded();
    for typed in ["\"", "camisa\"", "AND", "*", "(", "NEAR(", "-", "   "] {
        assert!(store.search(typed, 10).is_ok(), "{typed:?} must not be an error");
    }
}

#[test]
fn search_hits_carry_swatches_price_and_availability_here() {
    let (_dir, store) = seeded();
    let hit = &store.search("camisa", 10).unwrap()[0];
    assert_eq!(hit.swatches.len(), 2);
    assert_eq!(hit.price.unwrap().minor, 24990);
    // S: 5 − 1 reserved − 2 safety = 2; M: 2 − 0 − 2 = 0.
    assert_eq!(hit.available_here, 2);
}

#[test]
fn a_barcode_opens_its_variant() {
    let (_dir, store) = seeded();
    let detail = store.product_detail("P2").unwrap();
    let variant = &detail.variants[1];
    let hit = store.find_barcode(&variant.gtin).unwrap();
    assert_eq!(hit.sku, variant.sku);
    assert_eq!(hit.product_id, "P2");
}

#[test]
fn a_barcode_with_a_wrong_check_digit_is_refused_and_an_unknown_one_is_not_found() {
    let (_dir, store) = seeded();
    assert!(matches!(
        store.find_barcode("4006381333932"),
        Err(StoreError::Barcode(vitrina_core::GtinError::CheckDigit))
    ));
    assert!(matches!(store.find_barcode("4006381333931"), Err(StoreError::NotFound)));
}

#[test]
fn availability_applies_reservations_and_the_stores_safety_stock() {
    let (_dir, store) = seeded();
    let detail = store.product_detail("P1").unwrap();
    let s = detail.here.figures.iter().find(|f| f.sku == "CAM-1042-CAF-S").unwrap();
    assert_eq!((s.on_hand, s.reserved, s.safety, s.atp), (5, 1, 2, 2));
    let near = detail.elsewhere.iter().find(|l| l.location.id == "NEAR").unwrap();
    assert_eq!(near.figures[0].safety, 0, "the safety rule is the home store's only");
    assert_eq!(near.total_atp, 3);
}

#[test]
fn other_locations_are_stores_by_distance_then_warehouses() {
    let (_dir, store) = seeded();
    let detail = store.product_detail("P1").unwrap();
    let order: Vec<&str> = detail.elsewhere.iter().map(|l| l.location.id.as_str()).collect();
    assert_eq!(order, ["NEAR", "FAR", "WH"]);
    let near_km = detail.elsewhere[0].location.distance_km.unwrap();
    assert!((2.5..3.5).contains(&near_km), "NEAR is about 3 km away, got {near_km}");
    assert_eq!(detail.here.location.distance_km, None);
}

#[test]
fn each_location_carries_the_time_the_central_confirmed_it() {
    let (_dir, store) = seeded();
    let detail = store.product_detail("P1").unwrap();
    assert_eq!(detail.here.as_of.as_deref(), Some("2026-11-23T10:00:00Z"));
    assert_eq!(detail.elsewhere[0].as_of.as_deref(), Some("2026-11-23T10:01:00Z"));
}

#[test]
fn a_page_that_does_not_reach_the_head_does_not_confirm_freshness() {
    let (_dir, mut store) = seeded();
    let mut partial = page(&inventory_scope("NEAR"), vec![upsert(2, stock("CAM-1042-CAF-M", "NEAR", 1, 0))]);
    partial.remaining = 10;
    store.apply_page(&partial, "2026-11-23T11:00:00Z").unwrap();
    assert_eq!(store.confirmed_at(&inventory_scope("NEAR")).unwrap().as_deref(), Some("2026-11-23T10:01:00Z"));
    assert_eq!(store.stock_level("CAM-1042-CAF-M", "NEAR").unwrap().unwrap().on_hand, 1, "the data itself is applied");
}

#[test]
fn tombstones_remove_what_they_name() {
    let (_dir, mut store) = seeded();
    let del = Change::delete(8, "product:P2");
    store.apply_page(&page(CATALOG_SCOPE, vec![del]), "2026-11-23T11:00:00Z").unwrap();
    assert!(store.search("pantalon", 10).unwrap().is_empty());
    assert!(matches!(store.product_detail("P2"), Err(StoreError::NotFound)));
    let del = Change::delete(2, "stock:CAM-1042-CAF-S");
    store.apply_page(&page(&inventory_scope("NEAR"), vec![del]), "2026-11-23T11:00:00Z").unwrap();
    assert_eq!(store.stock_level("CAM-1042-CAF-S", "NEAR").unwrap(), None);
    assert!(store.stock_level("CAM-1042-CAF-S", "FAR").unwrap().is_some(), "other locations keep theirs");
}

#[test]
fn cursors_survive_reopening_the_file() {
    let (dir, store) = seeded();
    let before = store.cursors().unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("cache.db")).unwrap();
    assert_eq!(store.cursors().unwrap(), before);
    assert_eq!(before.iter().find(|c| c.scope == CATALOG_SCOPE).unwrap().after, 7);
}

#[test]
fn resync_required_clears_the_scope_and_restarts_it_from_zero() {
    let (_dir, mut store) = seeded();
    let reset = ScopePage {
        scope: inventory_scope("FAR"),
        status: ScopeStatus::ResyncRequired,
        changes: vec![],
        cursor: 0,
        head: 50,
        remaining: 50,
        checksum: None,
    };
    store.apply_page(&reset, "2026-11-23T11:00:00Z").unwrap();
    assert_eq!(store.stock_count("FAR").unwrap(), 0);
    assert_eq!(store.cursors().unwrap().iter().find(|c| c.scope == inventory_scope("FAR")).unwrap().after, 0);
}

#[test]
fn scopes_no_longer_given_are_dropped_with_their_data() {
    let (_dir, mut store) = seeded();
    let keep: Vec<String> = vec![CATALOG_SCOPE.into(), inventory_scope("HOME")];
    store.subscribe(&keep).unwrap();
    assert_eq!(store.stock_count("NEAR").unwrap(), 0);
    assert_eq!(store.cursors().unwrap().len(), 2);
}

#[test]
fn an_exact_style_code_comes_first_even_among_more_matches_than_are_ranked() {
    let (_dir, mut store) = seeded();
    let count = crate::query::RANK_CANDIDATES as usize + 200;
    let changes: Vec<Change> = (0..count)
        .map(|i| {
            // The last one's code is a prefix of every other's: all match it, and it
            // is the last in index order, beyond the ranked candidates.
            let code = if i + 1 == count { "CAM-5".to_string() } else { format!("CAM-{:05}", 50_000 + i) };
            let p = product(&format!("Q{i:05}"), &code, "Camisa lino", "Linen shirt", "core", 10_000 + i as u64 * 10);
            upsert(100 + i as i64, Record::Product(Box::new(p)))
        })
        .collect();
    store.apply_page(&page(CATALOG_SCOPE, changes), "2026-11-23T11:00:00Z").unwrap();
    let hits = store.search("cam-5", 10).unwrap();
    assert_eq!(hits[0].style_code, "CAM-5", "typed in lower case, the exact code is first");
    let hits = store.search("camisa", 30).unwrap();
    assert_eq!(hits.len(), 30, "a broad prefix still fills the page from the ranked candidates");
}

#[test]
fn an_order_the_central_refused_is_resolved_by_cancelling_it_here() {
    let (_dir, mut store) = seeded();
    let order = crate::NewOrder {
        lines: vec![OrderLineRecord { sku: "CAM-1042-CAF-S".into(), quantity: 1, source_location_id: "NEAR".into() }],
        fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Providencia 1234".into() },
        customer_id: None,
        payment: PaymentRecord { method: "at_till".into(), reference: None },
        promise_date: None,
        allow_other_source: false,
    };
    let saved = store.place_order(order, "2026-11-23T12:00:00Z").unwrap();
    assert_eq!(store.stock_level("CAM-1042-CAF-S", "NEAR").unwrap().unwrap().reserved, 1, "held here at once");
    let mutation = store.pending_mutations(10).unwrap().remove(0);
    let refused = PushResponse {
        results: vec![MutationResult {
            mutation_id: mutation.mutation_id,
            counter: mutation.counter,
            outcome: MutationOutcome::Rejected {
                rejection: Rejection::SoldOut {
                    sku: "CAM-1042-CAF-S".into(),
                    location_id: "NEAR".into(),
                    available: 0,
                },
                alternatives: vec![Alternative { sku: "CAM-1042-CAF-S".into(), location_id: "FAR".into(), atp: 7 }],
                slots: vec![],
            },
            effects: vec![],
            replayed: false,
        }],
        next_counter: mutation.counter + 1,
    };
    store.record_push(&refused, "2026-11-23T12:01:00Z").unwrap();
    let view = store.order_detail(&saved.id).unwrap();
    assert_eq!(view.sync, crate::OrderSync::NeedsAttention);
    let rejection = view.rejection.unwrap();
    assert_eq!(rejection.reason, "sold_out");
    assert_eq!(rejection.alternatives[0].location_id, "FAR", "with somewhere else to get it");
    assert_eq!(
        store.stock_level("CAM-1042-CAF-S", "NEAR").unwrap().unwrap().reserved,
        0,
        "the refused hold is released"
    );

    let view = store.cancel_order(&saved.id, "2026-11-23T12:02:00Z").unwrap();
    assert_eq!(view.status, crate::OrderStatus::Cancelled);
    assert_eq!(view.sync, crate::OrderSync::Confirmed, "nothing left to send");
    assert_eq!(store.pending_count().unwrap(), 0, "no command queued for an order the central never had");
}

#[test]
fn an_order_saved_here_shows_its_customer_payment_and_promise_before_the_central_answers() {
    let (_dir, mut store) = seeded();
    let customer = store
        .create_customer(
            crate::NewCustomer {
                name: "José Pérez".into(),
                phone: Some("(09) 8765-4321".into()),
                email: Some("Jose@Example.CL".into()),
                marketing_consent: true,
                chain_consent: false,
            },
            "2026-11-23T12:00:00Z",
        )
        .unwrap()
        .unwrap();
    assert_eq!(customer.phone.as_deref(), Some("+56987654321"));
    assert_eq!(customer.email.as_deref(), Some("jose@example.cl"));
    assert_eq!(store.search_customers("jose").unwrap()[0].id, customer.id, "found by name without its accent");
    assert_eq!(store.search_customers("987654321").unwrap()[0].id, customer.id, "found by phone however typed");

    let order = crate::NewOrder {
        lines: vec![OrderLineRecord { sku: "CAM-1042-CAF-S".into(), quantity: 1, source_location_id: "WH".into() }],
        fulfilment: FulfilmentRecord::ShipToHome { address: "Av. Providencia 1234".into() },
        customer_id: Some(customer.id.clone()),
        payment: PaymentRecord { method: "reference".into(), reference: Some("B-1234".into()) },
        promise_date: Some("2026-11-24".into()),
        allow_other_source: false,
    };
    let saved = store.place_order(order, "2026-11-23T12:00:00Z").unwrap();
    let view = store.order_detail(&saved.id).unwrap();
    assert_eq!((view.status, view.sync), (crate::OrderStatus::Pending, crate::OrderSync::SavedHere));
    assert_eq!(view.customer_name.as_deref(), Some("José Pérez"));
    assert_eq!(view.promise_date.as_deref(), Some("2026-11-24"));
    assert_eq!(view.payment.reference.as_deref(), Some("B-1234"));
    assert_eq!(store.pending_count().unwrap(), 2, "the customer and the order wait for the central, in that order");
}

#[test]
fn invalid_customer_details_are_refused_with_the_field_and_reason() {
    let (_dir, mut store) = seeded();
    let attempt = |store: &mut Store, name: &str, phone: Option<&str>, email: Option<&str>| {
        store
            .create_customer(
                crate::NewCustomer {
                    name: name.into(),
                    phone: phone.map(Into::into),
                    email: email.map(Into::into),
                    marketing_consent: false,
                    chain_consent: false,
                },
                "2026-11-23T12:00:00Z",
            )
            .unwrap()
            .err()
            .map(|e| (e.field, e.reason))
    };
    assert_eq!(attempt(&mut store, " ", None, None), Some(("name", "empty")));
    assert_eq!(attempt(&mut store, "Ana", Some("12"), None), Some(("phone", "wrong_length")));
    assert_eq!(attempt(&mut store, "Ana", None, Some("ana@")), Some(("email", "format")));
    assert_eq!(store.pending_count().unwrap(), 0, "nothing is queued for a refused customer");
}

#[test]
fn resetting_the_device_is_refused_while_commands_are_unsent_and_then_forgets_everything() {
    let (dir, mut store) = seeded();
    let order = crate::NewOrder {
        lines: vec![OrderLineRecord { sku: "CAM-1042-CAF-S".into(), quantity: 1, source_location_id: "WH".into() }],
        fulfilment: FulfilmentRecord::ShipToStore { store_id: "HOME".into() },
        customer_id: None,
        payment: PaymentRecord { method: "at_till".into(), reference: None },
        promise_date: None,
        allow_other_source: false,
    };
    store.place_order(order, "2026-11-23T12:00:00Z").unwrap();
    assert_eq!(store.reset().unwrap(), Err(1), "one order would be lost");
    assert!(store.enrollment().unwrap().is_some(), "nothing changed");

    let mutation = store.pending_mutations(1).unwrap().remove(0);
    let applied = PushResponse {
        results: vec![MutationResult {
            mutation_id: mutation.mutation_id,
            counter: mutation.counter,
            outcome: MutationOutcome::Applied,
            effects: vec![],
            replayed: false,
        }],
        next_counter: 2,
    };
    store.record_push(&applied, "2026-11-23T12:01:00Z").unwrap();
    assert_eq!(store.reset().unwrap(), Ok(()));
    drop(store);
    let store = Store::open(&dir.path().join("cache.db")).unwrap();
    assert!(store.enrollment().unwrap().is_none(), "ready to enroll again");
    assert_eq!(store.product_count().unwrap(), 0);
}

#[test]
fn a_cache_that_diverged_from_the_central_notices_by_checksum_and_pulls_the_scope_again() {
    let (_dir, mut store) = seeded();
    let scope = inventory_scope("FAR");
    let row = |on_hand| {
        Record::Stock(StockRecord {
            sku: "CAM-1042-CAF-S".into(),
            location_id: "FAR".into(),
            on_hand,
            reserved: 0,
            in_transit: 0,
            transit_eta: None,
        })
    };
    let hash = |record: &Record| vitrina_protocol::entry_hash(&record.key(), serde_json::to_string(record).unwrap());

    // The central's checksum after its change 2 matches what this cache computes.
    let mut next = page(&scope, vec![upsert(2, row(6))]);
    next.checksum = Some(hash(&row(6)));
    assert_eq!(store.apply_page(&next, "2026-11-23T11:00:00Z").unwrap(), crate::PageOutcome::Applied);

    // A change this cache never got (3) makes the next page's checksum disagree.
    let mut after_gap = page(
        &scope,
        vec![upsert(
            4,
            Record::Stock(StockRecord {
                sku: "CAM-1042-AZM-M".into(),
                ..match row(1) {
                    Record::Stock(s) => s,
                    _ => unreachable!(),
                }
            }),
        )],
    );
    after_gap.checksum = Some(12345);
    assert_eq!(store.apply_page(&after_gap, "2026-11-23T11:01:00Z").unwrap(), crate::PageOutcome::Reset);
    assert_eq!(store.stock_count("FAR").unwrap(), 0, "the diverged scope is dropped");
    let cursor = store.cursors().unwrap().into_iter().find(|c| c.scope == scope).unwrap();
    assert_eq!(cursor.after, 0, "and pulled again from the start");
    assert!(store.stock_count("NEAR").unwrap() > 0, "other scopes are untouched");
}

#[test]
fn a_scope_pulled_from_its_start_sums_its_checksum_at_the_head_then_keeps_it_change_by_change() {
    let (_dir, mut store) = seeded();
    let scope = inventory_scope("FILL");
    let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
    scopes.push(scope.clone());
    store.subscribe(&scopes).unwrap();
    let row = |sku: &str, on_hand| stock(sku, "FILL", on_hand, 0);
    let hash = |record: &Record| vitrina_protocol::entry_hash(&record.key(), serde_json::to_string(record).unwrap());

    // The first page, with more to come: no checksum yet.
    let mut first = page(&scope, vec![upsert(1, row("A", 1)), upsert(2, row("B", 2)), upsert(3, row("C", 3))]);
    first.head = 6;
    first.remaining = 3;
    assert_eq!(store.apply_page(&first, "2026-11-23T11:00:00Z").unwrap(), crate::PageOutcome::Applied);

    // The last page: B was changed and C deleted while the pull went on.
    let mut last =
        page(&scope, vec![upsert(4, row("D", 4)), upsert(5, row("B", 20)), Change::delete(6, row("C", 0).key())]);
    last.checksum = Some(hash(&row("A", 1)) ^ hash(&row("B", 20)) ^ hash(&row("D", 4)));
    assert_eq!(store.apply_page(&last, "2026-11-23T11:00:01Z").unwrap(), crate::PageOutcome::Applied);
    assert_eq!(store.stock_count("FILL").unwrap(), 3);

    // From the head on, change by change.
    let mut delta = page(&scope, vec![upsert(7, row("A", 7))]);
    delta.checksum = Some(hash(&row("A", 7)) ^ hash(&row("B", 20)) ^ hash(&row("D", 4)));
    assert_eq!(store.apply_page(&delta, "2026-11-23T11:00:02Z").unwrap(), crate::PageOutcome::Applied);
    let mut wrong = page(&scope, vec![upsert(8, row("A", 8))]);
    wrong.checksum = delta.checksum;
    assert_eq!(store.apply_page(&wrong, "2026-11-23T11:00:03Z").unwrap(), crate::PageOutcome::Reset);

    // A pull from the start that ends on another checksum than the central's starts over.
    let mut refill = page(&scope, vec![upsert(1, row("A", 1)), upsert(2, row("B", 2))]);
    refill.checksum = Some(hash(&row("A", 1)));
    assert_eq!(store.apply_page(&refill, "2026-11-23T11:00:04Z").unwrap(), crate::PageOutcome::Reset);
    assert_eq!(store.stock_count("FILL").unwrap(), 0);
    refill.checksum = Some(hash(&row("A", 1)) ^ hash(&row("B", 2)));
    assert_eq!(store.apply_page(&refill, "2026-11-23T11:00:05Z").unwrap(), crate::PageOutcome::Applied);
    assert_eq!(store.stock_count("FILL").unwrap(), 2);
}

#[test]
fn a_response_applies_every_scope_in_one_transaction_each_keeping_its_own_checksum() {
    let (_dir, mut store) = seeded();
    let (east, west) = (inventory_scope("EAST"), inventory_scope("WEST"));
    let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
    scopes.extend([east.clone(), west.clone()]);
    store.subscribe(&scopes).unwrap();
    let hash = |record: &Record| vitrina_protocol::entry_hash(&record.key(), serde_json::to_string(record).unwrap());

    // The same SKUs at two locations, a row changed twice within its page, and a
    // deletion of a row the page itself brought.
    let east_page = page(
        &east,
        vec![
            upsert(1, stock("A", "EAST", 1, 0)),
            upsert(2, stock("B", "EAST", 2, 0)),
            upsert(3, stock("A", "EAST", 10, 1)),
            Change::delete(4, "stock:B"),
        ],
    );
    let mut west_page = page(&west, vec![upsert(1, stock("B", "WEST", 5, 0)), upsert(2, stock("A", "WEST", 6, 0))]);
    let east_sum = hash(&stock("A", "EAST", 10, 1));
    let west_sum = hash(&stock("B", "WEST", 5, 0)) ^ hash(&stock("A", "WEST", 6, 0));
    west_page.checksum = Some(west_sum);
    let outcomes = store
        .apply_pages(&[ScopePage { checksum: Some(east_sum), ..east_page }, west_page], "2026-11-24T10:00:00Z")
        .unwrap();
    assert_eq!(outcomes, [crate::PageOutcome::Applied, crate::PageOutcome::Applied]);
    assert_eq!(store.stock_level("A", "EAST").unwrap().map(|l| (l.on_hand, l.reserved)), Some((10, 1)));
    assert_eq!(store.stock_level("B", "EAST").unwrap(), None, "deleted after it came");
    assert_eq!(store.stock_count("WEST").unwrap(), 2);

    // Deltas: one row changed and one deleted, each checksum still the XOR of what
    // its scope holds; a wrong one resets its scope alone.
    let mut east_delta = page(&east, vec![upsert(5, stock("A", "EAST", 9, 1))]);
    east_delta.checksum = Some(hash(&stock("A", "EAST", 9, 1)));
    let mut west_delta = page(&west, vec![Change::delete(3, "stock:A")]);
    west_delta.checksum = Some(west_sum);
    // (West first: the rows are written in location order, the outcomes answered
    // in the response's.)
    let outcomes = store.apply_pages(&[west_delta, east_delta], "2026-11-24T10:01:00Z").unwrap();
    assert_eq!(outcomes, [crate::PageOutcome::Reset, crate::PageOutcome::Applied]);
    assert_eq!(store.stock_count("WEST").unwrap(), 0, "the diverged scope is emptied to be pulled again");
    assert_eq!(store.stock_level("A", "EAST").unwrap().map(|l| l.on_hand), Some(9));
    let cursors = store.cursors().unwrap();
    let after = |scope: &str| cursors.iter().find(|c| c.scope == scope).map(|c| c.after);
    assert_eq!((after(&east), after(&west)), (Some(5), Some(0)));

    let twice = [page(&east, vec![]), page(&east, vec![])];
    assert!(
        matches!(store.apply_pages(&twice, "2026-11-24T10:02:00Z"), Err(StoreError::Corrupt(_))),
        "one page per scope"
    );
}

#[test]
fn a_stock_record_filed_under_another_locations_scope_is_refused_and_the_cursor_stays() {
    let (_dir, mut store) = seeded();
    let scope = inventory_scope("EAST");
    let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
    scopes.push(scope.clone());
    store.subscribe(&scopes).unwrap();
    // A stock record under another location than its scope's can't be a row of the
    // scope: the cache refuses the page rather than write it where it won't be found.
    let stray = page(&scope, vec![upsert(1, stock("A", "WEST", 1, 0))]);
    assert!(matches!(store.apply_page(&stray, "2026-11-24T10:00:00Z"), Err(StoreError::Corrupt(_))));
    assert_eq!(store.cursors().unwrap().iter().find(|c| c.scope == scope).map(|c| c.after), Some(0));
}

#[test]
fn every_read_of_stock_seeks_by_key_and_none_scans_the_table() {
    let (_dir, store) = seeded();
    for sql in [
        crate::query::stock_sql::of_product(),
        crate::query::stock_sql::of_sku(),
        crate::query::stock_sql::of_products_at(3),
    ] {
        let mut stmt = store.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let nulls = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
        let plan: Vec<String> =
            stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get(3)).unwrap().map(Result::unwrap).collect();
        assert!(
            plan.iter().any(|step| step.starts_with("SEARCH s USING PRIMARY KEY (location_id=? AND sku=?)")),
            "{sql}\n{plan:#?}"
        );
        assert!(!plan.iter().any(|step| step.starts_with("SCAN s")), "{sql}\n{plan:#?}");
    }
}

// ---------------------------------------------------------------- customer mode

mod customer_mode {
    use super::*;
    use crate::{CannotEnter, Pick, PinCheck, SizeState};
    use argon2::password_hash::{PasswordHasher, SaltString};
    use chrono::{DateTime, TimeZone, Utc};

    const NOW: &str = "2026-11-23T12:00:00Z";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn associate(id: &str, role: &str, pin: &str) -> Record {
        let salt = SaltString::encode_b64(format!("salt-of-{id}").as_bytes()).unwrap();
        let pin_hash = argon2::Argon2::default().hash_password(pin.as_bytes(), &salt).unwrap().to_string();
        Record::Associate(Box::new(AssociateRecord {
            id: id.into(),
            store_id: "HOME".into(),
            name: format!("Persona {id}"),
            role: role.into(),
            pin_hash,
            active: true,
        }))
    }

    /// The seeded cache with the home store's associate (PIN 4821) and manager (PIN 9035).
    fn with_staff() -> (tempfile::TempDir, Store) {
        let (dir, mut store) = seeded();
        let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
        scopes.push(store_scope("HOME"));
        store.subscribe(&scopes).unwrap();
        let staff =
            vec![upsert(1, associate("A1", "associate", "4821")), upsert(2, associate("M1", "manager", "9035"))];
        store.apply_page(&page(&store_scope("HOME"), staff), NOW).unwrap();
        (dir, store)
    }

    fn favourite(color: &str) -> Pick {
        Pick { product_id: "P1".into(), color_code: color.into(), size: None, wanted: false }
    }

    #[test]
    fn each_size_says_whether_it_is_here_can_arrive_or_is_gone() {
        let (_dir, mut store) = seeded();
        store
            .apply_page(
                &ScopePage {
                    cursor: 2,
                    head: 2,
                    ..page(&inventory_scope("WH"), vec![upsert(2, stock("CAM-1042-AZM-M", "WH", 10, 0))])
                },
                NOW,
            )
            .unwrap();
        let showcase = store.showcase("P1", now()).unwrap();
        let state = |color: &str, size: &str| {
            let c = showcase.colors.iter().find(|c| c.color_code == color).unwrap();
            let s = c.sizes.iter().find(|s| s.size == size).unwrap();
            (s.state, s.in_store, s.arrives.clone())
        };
        // 5 on hand, 1 reserved, 2 kept back for walk-ins: 2 to sell here.
        assert_eq!(state("CAF", "S"), (SizeState::InStore, 2, None));
        // 2 on hand, all of it safety stock: not here, and nowhere else either.
        assert_eq!(state("CAF", "M"), (SizeState::SoldOut, 0, None));
        // Only at the warehouse: next-day delivery before the 14:00 cut-off in Santiago.
        assert_eq!(state("AZM", "M"), (SizeState::Orderable, 0, Some("2026-11-24".into())));
        assert_eq!(state("AZM", "S"), (SizeState::SoldOut, 0, None));
        assert_eq!(showcase.colors.iter().map(|c| c.color_code.as_str()).collect::<Vec<_>>(), ["CAF", "AZM"]);
        assert_eq!(showcase.price.map(|p| p.minor), Some(24990));
    }

    #[test]
    fn customer_mode_needs_a_pin_on_the_device_to_be_left() {
        let (_dir, mut store) = seeded();
        assert_eq!(store.enter_customer_mode("P1", NOW).unwrap(), Err(CannotEnter::NoPins));
        assert!(store.customer_session().unwrap().is_none());
        let (_dir, mut store) = with_staff();
        assert!(store.enter_customer_mode("P1", NOW).unwrap().is_ok());
        assert!(matches!(store.enter_customer_mode("NOPE", NOW), Err(StoreError::NotFound)));
    }

    #[test]
    fn picks_wait_for_the_associate_once_a_pin_is_given() {
        let (_dir, mut store) = with_staff();
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        store.set_pick(&favourite("CAF"), true, NOW).unwrap();
        store.set_pick(&favourite("AZM"), true, NOW).unwrap();
        let wanted = Pick { size: Some("M".into()), wanted: true, ..favourite("AZM") };
        let session = store.set_pick(&wanted, true, NOW).unwrap();
        assert_eq!(session.picks.len(), 2, "one pick per colour");
        assert!(matches!(store.set_pick(&favourite("ROJ"), true, NOW), Err(StoreError::NotFound)));

        assert_eq!(store.exit_customer_mode("1234", now()).unwrap(), (PinCheck::Wrong { attempts_left: 4 }, None));
        assert!(store.customer_session().unwrap().is_some(), "still the customer's");
        let (check, selection) = store.exit_customer_mode("4821", now()).unwrap();
        assert!(matches!(check, PinCheck::Accepted { ref associate_id, .. } if associate_id == "A1"));
        let selection = selection.unwrap();
        assert_eq!(selection.picks.len(), 2);
        let azm = selection.picks.iter().find(|p| p.color_code == "AZM").unwrap();
        assert_eq!(
            (azm.wanted, azm.sku.as_deref(), azm.color_es.as_str()),
            (true, Some("CAM-1042-AZM-M"), "Azul marino")
        );
        assert!(store.customer_session().unwrap().is_none());

        // The next customer starts with nothing; the first one's picks still wait.
        let next = store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        assert!(next.picks.is_empty());
        assert_eq!(store.selection().unwrap().unwrap().picks.len(), 2);
        store.exit_customer_mode("9035", now()).unwrap();
        store.dismiss_selection().unwrap();
        assert_eq!(store.selection().unwrap(), None);
    }

    #[test]
    fn wrong_pins_lock_entry_and_a_restart_does_not_reset_it() {
        let (dir, mut store) = with_staff();
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        for left in (1..=4).rev() {
            assert_eq!(store.exit_customer_mode("0000", now()).unwrap().0, PinCheck::Wrong { attempts_left: left });
        }
        assert_eq!(store.exit_customer_mode("0000", now()).unwrap().0, PinCheck::Locked { retry_after_s: 30 });
        drop(store);

        let mut store = Store::open(&dir.path().join("cache.db")).unwrap();
        assert!(store.customer_session().unwrap().is_some(), "the mode survives a restart");
        let later = now() + chrono::Duration::seconds(10);
        // Even the right PIN is not checked while locked.
        assert_eq!(store.exit_customer_mode("4821", later).unwrap().0, PinCheck::Locked { retry_after_s: 20 });
        let after = now() + chrono::Duration::seconds(31);
        assert_eq!(store.exit_customer_mode("0000", after).unwrap().0, PinCheck::Locked { retry_after_s: 60 });
        let after = after + chrono::Duration::seconds(61);
        assert!(matches!(store.exit_customer_mode("4821", after).unwrap().0, PinCheck::Accepted { .. }));
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        assert_eq!(store.exit_customer_mode("0000", after).unwrap().0, PinCheck::Wrong { attempts_left: 4 }, "reset");
    }

    #[test]
    fn an_associate_who_left_no_longer_opens_it() {
        let (_dir, mut store) = with_staff();
        let Record::Associate(mut gone) = associate("A1", "associate", "4821") else { unreachable!() };
        gone.active = false;
        store
            .apply_page(
                &ScopePage {
                    cursor: 3,
                    head: 3,
                    ..page(&store_scope("HOME"), vec![upsert(3, Record::Associate(gone))])
                },
                NOW,
            )
            .unwrap();
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        assert!(matches!(store.exit_customer_mode("4821", now()).unwrap().0, PinCheck::Wrong { .. }));
        assert!(matches!(store.exit_customer_mode("9035", now()).unwrap().0, PinCheck::Accepted { .. }));
    }

    #[test]
    fn each_command_is_queued_with_the_associate_signed_in_and_one_pin_switches() {
        let (_dir, mut store) = with_staff();
        let customer = |store: &mut Store, name: &str| {
            let input = crate::NewCustomer {
                name: name.into(),
                phone: None,
                email: Some(format!("{}@example.cl", name.to_lowercase())),
                marketing_consent: false,
                chain_consent: false,
            };
            store.create_customer(input, NOW).unwrap().unwrap();
        };
        assert!(store.has_associates().unwrap());
        assert!(
            matches!(store.sign_in("4821", now()).unwrap(), PinCheck::Accepted { ref associate_id, .. } if associate_id == "A1")
        );
        customer(&mut store, "Ximena");
        assert!(matches!(store.sign_in("1111", now()).unwrap(), PinCheck::Wrong { .. }));
        assert_eq!(store.acting_associate(), Some("A1"), "a wrong PIN changes nobody");
        assert!(
            matches!(store.sign_in("9035", now()).unwrap(), PinCheck::Accepted { ref associate_id, .. } if associate_id == "M1")
        );
        customer(&mut store, "Yolanda");
        store.set_acting_associate(None);
        customer(&mut store, "Zoe");
        let by: Vec<Option<String>> = store.pending_mutations(10).unwrap().into_iter().map(|m| m.made_by).collect();
        assert_eq!(by, [Some("A1".to_owned()), Some("M1".to_owned()), None]);

        // Leaving customer mode signs in whoever gave the PIN.
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        store.exit_customer_mode("4821", now()).unwrap();
        assert_eq!(store.acting_associate(), Some("A1"));
    }

    #[test]
    fn a_reset_forgets_the_staff_and_the_session() {
        let (_dir, mut store) = with_staff();
        store.enter_customer_mode("P1", NOW).unwrap().unwrap();
        store.reset().unwrap().unwrap();
        assert!(store.customer_session().unwrap().is_none());
        let staff: i64 = store.connection().query_row("SELECT COUNT(*) FROM associate", [], |r| r.get(0)).unwrap();
        assert_eq!(staff, 0);
    }

    #[test]
    fn the_catalogs_pictures_are_listed_once_each() {
        let (_dir, mut store) = seeded();
        let mut shirt = product("P3", "CAM-3000", "Camisa", "Shirt", "core", 300);
        let image = ColorImage { full: "a".repeat(64), thumb: "b".repeat(64) };
        for c in &mut shirt.colors {
            c.image = Some(image.clone());
        }
        store
            .apply_page(
                &ScopePage {
                    cursor: 8,
                    head: 8,
                    ..page(CATALOG_SCOPE, vec![upsert(8, Record::Product(Box::new(shirt)))])
                },
                NOW,
            )
            .unwrap();
        assert_eq!(store.image_addresses().unwrap(), ["a".repeat(64), "b".repeat(64)]);
    }
}

// ---------------------------------------------------------------- appointments

mod appointments {
    use super::*;
    use crate::{AppointmentSync, NewCustomer};
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
    use vitrina_core::{Exception, ExceptionKind, WorkingHours};

    // Monday 2026-11-23, 09:00 in Santiago (UTC−3).
    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }
    const TUESDAY: &str = "2026-11-24";

    fn at(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn stylist(id: &str, specialties: &[&str]) -> Record {
        let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat];
        Record::Stylist(Box::new(StylistRecord {
            id: id.into(),
            store_id: "HOME".into(),
            name: format!("Estilista {id}"),
            specialties: specialties.iter().map(|s| s.to_string()).collect(),
            weekly_hours: days.iter().map(|&weekday| WorkingHours { weekday, start: at(10), end: at(19) }).collect(),
            breaks: days.iter().map(|&weekday| WorkingHours { weekday, start: at(14), end: at(15) }).collect(),
            exceptions: vec![Exception {
                date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
                kind: ExceptionKind::DayOff,
            }],
            active: true,
        }))
    }

    fn service() -> Record {
        Record::Service(Box::new(ServiceRecord {
            id: "SRV".into(),
            name_es: "Asesoría de imagen".into(),
            name_en: "Personal styling".into(),
            description_es: String::new(),
            description_en: String::new(),
            duration_minutes: 60,
            buffer_before_minutes: 10,
            buffer_after_minutes: 10,
            required_specialty: Some("imagen".into()),
            prices: vec![PriceRecord { currency: "CLP".into(), minor: 0 }],
            room_kind: None,
        }))
    }

    /// Tuesday at `h`:00 in Santiago, as the central writes times.
    fn tuesday_at(h: u32) -> String {
        let local = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_time(at(h));
        chrono_tz::America::Santiago
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// The seeded cache with a service, two stylists (one without the specialty) and a customer.
    fn with_stylists() -> (tempfile::TempDir, Store, String) {
        let (dir, mut store) = seeded();
        let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
        scopes.push(store_scope("HOME"));
        store.subscribe(&scopes).unwrap();
        store.apply_page(&page(CATALOG_SCOPE, vec![upsert(8, service())]), "2026-11-23T12:00:00Z").unwrap();
        let staff = vec![upsert(1, stylist("S1", &["imagen"])), upsert(2, stylist("S2", &["sastreria"]))];
        store.apply_page(&page(&store_scope("HOME"), staff), "2026-11-23T12:00:00Z").unwrap();
        let customer = store
            .create_customer(
                NewCustomer {
                    name: "Ana Pérez".into(),
                    phone: Some("+56 9 1234 5678".into()),
                    email: None,
                    marketing_consent: false,
                    chain_consent: false,
                },
                "2026-11-23T12:00:00Z",
            )
            .unwrap()
            .unwrap();
        (dir, store, customer.id)
    }

    #[test]
    fn slots_come_from_the_cache_for_stylists_with_the_specialty() {
        let (_dir, store, _) = with_stylists();
        let day = NaiveDate::parse_from_str(TUESDAY, "%Y-%m-%d").unwrap();
        let slots = store.appointment_slots("SRV", day, None, None, now()).unwrap();
        assert!(slots.iter().all(|s| s.stylist_id == "S1"), "only who has the specialty");
        assert_eq!(slots.first().map(|s| s.local_start.as_str()), Some("2026-11-24T10:15"), "buffer before fits");
        assert!(!slots.iter().any(|s| s.local_start == "2026-11-24T13:15"), "no slot runs into the break");
        let wednesday = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(store.appointment_slots("SRV", wednesday, None, None, now()).unwrap().is_empty(), "day off");
        let days = store.stylist_days(wednesday).unwrap();
        assert!(days.iter().find(|d| d.id == "S1").unwrap().day_off);
    }

    #[test]
    fn a_booking_made_here_is_pending_takes_the_slot_and_is_queued() {
        let (_dir, mut store, customer) = with_stylists();
        let start = tuesday_at(11);
        let view = store.book_appointment(&customer, "SRV", "S1", &start, vec![], now()).unwrap().unwrap();
        assert_eq!(
            (view.sync, view.status.as_str(), view.local_start.as_str()),
            (AppointmentSync::Pending, "booked", "2026-11-24T11:00")
        );
        assert_eq!(store.pending_count().unwrap(), 2, "the customer and the booking");
        let day = NaiveDate::parse_from_str(TUESDAY, "%Y-%m-%d").unwrap();
        let slots = store.appointment_slots("SRV", day, Some("S1"), None, now()).unwrap();
        assert!(!slots.iter().any(|s| s.start == start), "taken here at once");
        let moving = store.appointment_slots("SRV", day, Some("S1"), Some(&view.id), now()).unwrap();
        assert!(moving.iter().any(|s| s.start == start), "its own time is free to the appointment being moved");
        assert_eq!(store.book_appointment(&customer, "SRV", "S1", &start, vec![], now()).unwrap(), Err("slot_taken"));
        assert_eq!(store.appointments(day, day).unwrap().len(), 1);
    }

    #[test]
    fn a_refused_reschedule_goes_back_to_the_centrals_version_with_the_slots_offered_instead() {
        let (_dir, mut store, customer) = with_stylists();
        let booked = store.book_appointment(&customer, "SRV", "S1", &tuesday_at(11), vec![], now()).unwrap().unwrap();
        // The central took it: its record comes back in the store scope.
        let mutations = store.pending_mutations(10).unwrap();
        let answer = |counter: i64, mutation_id: &str, outcome: MutationOutcome| PushResponse {
            results: vec![MutationResult {
                mutation_id: mutation_id.into(),
                counter,
                outcome,
                effects: vec![],
                replayed: false,
            }],
            next_counter: counter + 1,
        };
        for m in &mutations {
            store
                .record_push(&answer(m.counter, &m.mutation_id, MutationOutcome::Applied), "2026-11-23T12:00:01Z")
                .unwrap();
        }
        let central: AppointmentRecord = serde_json::from_str(
            &store.connection().query_row("SELECT record FROM appointment", [], |r| r.get::<_, String>(0)).unwrap(),
        )
        .unwrap();
        store
            .apply_page(
                &ScopePage {
                    cursor: 3,
                    head: 3,
                    ..page(&store_scope("HOME"), vec![upsert(3, Record::Appointment(Box::new(central.clone())))])
                },
                "2026-11-23T12:00:02Z",
            )
            .unwrap();
        assert_eq!(store.appointment(&booked.id).unwrap().sync, AppointmentSync::Confirmed);

        // Moved here to 16:00; the central refuses: back to 11:00, with the reason.
        let moved = store.reschedule_appointment(&booked.id, "S1", &tuesday_at(16), now()).unwrap().unwrap();
        assert_eq!((moved.local_start.as_str(), moved.sync), ("2026-11-24T16:00", AppointmentSync::Pending));
        let m = store.pending_mutations(10).unwrap().pop().unwrap();
        let refusal = MutationOutcome::Rejected {
            rejection: Rejection::SlotTaken,
            alternatives: vec![],
            slots: vec![SlotOffer { stylist_id: "S1".into(), start: tuesday_at(17) }],
        };
        store.record_push(&answer(m.counter, &m.mutation_id, refusal), "2026-11-23T12:00:03Z").unwrap();
        let back = store.appointment(&booked.id).unwrap();
        assert_eq!((back.local_start.as_str(), back.sync), ("2026-11-24T11:00", AppointmentSync::Rejected));
        let rejection = back.rejection.unwrap();
        assert_eq!(rejection.reason, "slot_taken");
        assert_eq!(rejection.slots[0].local_start, "2026-11-24T17:00");
        assert_eq!(rejection.slots[0].stylist_name, "Estilista S1");
    }

    #[test]
    fn a_pulled_version_does_not_overwrite_a_change_still_unanswered() {
        let (_dir, mut store, customer) = with_stylists();
        let booked = store.book_appointment(&customer, "SRV", "S1", &tuesday_at(11), vec![], now()).unwrap().unwrap();
        let mut central: AppointmentRecord = serde_json::from_str(
            &store.connection().query_row("SELECT record FROM appointment", [], |r| r.get::<_, String>(0)).unwrap(),
        )
        .unwrap();
        central.start = tuesday_at(12);
        store
            .apply_page(
                &page(&store_scope("HOME"), vec![upsert(3, Record::Appointment(Box::new(central)))]),
                "2026-11-23T12:00:02Z",
            )
            .unwrap();
        assert_eq!(
            store.appointment(&booked.id).unwrap().local_start,
            "2026-11-24T11:00",
            "the device's change still shows"
        );
    }

    #[test]
    fn a_schedule_change_takes_a_managers_pin_and_waits_for_the_central() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let (_dir, mut store, _) = with_stylists();
        let person = |id: &str, role: &str, pin: &str| {
            let salt = SaltString::encode_b64(format!("salt-of-{id}").as_bytes()).unwrap();
            Record::Associate(Box::new(AssociateRecord {
                id: id.into(),
                store_id: "HOME".into(),
                name: id.into(),
                role: role.into(),
                pin_hash: argon2::Argon2::default().hash_password(pin.as_bytes(), &salt).unwrap().to_string(),
                active: true,
            }))
        };
        let staff = vec![upsert(3, person("A1", "associate", "4821")), upsert(4, person("M1", "manager", "9035"))];
        store.apply_page(&page(&store_scope("HOME"), staff), "2026-11-23T12:00:00Z").unwrap();
        let mut input = crate::ScheduleInput {
            weekly_hours: vec![crate::ClockDay { weekday: "Mon".into(), start: "09:00".into(), end: "13:00".into() }],
            breaks: vec![],
            exceptions: vec![crate::ScheduleException {
                date: "2026-12-24".into(),
                kind: "day_off".into(),
                start: None,
                end: None,
            }],
        };
        let before = store.pending_count().unwrap();
        assert_eq!(
            store.set_stylist_schedule("4821", "S1", &input, now()).unwrap(),
            Err(crate::ScheduleRefused::NotManager)
        );
        assert!(matches!(
            store.set_stylist_schedule("0000", "S1", &input, now()).unwrap(),
            Err(crate::ScheduleRefused::Pin(crate::PinCheck::Wrong { .. }))
        ));
        input.weekly_hours[0].end = "08:00".into();
        assert_eq!(
            store.set_stylist_schedule("9035", "S1", &input, now()).unwrap(),
            Err(crate::ScheduleRefused::Invalid("weekly_hours", "order"))
        );
        input.weekly_hours[0].end = "13:00".into();
        let queued = store.set_stylist_schedule("9035", "S1", &input, now()).unwrap().unwrap();
        assert!(queued.pending, "on its way to the central");
        assert_eq!(queued.weekly_hours.len(), 6, "the cache keeps the central's hours until it answers");
        assert_eq!(store.pending_count().unwrap(), before + 1);
        let command = store.pending_mutations(50).unwrap().pop().unwrap().command;
        let Command::SetStylistSchedule(change) = command else { panic!("{command:?}") };
        assert_eq!((change.by_associate_id.as_str(), change.exceptions.len()), ("M1", 1));
    }
}

mod commerce {
    use super::*;
    use crate::{NewLostDemand, SafetyRefused};
    use chrono::{DateTime, TimeZone, Utc};
    use vitrina_core::TxnKind;

    const NOW: &str = "2026-11-23T12:00:00Z";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn person(id: &str, role: &str) -> Record {
        Record::Associate(Box::new(AssociateRecord {
            id: id.into(),
            store_id: "HOME".into(),
            name: format!("Persona {id}"),
            role: role.into(),
            pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            active: true,
        }))
    }

    fn customer(id: &str) -> CustomerRecord {
        CustomerRecord {
            id: id.into(),
            store_id: "HOME".into(),
            name: "Renata Soto".into(),
            phone: Some("+56991112222".into()),
            email: None,
            marketing_consent: true,
            chain_consent: false,
            wishlist: vec![],
        }
    }

    fn purchase(id: &str, channel: &str, kind: TxnKind, at: &str, amount: i64) -> Record {
        Record::Purchase(Box::new(PurchaseRecord {
            id: id.into(),
            store_id: "HOME".into(),
            customer_id: "C1".into(),
            channel: channel.into(),
            kind,
            reference: id.to_uppercase(),
            attributed_store_id: Some("NEAR".into()),
            occurred_at: at.into(),
            currency: "CLP".into(),
            amount_minor: amount,
            lines: vec![TransactionLine { sku: "CAM-1042-CAF-S".into(), quantity: 1, unit_minor: amount }],
            order_id: None,
        }))
    }

    /// The seeded cache with the store's scope: staff, a customer and their purchases.
    fn with_store() -> (tempfile::TempDir, Store) {
        let (dir, mut store) = seeded();
        let mut scopes: Vec<String> = store.cursors().unwrap().into_iter().map(|c| c.scope).collect();
        scopes.push(store_scope("HOME"));
        store.subscribe(&scopes).unwrap();
        let changes = vec![
            upsert(1, person("A1", "associate")),
            upsert(2, person("M1", "manager")),
            upsert(3, Record::Customer(Box::new(customer("C1")))),
            upsert(4, purchase("web-1", "ecommerce", TxnKind::Order, "2026-11-20T15:00:00Z", 30_000)),
            upsert(5, purchase("pos-r1", "pos", TxnKind::Return, "2026-11-22T15:00:00Z", 10_000)),
        ];
        store.apply_page(&page(&store_scope("HOME"), changes), NOW).unwrap();
        (dir, store)
    }

    fn answer(store: &mut Store, outcome: MutationOutcome, effects: Vec<ScopeCursor>) {
        let mutation = store.pending_mutations(10).unwrap().pop().unwrap();
        let response = PushResponse {
            results: vec![MutationResult {
                mutation_id: mutation.mutation_id,
                counter: mutation.counter,
                outcome,
                effects,
                replayed: false,
            }],
            next_counter: mutation.counter + 1,
        };
        store.record_push(&response, NOW).unwrap();
    }

    #[test]
    fn a_customers_purchases_from_every_channel_and_orders_made_here_are_one_history() {
        let (_dir, mut store) = with_store();
        let order = crate::NewOrder {
            lines: vec![OrderLineRecord { sku: "CAM-1042-CAF-S".into(), quantity: 2, source_location_id: "WH".into() }],
            fulfilment: FulfilmentRecord::ShipToStore { store_id: "HOME".into() },
            customer_id: Some("C1".into()),
            payment: PaymentRecord { method: "at_till".into(), reference: None },
            promise_date: None,
            allow_other_source: false,
        };
        let placed = store.place_order(order, NOW).unwrap();
        let profile = store.customer_profile("C1").unwrap();
        let seen: Vec<(&str, &str, bool)> =
            profile.activity.iter().map(|a| (a.kind.as_str(), a.channel.as_str(), a.pending)).collect();
        assert_eq!(
            seen,
            [("order", "endless_aisle", true), ("return", "pos", false), ("order", "ecommerce", false)],
            "newest first, the order made here pending"
        );
        let here = &profile.activity[0];
        assert_eq!(here.reference, placed.number);
        let price = here.amount.unwrap().minor;
        assert!(price > 0, "priced from the catalog");
        assert_eq!(profile.lifetime_value.minor, 30_000 - 10_000 + price);
        assert_eq!((profile.orders, profile.returns), (2, 1));
        assert_eq!(profile.activity[1].store_name.as_deref(), Some("Tienda NEAR"), "where it happened");
        assert!(!profile.from_chain);

        // Once the central's ledger has the order, it shows once.
        let ledger = Record::Purchase(Box::new(PurchaseRecord {
            order_id: Some(placed.id.clone()),
            ..match purchase("ea-1", "endless_aisle", TxnKind::Order, "2026-11-23T12:00:05Z", price) {
                Record::Purchase(p) => *p,
                _ => unreachable!(),
            }
        }));
        store.apply_page(&page(&store_scope("HOME"), vec![upsert(6, ledger)]), NOW).unwrap();
        let profile = store.customer_profile("C1").unwrap();
        assert_eq!(profile.activity.iter().filter(|a| a.channel == "endless_aisle").count(), 1);
        assert!(matches!(store.customer_profile("C-OTHER"), Err(StoreError::NotFound)));
    }

    #[test]
    fn a_customer_found_across_the_chain_shows_in_the_same_profile() {
        let (_dir, store) = with_store();
        let mut theirs = customer("C9");
        theirs.store_id = "NEAR".into();
        theirs.chain_consent = true;
        let found = ChainCustomer { customer: theirs, purchases: vec![], appointments: vec![] };
        let profile = store.chain_profile(&found).unwrap();
        assert!(profile.from_chain);
        assert_eq!(profile.home_store_name, "Tienda NEAR");
        assert!(profile.activity.is_empty());
    }

    #[test]
    fn lost_demand_is_saved_here_at_once_and_confirmed_by_the_central() {
        let (_dir, mut store) = with_store();
        let wanted = NewLostDemand {
            sku: Some("CAM-1042-CAF-M".into()),
            product_id: None,
            text: None,
            reason: "declined_wait".into(),
        };
        let view = store.record_lost_demand(wanted, Some("A1"), now()).unwrap().unwrap();
        assert!(view.pending);
        assert_eq!(view.product_id.as_deref(), Some("P1"), "the SKU's product");
        assert_eq!(view.associate_name.as_deref(), Some("Persona A1"));
        let words = NewLostDemand {
            sku: None,
            product_id: None,
            text: Some("  chaqueta de cuero  ".into()),
            reason: "not_in_catalog".into(),
        };
        store.record_lost_demand(words, None, now()).unwrap().unwrap();
        let nothing = NewLostDemand { sku: None, product_id: None, text: Some("   ".into()), reason: "other".into() };
        assert_eq!(store.record_lost_demand(nothing, None, now()).unwrap().unwrap_err().field, "text");
        let odd = NewLostDemand { sku: None, product_id: Some("P1".into()), text: None, reason: "bored".into() };
        assert_eq!(store.record_lost_demand(odd, None, now()).unwrap().unwrap_err().field, "reason");

        let summary = store.lost_demand(30, now()).unwrap();
        assert_eq!(summary.total, 2);
        assert_eq!(summary.entries[0].text.as_deref(), Some("chaqueta de cuero"), "trimmed, newest first");
        assert_eq!(summary.top_products.len(), 1);
        assert_eq!(summary.top_products[0].style_code, "CAM-1042");
        let classes = store.safety_rules_view(now()).unwrap();
        let bestseller = classes.iter().find(|c| c.product_class == "bestseller").unwrap();
        assert_eq!(bestseller.lost_demand_30d, 1, "the class of the product asked for");

        // The central refuses the free-text one (say); it is dropped here.
        answer(
            &mut store,
            MutationOutcome::Rejected { rejection: Rejection::Forbidden, alternatives: vec![], slots: vec![] },
            vec![],
        );
        assert_eq!(store.lost_demand(30, now()).unwrap().total, 1);
    }

    #[test]
    fn a_managers_safety_stock_change_is_pending_until_the_central_rule_arrives() {
        let (_dir, mut store) = with_store();
        assert!(matches!(store.set_safety_rule("A1", "bestseller", 4, now()).unwrap(), Err(SafetyRefused::NotManager)));
        assert!(matches!(
            store.set_safety_rule("M1", "bestseller", 5_000, now()).unwrap(),
            Err(SafetyRefused::Invalid("units"))
        ));
        assert!(matches!(
            store.set_safety_rule("M1", "luxury", 1, now()).unwrap(),
            Err(SafetyRefused::Invalid("product_class"))
        ));
        let views = store.set_safety_rule("M1", "bestseller", 4, now()).unwrap().unwrap();
        let rule = views.iter().find(|v| v.product_class == "bestseller").unwrap();
        assert_eq!(
            (rule.units, rule.pending_units),
            (2, Some(4)),
            "the confirmed rule stays until the central's arrives"
        );
        let Some(Command::SetSafetyRule(sent)) = store.pending_mutations(10).unwrap().pop().map(|m| m.command) else {
            panic!("a safety-stock command is queued")
        };
        assert_eq!(sent.by_associate_id, "M1");

        answer(&mut store, MutationOutcome::Applied, vec![ScopeCursor { scope: CATALOG_SCOPE.into(), after: 8 }]);
        let rule =
            store.safety_rules_view(now()).unwrap().into_iter().find(|v| v.product_class == "bestseller").unwrap();
        assert_eq!(rule.pending_units, Some(4), "applied, not pulled yet");
        let new_rule = Record::SafetyRule(SafetyRuleRecord {
            location_id: "HOME".into(),
            product_class: "bestseller".into(),
            units: 4,
        });
        store.apply_page(&ScopePage { head: 8, ..page(CATALOG_SCOPE, vec![upsert(8, new_rule)]) }, NOW).unwrap();
        let rule =
            store.safety_rules_view(now()).unwrap().into_iter().find(|v| v.product_class == "bestseller").unwrap();
        assert_eq!((rule.units, rule.pending_units, rule.refused), (4, None, None));

        store.set_safety_rule("M1", "core", 3, now()).unwrap().unwrap();
        answer(
            &mut store,
            MutationOutcome::Rejected { rejection: Rejection::Forbidden, alternatives: vec![], slots: vec![] },
            vec![],
        );
        let core = store.safety_rules_view(now()).unwrap().into_iter().find(|v| v.product_class == "core").unwrap();
        assert_eq!((core.units, core.pending_units, core.refused.as_deref()), (0, None, Some("forbidden")));
    }

    #[test]
    fn reports_fetched_are_kept_per_range_for_reading_offline() {
        let (_dir, store) = with_store();
        let tz: chrono_tz::Tz = "America/Santiago".parse().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let report = vitrina_core::sales_report(
            "HOME",
            vitrina_core::Currency::parse("CLP").unwrap(),
            tz,
            vitrina_core::DateRange::day(day),
            [],
        );
        assert_eq!(store.cached_report("2026-11-23", "2026-11-23").unwrap(), None);
        store.cache_report(&report, "2026-11-23T15:00:00Z").unwrap();
        let cached = store.cached_report("2026-11-23", "2026-11-23").unwrap().unwrap();
        assert_eq!((cached.report, cached.generated_at.as_str()), (report, "2026-11-23T15:00:00Z"));
    }

    #[test]
    fn wiping_forgets_everything_unsent_commands_included_and_leaves_no_trace_in_the_file() {
        let (dir, mut store) = with_store();
        let wanted = NewLostDemand { sku: None, product_id: Some("P1".into()), text: None, reason: "other".into() };
        store.record_lost_demand(wanted, None, now()).unwrap().unwrap();
        assert_eq!(store.pending_count().unwrap(), 1);
        store.wipe().unwrap();
        assert_eq!(store.enrollment().unwrap(), None);
        assert_eq!(store.pending_count().unwrap(), 0);
        assert_eq!(store.product_count().unwrap(), 0);
        drop(store);
        let mut raw = std::fs::read(dir.path().join("cache.db")).unwrap();
        raw.extend(std::fs::read(dir.path().join("cache.db-wal")).unwrap_or_default());
        for text in ["Renata Soto", "Camisa Oxford", "secret"] {
            assert!(!raw.windows(text.len()).any(|w| w == text.as_bytes()), "{text} is gone from the file");
        }
    }
}

mod encryption {
    use super::*;
    use crate::CacheKey;

    const NAMES: [&str; 2] = ["Renata Soto Encriptada", "renata.soto@example.com"];

    fn customer_page() -> ScopePage {
        let customer = CustomerRecord {
            id: "C1".into(),
            store_id: "HOME".into(),
            name: NAMES[0].into(),
            phone: Some("+56991112222".into()),
            email: Some(NAMES[1].into()),
            marketing_consent: false,
            chain_consent: false,
            wishlist: vec![],
        };
        page(&store_scope("HOME"), vec![upsert(1, Record::Customer(Box::new(customer)))])
    }

    fn raw_bytes(path: &std::path::Path) -> Vec<u8> {
        let mut raw = std::fs::read(path).unwrap();
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            raw.extend(std::fs::read(std::path::PathBuf::from(name)).unwrap_or_default());
        }
        raw
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn the_cache_on_disk_cannot_be_read_without_its_key_and_holds_no_readable_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let key = CacheKey::generate();
        {
            let mut store = Store::open_encrypted(&path, &key).unwrap();
            store.subscribe(&[store_scope("HOME")]).unwrap();
            store.apply_page(&customer_page(), "2026-11-23T10:00:00Z").unwrap();
            store.connection().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        }
        let raw = raw_bytes(&path);
        for name in NAMES {
            assert!(!contains(&raw, name), "{name} is not readable in the file");
        }
        assert!(!contains(&raw, "SQLite format 3"), "not even the SQLite header");

        let plain = rusqlite::Connection::open(&path).unwrap();
        assert!(
            plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err(),
            "no key, no data"
        );
        drop(plain);
        assert!(matches!(Store::open_encrypted(&path, &CacheKey::generate()), Err(StoreError::WrongKey)));
        let store = Store::open_encrypted(&path, &key).unwrap();
        let name: String = store.connection().query_row("SELECT name FROM customer", [], |r| r.get(0)).unwrap();
        assert_eq!(name, NAMES[0], "the right key reads it");
    }

    #[test]
    fn a_cache_written_before_encryption_is_encrypted_in_place_with_everything_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        {
            let mut store = Store::open(&path).unwrap();
            store.subscribe(&[store_scope("HOME")]).unwrap();
            store.apply_page(&customer_page(), "2026-11-23T10:00:00Z").unwrap();
        }
        assert!(contains(&raw_bytes(&path), NAMES[0]), "written in the clear");
        let key = CacheKey::generate();
        let store = Store::open_encrypted(&path, &key).unwrap();
        let name: String = store.connection().query_row("SELECT name FROM customer", [], |r| r.get(0)).unwrap();
        assert_eq!(name, NAMES[0]);
        assert_eq!(store.cursors().unwrap()[0].after, 1, "cursors kept");
        drop(store);
        assert!(!contains(&raw_bytes(&path), NAMES[0]), "nothing left in the clear");
        let again = Store::open_encrypted(&path, &key).unwrap();
        let version: i64 = again.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, crate::MIGRATIONS.len() as i64, "the schema version came along");
    }

    #[test]
    fn keys_round_trip_as_hex_and_never_print() {
        let key = CacheKey::generate();
        assert_eq!(CacheKey::from_hex(&key.to_hex()), Some(key.clone()));
        assert_ne!(key, CacheKey::generate());
        assert_eq!(format!("{key:?}"), "CacheKey(…)");
        assert_eq!(CacheKey::from_hex("abc"), None);
        assert_eq!(CacheKey::from_hex(&"g".repeat(64)), None);
    }
}
