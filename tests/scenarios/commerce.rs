//! Unified commerce across parts: other systems' CSV exports imported with
//! `vitrina-import` into a real central, the store report of every channel read by
//! a manager's device, and a customer's history across channels on the device.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::process::Command;
use vitrina_core::Attribution;
use vitrina_protocol::{ChannelTransaction, CustomerRef, TransactionLine};
use vitrina_sync::{pull_until_current, push_pending};
use vitrina_tests::{workspace_bin, Central, Device};

const STORE: &str = "CL-SCL-01";
const DAY: &str = "2025-03-10";

/// One valid transaction of the generated file, for computing what the report must say.
struct Expected {
    channel: String,
    kind: String,
    store: Option<String>,
    amount: i64,
}

struct Chain {
    /// Stores with their country's currency.
    stores: Vec<(String, String)>,
    /// SKUs with their price per currency.
    skus: Vec<(String, HashMap<String, i64>)>,
    /// Demo customers: phone and home store.
    customers: Vec<(String, String)>,
}

fn chain(central: &Central) -> Chain {
    let conn = central.inspect().unwrap();
    let stores = conn
        .prepare("SELECT id, currency FROM location WHERE kind = 'store' AND country IN ('CL', 'MX') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<(String, String)>, _>>()
        .unwrap();
    let mut skus = Vec::new();
    let mut stmt = conn
        .prepare("SELECT v.sku, p.record FROM variant v JOIN product p ON p.id = v.product_id ORDER BY v.sku")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap();
    for (i, row) in rows.enumerate() {
        let (sku, record) = row.unwrap();
        if i % 7 != 0 {
            continue; // a spread of the catalog is enough
        }
        let product: vitrina_protocol::ProductRecord = serde_json::from_str(&record).unwrap();
        skus.push((sku, product.prices.iter().map(|p| (p.currency.clone(), p.minor)).collect()));
    }
    let customers = conn
        .prepare("SELECT phone, store_id FROM customer WHERE phone IS NOT NULL AND (store_id LIKE 'CL-%' OR store_id LIKE 'MX-%')")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<(String, String)>, _>>()
        .unwrap();
    Chain { stores, skus, customers }
}

/// `n` transactions of one day in the chain's Chilean and Mexican stores: sales and
/// returns at the till, web orders picked up in store or sent to a customer's home,
/// cancellations. Answers the CSV, what the report must count, and the rows the
/// file spoils on purpose (row number and what the importer must say about it).
fn generate(chain: &Chain, n: usize) -> (String, Vec<Expected>, Vec<(usize, &'static str)>) {
    let mut rng = StdRng::seed_from_u64(20_250_310);
    let mut csv = String::from(
        "transaction_id,channel,kind,occurred_at,sold_at_store,pickup_store,customer_phone,currency,sku,quantity,unit_price,original_transaction_id\n",
    );
    let mut row = 1;
    let mut expected = Vec::new();
    let mut spoiled = Vec::new();
    let mut sales: Vec<(String, String, String)> = Vec::new(); // id, store, currency
    let mut orders: Vec<(String, Option<String>, Option<String>, String)> = Vec::new(); // id, pickup, phone, currency
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    for i in 0..n {
        // Between 13:00 and 23:59 UTC: that day in Santiago and in Mexico City alike.
        let at: DateTime<Utc> = Utc.from_utc_datetime(&day.and_hms_opt(13, 0, 0).unwrap())
            + chrono::Duration::seconds(rng.gen_range(0..(11 * 3600 - 1)));
        let (store, currency) = chain.stores[rng.gen_range(0..chain.stores.len())].clone();
        let roll = rng.gen_range(0..100);
        let id = format!("X{i:05}");
        let mut t = ChannelTransaction {
            transaction_id: id.clone(),
            channel: "pos".into(),
            kind: "sale".into(),
            occurred_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            sold_at_store: None,
            pickup_store: None,
            customer: None,
            currency: currency.clone(),
            lines: Vec::new(),
            original_transaction_id: None,
        };
        let line_count = rng.gen_range(1..=3);
        let mut lines = Vec::new();
        for _ in 0..line_count {
            let (sku, prices) = &chain.skus[rng.gen_range(0..chain.skus.len())];
            lines.push(TransactionLine {
                sku: sku.clone(),
                quantity: rng.gen_range(1..=3),
                unit_minor: prices[&currency],
            });
        }
        match roll {
            0..=54 => t.sold_at_store = Some(store.clone()),
            55..=64 if !sales.is_empty() => {
                let (original, sold_at, original_currency) = sales[rng.gen_range(0..sales.len())].clone();
                t.kind = "return".into();
                t.sold_at_store = Some(sold_at);
                t.currency = original_currency.clone();
                t.original_transaction_id = Some(original);
                lines.truncate(1);
                let (sku, prices) = &chain.skus[rng.gen_range(0..chain.skus.len())];
                lines[0] = TransactionLine { sku: sku.clone(), quantity: 1, unit_minor: prices[&original_currency] };
            }
            65..=84 => {
                t.channel = "ecommerce".into();
                t.kind = "order".into();
                t.pickup_store = Some(store.clone());
            }
            85..=94 => {
                // Sent home: a known customer's order belongs to their store, an
                // anonymous one to the chain only.
                t.channel = "ecommerce".into();
                t.kind = "order".into();
                if rng.gen_bool(0.7) {
                    let (phone, home) = chain.customers[rng.gen_range(0..chain.customers.len())].clone();
                    t.customer = Some(CustomerRef { id: None, phone: Some(phone), email: None });
                    let home_currency = chain.stores.iter().find(|(s, _)| *s == home).map(|(_, c)| c.clone()).unwrap();
                    t.currency = home_currency.clone();
                    for line in &mut lines {
                        line.unit_minor = chain.skus.iter().find(|(s, _)| *s == line.sku).unwrap().1[&home_currency];
                    }
                }
            }
            _ if !orders.is_empty() => {
                let (original, pickup, phone, original_currency) = orders.swap_remove(rng.gen_range(0..orders.len()));
                t.channel = "ecommerce".into();
                t.kind = "cancellation".into();
                t.pickup_store = pickup;
                t.customer = phone.map(|p| CustomerRef { id: None, phone: Some(p), email: None });
                t.currency = original_currency.clone();
                t.original_transaction_id = Some(original);
                for line in &mut lines {
                    line.unit_minor = chain.skus.iter().find(|(s, _)| *s == line.sku).unwrap().1[&original_currency];
                }
            }
            _ => t.sold_at_store = Some(store.clone()),
        }
        t.lines = lines;
        let phone = t.customer.as_ref().and_then(|c| c.phone.clone());
        let home = phone.as_ref().and_then(|p| chain.customers.iter().find(|(ph, _)| ph == p).map(|(_, h)| h.clone()));
        let attributed = Attribution {
            sold_at: t.sold_at_store.as_deref(),
            pickup_at: t.pickup_store.as_deref(),
            customer_home: home.as_deref(),
        }
        .store()
        .map(str::to_owned);
        // A few rows spoiled on purpose; their whole transaction must stay out.
        let spoil: Option<&'static str> = match i {
            1_000 => Some("quantity"),
            2_000 => Some("unit_price"),
            3_000 => Some("unknown_sku"),
            4_000 => Some("occurred_at"),
            5_000 => Some("unknown_store"),
            6_000 => Some("differs from row"),
            7_000 => Some("currency_mismatch"),
            _ => None,
        };
        if let Some(what) = spoil {
            // A spoiled transaction must have a store (so a currency can mismatch)
            // and two lines (so a row can differ from the first).
            if attributed.is_none() {
                t.sold_at_store = Some(store.clone());
            }
            if what == "differs from row" && t.lines.len() < 2 {
                let mut extra = t.lines[0].clone();
                extra.sku = chain.skus[0].0.clone();
                t.lines.push(extra);
            }
        }
        let first_row = row + 1;
        let last_row = row + t.lines.len();
        for line in &t.lines {
            row += 1;
            let last = row == last_row;
            let mut occurred_at = t.occurred_at.clone();
            let mut sold_at = t.sold_at_store.clone().unwrap_or_default();
            let mut currency = t.currency.clone();
            let mut sku = line.sku.clone();
            let mut quantity = line.quantity.to_string();
            let mut price = if currency == "MXN" {
                format!("{}.{:02}", line.unit_minor / 100, line.unit_minor % 100)
            } else {
                line.unit_minor.to_string()
            };
            match spoil {
                Some("quantity") if last => quantity = "two".into(),
                Some("unit_price") if last => price = "\"12,50\"".into(),
                Some("unknown_sku") if last => sku = "NO-SUCH-SKU".into(),
                Some("occurred_at") => occurred_at = "10/03/2025 14:00".into(),
                Some("unknown_store") => sold_at = "CL-NOWHERE".into(),
                Some("differs from row") if last => occurred_at = "2025-03-10T14:00:00Z".into(),
                Some("currency_mismatch") => {
                    currency = if t.currency == "CLP" { "MXN".into() } else { "CLP".into() };
                    price = line.unit_minor.to_string();
                }
                _ => {}
            }
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                t.transaction_id,
                t.channel,
                t.kind,
                occurred_at,
                sold_at,
                t.pickup_store.clone().unwrap_or_default(),
                phone.clone().unwrap_or_default(),
                currency,
                sku,
                quantity,
                price,
                t.original_transaction_id.clone().unwrap_or_default()
            );
        }
        if let Some(what) = spoil {
            // A row's own bad cell points at that row; a bad transaction-wide field
            // at the transaction's first row.
            let at = match what {
                "quantity" | "unit_price" | "unknown_sku" | "differs from row" => last_row,
                _ => first_row,
            };
            spoiled.push((at, what));
        }
        if spoil.is_some() {
            continue;
        }
        match (t.channel.as_str(), t.kind.as_str()) {
            ("pos", "sale") => sales.push((id.clone(), t.sold_at_store.clone().unwrap(), t.currency.clone())),
            ("ecommerce", "order") => {
                orders.push((id.clone(), t.pickup_store.clone(), phone.clone(), t.currency.clone()))
            }
            _ => {}
        }
        expected.push(Expected {
            channel: t.channel.clone(),
            kind: t.kind.clone(),
            store: attributed,
            amount: t.lines.iter().map(|l| l.unit_minor * l.quantity).sum(),
        });
    }
    (csv, expected, spoiled)
}

fn import(central: &Central, file: &std::path::Path) -> (i32, String) {
    let output = Command::new(workspace_bin("vitrina-import").unwrap())
        .arg(file)
        .args(["--central", &central.url, "--token", &central.channel_token_of("import"), "--quiet"])
        .output()
        .unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

async fn manager_report(central: &Central, device: &Device, from: &str, to: &str) -> vitrina_core::SalesReport {
    let session = device.client.sign_in(&format!("{STORE}-manager"), &central.pin(STORE, "manager")).await.unwrap();
    device.client.store_report(&session.token, from, to).await.unwrap().report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_transactions_import_once_and_the_report_adds_up_per_channel() {
    let central = Central::start_demo().unwrap();
    let chain = chain(&central);
    let (csv, expected, spoiled) = generate(&chain, 10_000);
    assert_eq!(spoiled.len(), 7, "{spoiled:?}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.csv");
    std::fs::write(&file, &csv).unwrap();

    let (code, out) = import(&central, &file);
    assert_eq!(code, 2, "refused rows make the exit code 2:\n{out}");
    let summary = out.lines().next().unwrap();
    assert!(summary.contains(&format!("{} imported", expected.len())), "{summary}");
    assert!(summary.contains("7 rows refused"), "{out}");
    for (row, what) in &spoiled {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("row {row} ")))
            .unwrap_or_else(|| panic!("row {row} ({what}) listed:\n{out}"));
        assert!(line.contains(what), "row {row} says why ({what}): {line}");
    }

    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let report = manager_report(&central, &device, DAY, DAY).await;
    let mut want: BTreeMap<String, (i64, u32)> = BTreeMap::new();
    for e in expected.iter().filter(|e| e.store.as_deref() == Some(STORE)) {
        let sign = if matches!(e.kind.as_str(), "sale" | "order") { 1 } else { -1 };
        let entry = want.entry(e.channel.clone()).or_default();
        entry.0 += sign * e.amount;
        entry.1 += 1;
    }
    let got: BTreeMap<String, (i64, u32)> =
        report.channels.iter().map(|c| (c.channel.clone(), (c.totals.net_minor, c.totals.transactions()))).collect();
    assert_eq!(got, want, "the report's channels equal the file's sums for {STORE}");
    assert_eq!(report.totals.net_minor, want.values().map(|v| v.0).sum::<i64>());
    assert!(want.len() >= 2, "the store has point-of-sale and online figures: {want:?}");

    let ledger = |central: &Central| -> i64 {
        central.inspect().unwrap().query_row("SELECT COUNT(*) FROM ledger_entry", [], |r| r.get(0)).unwrap()
    };
    let before = ledger(&central);
    let (code, again) = import(&central, &file);
    assert_eq!(code, 2);
    let summary = again.lines().next().unwrap();
    assert!(summary.contains(&format!("0 imported, {} already imported", expected.len())), "{summary}");
    assert_eq!(ledger(&central), before, "re-importing the same file changes nothing");
    assert_eq!(manager_report(&central, &device, DAY, DAY).await, report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_online_order_return_in_store_and_appointment_are_one_history_on_the_device() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let (customer_id, phone): (String, String) = central
        .inspect()
        .unwrap()
        .query_row("SELECT id, phone FROM customer WHERE store_id = ?1 ORDER BY id LIMIT 1", [STORE], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let sku: String =
        central.inspect().unwrap().query_row("SELECT sku FROM variant ORDER BY sku LIMIT 1", [], |r| r.get(0)).unwrap();
    let http = reqwest::Client::new();
    let now = Utc::now();
    let web = ChannelTransaction {
        transaction_id: "WEB-77".into(),
        channel: "ecommerce".into(),
        kind: "order".into(),
        occurred_at: (now - chrono::Duration::days(3)).to_rfc3339(),
        sold_at_store: None,
        pickup_store: None,
        customer: Some(CustomerRef { id: None, phone: Some(phone.clone()), email: None }),
        currency: "CLP".into(),
        lines: vec![TransactionLine { sku: sku.clone(), quantity: 2, unit_minor: 24_990 }],
        original_transaction_id: None,
    };
    let answer = central.post_transactions(&http, "ecommerce", &[web]).await.unwrap();
    assert_eq!(answer.results[0].customer_id.as_deref(), Some(customer_id.as_str()), "matched by phone");
    let back = ChannelTransaction {
        transaction_id: "POS-R-12".into(),
        channel: "pos".into(),
        kind: "return".into(),
        occurred_at: (now - chrono::Duration::days(1)).to_rfc3339(),
        sold_at_store: Some(STORE.into()),
        pickup_store: None,
        customer: Some(CustomerRef { id: Some(customer_id.clone()), phone: None, email: None }),
        currency: "CLP".into(),
        lines: vec![TransactionLine { sku: sku.clone(), quantity: 1, unit_minor: 24_990 }],
        original_transaction_id: None,
    };
    assert!(central.post_transactions(&http, "pos", &[back]).await.unwrap().results[0].accepted);

    let start = {
        let cache = device.cache();
        let day = (now + chrono::Duration::days(2)).date_naive();
        let slots = cache.appointment_slots("SRV-IMAGEN", day, None, None, now).unwrap();
        slots.first().expect("a free slot in two days").start.clone()
    };
    {
        let mut cache = device.cache();
        let stylist = cache
            .appointment_slots("SRV-IMAGEN", (now + chrono::Duration::days(2)).date_naive(), None, None, now)
            .unwrap()[0]
            .stylist_id
            .clone();
        cache.book_appointment(&customer_id, "SRV-IMAGEN", &stylist, &start, vec![], now).unwrap().unwrap();
        let offline = cache.customer_profile(&customer_id).unwrap();
        let kinds: Vec<&str> = offline.activity.iter().map(|a| a.kind.as_str()).collect();
        assert!(kinds.contains(&"appointment"), "the booking shows at once, pending: {kinds:?}");
    }
    push_pending(&device.store, &device.client).await.unwrap();
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();

    let profile = device.cache().customer_profile(&customer_id).unwrap();
    let seen: Vec<(String, String)> = profile.activity.iter().map(|a| (a.kind.clone(), a.channel.clone())).collect();
    assert_eq!(seen[0], ("appointment".to_owned(), "device".to_owned()), "newest first: {seen:?}");
    assert!(seen.contains(&("order".into(), "ecommerce".into())), "{seen:?}");
    assert!(seen.contains(&("return".into(), "pos".into())), "{seen:?}");
    assert!(profile.activity.iter().all(|a| !a.pending), "all confirmed after the sync");
    let mine: i64 = profile
        .activity
        .iter()
        .filter(|a| ["WEB-77", "POS-R-12"].contains(&a.reference.as_str()))
        .map(|a| if a.kind == "return" { -1 } else { 1 } * a.amount.map_or(0, |m| m.minor))
        .sum();
    assert_eq!(mine, 2 * 24_990 - 24_990);
    assert_eq!(profile.lifetime_value.currency.as_str(), "CLP");

    // Another store's device never sees this customer.
    let other = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    pull_until_current(&other.store, &other.client, |_| {}).await.unwrap();
    assert!(other.cache().customer_profile(&customer_id).is_err());
    assert!(other.cache().search_customers(&phone).unwrap().is_empty());

    // Asked of the central by exact phone, it answers only if they agreed to a
    // profile across the chain.
    let consent: bool = central
        .inspect()
        .unwrap()
        .query_row("SELECT chain_consent FROM customer WHERE id = ?1", [&customer_id], |r| r.get(0))
        .unwrap();
    let found = other.client.lookup_customers(&phone, None).await.unwrap().customers;
    assert_eq!(found.len(), usize::from(consent), "consent {consent}: {found:?}");
    let (consenting, phone_of_consenting): (String, String) = central
        .inspect()
        .unwrap()
        .query_row(
            "SELECT id, phone FROM customer WHERE store_id = ?1 AND chain_consent = 1 ORDER BY id LIMIT 1",
            [STORE],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let found = other.client.lookup_customers(&phone_of_consenting, None).await.unwrap().customers;
    assert_eq!(found.len(), 1);
    let profile = other.cache().chain_profile(&found[0]).unwrap();
    assert_eq!(profile.customer.id, consenting);
    assert!(profile.from_chain, "shown as another store's customer");
}
