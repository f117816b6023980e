//! The demo chain's customers and a week of trade in every channel, so the store
//! report, the customer view and lost demand have something to show.
//!
//! Pure like `demo_data`: the same seed and `now` give the same customers and
//! transactions. They reach the ledger through the same ingest path as any other
//! system's (`commerce::ingest` with the import channel).

use crate::demo_data::{DemoChain, DemoLocation, DemoLocationKind, SplitMix64};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Timelike, Utc};
use vitrina_protocol::{ChannelTransaction, CustomerRecord, CustomerRef, TransactionLine};

const STREAM_CUSTOMERS: u64 = 0x4355_5354;
const STREAM_TRADE: u64 = 0x5452_4144;

/// Days of history before today.
pub const HISTORY_DAYS: i64 = 7;
/// Demo customers per store.
const CUSTOMERS_PER_STORE: usize = 8;

const FIRST_NAMES: [&str; 16] = [
    "Camila",
    "Valentina",
    "Martín",
    "Sofía",
    "Benjamín",
    "Isidora",
    "Tomás",
    "Florencia",
    "Mateo",
    "Antonia",
    "Joaquín",
    "Catalina",
    "Lucas",
    "Fernanda",
    "Diego",
    "Renata",
];
const LAST_NAMES: [&str; 16] = [
    "González",
    "Muñoz",
    "Rojas",
    "Díaz",
    "Pérez",
    "Soto",
    "Contreras",
    "Silva",
    "Martínez",
    "Sepúlveda",
    "Morales",
    "Rodríguez",
    "López",
    "Fuentes",
    "Hernández",
    "Torres",
];

fn stores(chain: &DemoChain) -> impl Iterator<Item = &DemoLocation> {
    chain.locations.iter().filter(|l| matches!(l.kind, DemoLocationKind::Store))
}

/// A phone number of the store's country in E.164, valid for `vitrina_core::phone`.
fn phone(country: &str, n: u64) -> String {
    match country {
        "CL" => format!("+5699{:07}", n % 10_000_000),
        "CO" => format!("+57310{:07}", n % 10_000_000),
        "MX" => format!("+5255{:08}", n % 100_000_000),
        _ => format!("+34600{:06}", n % 1_000_000),
    }
}

/// Customers of every store, with contact details and recorded consents.
pub fn demo_customers(chain: &DemoChain, seed: u64) -> Vec<CustomerRecord> {
    let mut rng = SplitMix64::new(seed, STREAM_CUSTOMERS);
    let mut customers = Vec::new();
    for (store_index, store) in stores(chain).enumerate() {
        for i in 0..CUSTOMERS_PER_STORE {
            let first = FIRST_NAMES[(store_index * 5 + i * 3) % FIRST_NAMES.len()];
            let last = LAST_NAMES[(store_index * 7 + i) % LAST_NAMES.len()];
            let number = rng.next_u64();
            let email_name = format!("{first}.{last}").to_lowercase();
            let email_name: String = email_name
                .chars()
                .map(|c| match c {
                    'á' => 'a',
                    'é' => 'e',
                    'í' => 'i',
                    'ó' => 'o',
                    'ú' => 'u',
                    'ñ' => 'n',
                    c => c,
                })
                .collect();
            customers.push(CustomerRecord {
                id: format!("{}-C{:02}", store.id, i + 1),
                store_id: store.id.clone(),
                name: format!("{first} {last}"),
                phone: Some(phone(&store.country, number)),
                email: Some(format!("{email_name}{}@example.com", i + 1)),
                marketing_consent: rng.percent(60),
                chain_consent: rng.percent(40),
                wishlist: Vec::new(),
            });
        }
    }
    customers
}

/// Transactions per store on an ordinary day; the first store of each country is
/// the busy one.
fn daily_volume(rng: &mut SplitMix64, busy: bool) -> usize {
    if busy {
        rng.between(90, 130) as usize
    } else {
        rng.between(35, 60) as usize
    }
}

/// A week of trade in every store, up to `now`: sales at the till, orders online,
/// in the app and through social channels for pick-up in store, returns and a few
/// cancellations, some of them by the demo customers.
pub fn demo_transactions(
    chain: &DemoChain,
    customers: &[CustomerRecord],
    seed: u64,
    now: DateTime<Utc>,
) -> Vec<ChannelTransaction> {
    let mut rng = SplitMix64::new(seed, STREAM_TRADE);
    let mut out = Vec::new();
    let mut seen_countries = Vec::new();
    for store in stores(chain) {
        let busy = !seen_countries.contains(&store.country);
        seen_countries.push(store.country.clone());
        let Ok(tz) = store.time_zone.parse::<chrono_tz::Tz>() else { continue };
        let mine: Vec<&CustomerRecord> = customers.iter().filter(|c| c.store_id == store.id).collect();
        let priced: Vec<(&str, i64)> = chain
            .products
            .iter()
            .filter_map(|p| {
                let price = p.prices.iter().find(|(currency, _)| *currency == store.currency)?.1;
                Some(p.variants.iter().map(move |v| (v.sku.as_str(), price)))
            })
            .flatten()
            .collect();
        if priced.is_empty() {
            continue;
        }
        let today = now.with_timezone(&tz).date_naive();
        let mut orders: Vec<String> = Vec::new();
        let mut sales: Vec<(String, TransactionLine)> = Vec::new();
        for back in (0..=HISTORY_DAYS).rev() {
            let day = today - Duration::days(back);
            let volume = daily_volume(&mut rng, busy);
            // Returns and cancellations undo what happened on an earlier day.
            let mut new_sales = Vec::new();
            let mut new_orders = Vec::new();
            for n in 0..volume {
                // Open 10:00–21:00; more in the afternoon.
                let hour = *rng.pick(&[10, 11, 12, 12, 13, 13, 14, 15, 16, 17, 17, 18, 18, 19, 19, 20]);
                let minute = rng.between(0, 59) as u32;
                let Some(at) = local_instant(tz, day, hour, minute) else { continue };
                if at > now {
                    continue;
                }
                let id = format!("{}-{}-{n:04}", store.id, day.format("%Y%m%d"));
                let customer = (!mine.is_empty() && rng.percent(12)).then(|| *rng.pick(&mine));
                let customer_ref = customer.map(|c| CustomerRef {
                    id: None,
                    phone: c.phone.clone(),
                    email: if rng.percent(50) { c.email.clone() } else { None },
                });
                let roll = rng.below(100);
                let lines: Vec<TransactionLine> = (0..rng.between(1, 3))
                    .map(|_| {
                        let (sku, price) = *rng.pick(&priced);
                        TransactionLine { sku: sku.to_owned(), quantity: rng.between(1, 2), unit_minor: price }
                    })
                    .collect();
                let base = ChannelTransaction {
                    transaction_id: id.clone(),
                    channel: "pos".into(),
                    kind: "sale".into(),
                    occurred_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    sold_at_store: None,
                    pickup_store: None,
                    customer: customer_ref,
                    currency: store.currency.clone(),
                    lines,
                    original_transaction_id: None,
                };
                let t = match roll {
                    0..=59 => ChannelTransaction { sold_at_store: Some(store.id.clone()), ..base },
                    60..=74 => ChannelTransaction {
                        channel: "ecommerce".into(),
                        kind: "order".into(),
                        transaction_id: format!("WEB-{id}"),
                        pickup_store: Some(store.id.clone()),
                        ..base
                    },
                    75..=84 => ChannelTransaction {
                        channel: "app".into(),
                        kind: "order".into(),
                        transaction_id: format!("APP-{id}"),
                        pickup_store: Some(store.id.clone()),
                        ..base
                    },
                    85..=89 => ChannelTransaction {
                        channel: "social".into(),
                        kind: "order".into(),
                        transaction_id: format!("IG-{id}"),
                        pickup_store: Some(store.id.clone()),
                        ..base
                    },
                    90..=96 if !sales.is_empty() => {
                        let (original, line) = sales[rng.below(sales.len())].clone();
                        ChannelTransaction {
                            kind: "return".into(),
                            transaction_id: format!("R-{id}"),
                            sold_at_store: Some(store.id.clone()),
                            lines: vec![TransactionLine { quantity: 1, ..line }],
                            original_transaction_id: Some(original),
                            ..base
                        }
                    }
                    97..=99 if !orders.is_empty() => {
                        let original = orders.swap_remove(rng.below(orders.len()));
                        let Some(order) = out.iter().find(|t: &&ChannelTransaction| t.transaction_id == original)
                        else {
                            continue;
                        };
                        ChannelTransaction {
                            channel: "ecommerce".into(),
                            kind: "cancellation".into(),
                            transaction_id: format!("X-{id}"),
                            pickup_store: Some(store.id.clone()),
                            lines: order.lines.clone(),
                            original_transaction_id: Some(original),
                            customer: order.customer.clone(),
                            ..base
                        }
                    }
                    _ => ChannelTransaction { sold_at_store: Some(store.id.clone()), ..base },
                };
                match (t.channel.as_str(), t.kind.as_str()) {
                    ("pos", "sale") => new_sales.push((t.transaction_id.clone(), t.lines[0].clone())),
                    ("ecommerce", "order") => new_orders.push(t.transaction_id.clone()),
                    _ => {}
                }
                out.push(t);
            }
            sales.extend(new_sales);
            orders.extend(new_orders);
        }
    }
    out.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then_with(|| a.transaction_id.cmp(&b.transaction_id)));
    out
}

/// `hour:minute` of `day` in `tz`, if that time exists there.
fn local_instant(tz: chrono_tz::Tz, day: NaiveDate, hour: u32, minute: u32) -> Option<DateTime<Utc>> {
    let local = day.and_hms_opt(hour, minute, 0)?;
    tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc)).filter(|t| t.minute() == minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_trade_is_deterministic_and_valid() {
        let chain = crate::demo_data::chain(7, 40);
        let customers = demo_customers(&chain, 7);
        assert_eq!(customers, demo_customers(&chain, 7));
        for c in &customers {
            let phone = c.phone.as_deref().unwrap();
            assert!(vitrina_core::PhoneE164::from_e164(phone).is_ok(), "{phone}");
        }
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 18, 0, 0).unwrap();
        let trade = demo_transactions(&chain, &customers, 7, now);
        assert_eq!(trade, demo_transactions(&chain, &customers, 7, now));
        assert!(trade.len() > 1_000, "a week of trade: {}", trade.len());
        assert!(trade.iter().all(|t| t.occurred_at.as_str() <= "2026-11-24T18:00:00Z"), "nothing after now");
        for kind in ["sale", "order", "return", "cancellation"] {
            assert!(trade.iter().any(|t| t.kind == kind), "some {kind}");
        }
        let sale_ids: std::collections::HashSet<_> = trade.iter().map(|t| &t.transaction_id).collect();
        assert_eq!(sale_ids.len(), trade.len(), "ids are unique");
        for t in trade.iter().filter(|t| t.original_transaction_id.is_some()) {
            let original = t.original_transaction_id.as_ref().unwrap();
            let first = trade.iter().position(|o| &o.transaction_id == original).unwrap();
            let this = trade.iter().position(|o| o.transaction_id == t.transaction_id).unwrap();
            assert!(first < this, "{original} comes before what undoes it");
        }
    }
}
