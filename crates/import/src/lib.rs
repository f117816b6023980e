//! Reading other systems' CSV exports into channel transactions.
//!
//! One row is one line of a transaction; the rows of a transaction share its
//! `channel` and `transaction_id` (they need not be next to each other) and must
//! agree on everything but the line. A transaction with any bad row is refused
//! whole, with the row's number and the reason: nothing is half-imported. Row
//! numbers count the header as row 1, as a spreadsheet shows them.
//!
//! Columns (header names, any order; the optional ones may be missing or empty):
//!
//! | column | |
//! |---|---|
//! | `transaction_id` | the other system's id |
//! | `channel` | pos, ecommerce, app or social |
//! | `kind` | sale, order, return or cancellation |
//! | `occurred_at` | RFC 3339, e.g. `2026-11-24T15:04:05-03:00` |
//! | `sold_at_store` | optional: the store that sold it or took the return |
//! | `pickup_store` | optional: where an order is picked up |
//! | `customer_id`, `customer_phone`, `customer_email` | optional: who the customer is |
//! | `currency` | ISO 4217 |
//! | `sku` | |
//! | `quantity` | units, a whole number |
//! | `unit_price` | per unit in major units with a dot: `19990`, `599.00` |
//! | `original_transaction_id` | optional: what a return or cancellation undoes |

use std::collections::HashMap;
use vitrina_core::Currency;
use vitrina_protocol::{ChannelTransaction, CustomerRef, TransactionLine};

/// A transaction read from the file, with the rows it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedTransaction {
    pub transaction: ChannelTransaction,
    /// The file's row of each line, in line order.
    pub rows: Vec<usize>,
}

/// A transaction the importer or the central refused, by the row to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub row: usize,
    pub transaction_id: String,
    pub reason: String,
}

/// What reading a file gave.
#[derive(Debug, Default)]
pub struct Parsed {
    pub transactions: Vec<ParsedTransaction>,
    pub rejected: Vec<RejectedRow>,
    pub rows: usize,
}

const REQUIRED: [&str; 9] =
    ["transaction_id", "channel", "kind", "occurred_at", "currency", "sku", "quantity", "unit_price", ""];

/// `price` in major units (`599.00`, `19990`, `12.5`) as minor units of `currency`.
pub fn minor_units(price: &str, currency: Currency) -> Option<i64> {
    let price = price.trim();
    if price.is_empty() || price.starts_with(['-', '+']) {
        return None;
    }
    let digits = currency.minor_digits() as usize;
    let (whole, fraction) = price.split_once('.').unwrap_or((price, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if fraction.len() > digits {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<digits$}").parse().ok()? };
    whole.checked_mul(10_i64.pow(digits as u32))?.checked_add(fraction)
}

/// Reads a CSV export. Fails only when the file can't be read as CSV at all or
/// lacks a required column; bad rows are reported in [`Parsed::rejected`].
pub fn parse(reader: impl std::io::Read) -> anyhow::Result<Parsed> {
    let mut csv = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(reader);
    let headers = csv.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    for name in REQUIRED.iter().filter(|n| !n.is_empty()) {
        if column(name).is_none() {
            anyhow::bail!("the file has no {name} column (row 1 must name the columns)");
        }
    }
    let col = |name: &str| column(name);
    let mut parsed = Parsed::default();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    // Transactions with a bad row: refused whole.
    let mut spoiled: HashMap<(String, String), (usize, String)> = HashMap::new();
    for (i, record) in csv.records().enumerate() {
        let row = i + 2;
        parsed.rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                parsed.rejected.push(RejectedRow {
                    row,
                    transaction_id: String::new(),
                    reason: format!("unreadable: {e}"),
                });
                continue;
            }
        };
        let get = |name: &str| col(name).and_then(|c| record.get(c)).map(str::trim).unwrap_or("");
        let opt = |name: &str| Some(get(name)).filter(|v| !v.is_empty()).map(str::to_owned);
        let key = (get("channel").to_owned(), get("transaction_id").to_owned());
        if key.1.is_empty() {
            parsed.rejected.push(RejectedRow {
                row,
                transaction_id: String::new(),
                reason: "transaction_id is empty".into(),
            });
            continue;
        }
        let line = match read_line(get("sku"), get("quantity"), get("unit_price"), get("currency")) {
            Ok(line) => line,
            Err(reason) => {
                spoiled.entry(key).or_insert((row, reason));
                continue;
            }
        };
        let customer =
            CustomerRef { id: opt("customer_id"), phone: opt("customer_phone"), email: opt("customer_email") };
        let header = ChannelTransaction {
            transaction_id: key.1.clone(),
            channel: key.0.clone(),
            kind: get("kind").to_owned(),
            occurred_at: get("occurred_at").to_owned(),
            sold_at_store: opt("sold_at_store"),
            pickup_store: opt("pickup_store"),
            customer: (customer != CustomerRef::default()).then_some(customer),
            currency: get("currency").to_owned(),
            lines: Vec::new(),
            original_transaction_id: opt("original_transaction_id"),
        };
        if chrono::DateTime::parse_from_rfc3339(&header.occurred_at).is_err() {
            spoiled
                .entry(key)
                .or_insert((row, format!("occurred_at {:?} is not an RFC 3339 time", header.occurred_at)));
            continue;
        }
        match index.get(&key) {
            Some(&at) => {
                let existing = &mut parsed.transactions[at];
                let mut same = existing.transaction.clone();
                same.lines = Vec::new();
                if same != header {
                    let first = existing.rows[0];
                    spoiled.entry(key).or_insert((row, format!("differs from row {first} of the same transaction")));
                    continue;
                }
                existing.transaction.lines.push(line);
                existing.rows.push(row);
            }
            None => {
                index.insert(key, parsed.transactions.len());
                let mut transaction = header;
                transaction.lines.push(line);
                parsed.transactions.push(ParsedTransaction { transaction, rows: vec![row] });
            }
        }
    }
    if !spoiled.is_empty() {
        parsed.transactions.retain(|t| {
            let key = (t.transaction.channel.clone(), t.transaction.transaction_id.clone());
            !spoiled.contains_key(&key)
        });
        let mut refused: Vec<RejectedRow> = spoiled
            .into_iter()
            .map(|((_, transaction_id), (row, reason))| RejectedRow { row, transaction_id, reason })
            .collect();
        parsed.rejected.append(&mut refused);
    }
    parsed.rejected.sort_by_key(|r| r.row);
    Ok(parsed)
}

fn read_line(sku: &str, quantity: &str, price: &str, currency: &str) -> Result<TransactionLine, String> {
    if sku.is_empty() {
        return Err("sku is empty".into());
    }
    let currency = Currency::parse(currency).map_err(|_| format!("currency {currency:?} is not an ISO 4217 code"))?;
    let quantity: i64 = quantity
        .parse()
        .ok()
        .filter(|q| (1..=10_000).contains(q))
        .ok_or_else(|| format!("quantity {quantity:?} is not a whole number from 1 to 10000"))?;
    let unit_minor = minor_units(price, currency)
        .ok_or_else(|| format!("unit_price {price:?} is not an amount in {currency} (e.g. {})", example(currency)))?;
    Ok(TransactionLine { sku: sku.to_owned(), quantity, unit_minor })
}

fn example(currency: Currency) -> &'static str {
    if currency.minor_digits() == 0 {
        "19990"
    } else {
        "599.00"
    }
}

/// The row a central's rejection points at: the line's own row when the detail
/// names a line (`lines[2].sku`), else the transaction's first row.
pub fn row_of(parsed: &ParsedTransaction, detail: Option<&str>) -> usize {
    let line = detail
        .and_then(|d| d.strip_prefix("lines["))
        .and_then(|d| d.split_once(']'))
        .and_then(|(n, _)| n.parse::<usize>().ok());
    line.and_then(|n| parsed.rows.get(n).copied()).unwrap_or(parsed.rows[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "transaction_id,channel,kind,occurred_at,sold_at_store,pickup_store,customer_phone,currency,sku,quantity,unit_price,original_transaction_id\n";

    #[test]
    fn prices_follow_the_currencys_decimals() {
        let clp = Currency::parse("CLP").unwrap();
        let mxn = Currency::parse("MXN").unwrap();
        assert_eq!(minor_units("19990", clp), Some(19_990));
        assert_eq!(minor_units("599.00", mxn), Some(59_900));
        assert_eq!(minor_units("12.5", mxn), Some(1_250));
        assert_eq!(minor_units("0", mxn), Some(0));
        for bad in ["", "-5", "1,5", "12.345", "abc", "1e3", ".5", "19990.5"] {
            let currency = if bad == "19990.5" { clp } else { mxn };
            assert_eq!(minor_units(bad, currency), None, "{bad}");
        }
    }

    #[test]
    fn rows_of_a_transaction_become_its_lines_wherever_they_are() {
        let file = format!(
            "{HEADER}T1,pos,sale,2026-11-24T10:00:00-03:00,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             W1,ecommerce,order,2026-11-24T11:00:00Z,,CL-SCL-02,+56991234567,CLP,SKU-B,2,9990,\n\
             T1,pos,sale,2026-11-24T10:00:00-03:00,CL-SCL-01,,,CLP,SKU-C,3,5000,\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        assert_eq!(parsed.rows, 3);
        assert_eq!(parsed.transactions.len(), 2);
        let t1 = &parsed.transactions[0];
        assert_eq!(t1.rows, vec![2, 4]);
        assert_eq!(t1.transaction.lines.len(), 2);
        assert_eq!(t1.transaction.lines[1].unit_minor, 5_000);
        let w1 = &parsed.transactions[1].transaction;
        assert_eq!(w1.pickup_store.as_deref(), Some("CL-SCL-02"));
        assert_eq!(w1.customer.as_ref().and_then(|c| c.phone.as_deref()), Some("+56991234567"));
        assert_eq!(w1.sold_at_store, None, "an empty cell is no value");
    }

    #[test]
    fn a_bad_row_refuses_its_whole_transaction_with_the_row_number() {
        let file = format!(
            "{HEADER}T1,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             T1,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-B,two,19990,\n\
             T2,pos,sale,24/11/2026,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             T3,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             T3,pos,sale,2026-11-24T10:05:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             ,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             T4,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        let ids: Vec<&str> = parsed.transactions.iter().map(|t| t.transaction.transaction_id.as_str()).collect();
        assert_eq!(ids, ["T4"], "only the clean transaction stays");
        let rows: Vec<usize> = parsed.rejected.iter().map(|r| r.row).collect();
        assert_eq!(rows, [3, 4, 6, 7]);
        assert!(parsed.rejected[0].reason.contains("quantity"), "{:?}", parsed.rejected[0]);
        assert!(parsed.rejected[2].reason.contains("row 5"), "{:?}", parsed.rejected[2]);
    }

    #[test]
    fn a_file_without_a_required_column_is_refused_at_once() {
        let err = parse("transaction_id,channel\nT1,pos\n".as_bytes()).unwrap_err();
        assert!(err.to_string().contains("kind"), "{err}");
    }

    #[test]
    fn a_rejection_naming_a_line_points_at_its_row() {
        let file = format!(
            "{HEADER}T1,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-A,1,19990,\n\
             T1,pos,sale,2026-11-24T10:00:00Z,CL-SCL-01,,,CLP,SKU-B,1,19990,\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        let t = &parsed.transactions[0];
        assert_eq!(row_of(t, Some("lines[1].sku")), 3);
        assert_eq!(row_of(t, Some("currency")), 2);
        assert_eq!(row_of(t, None), 2);
    }
}
