//! Unified commerce: which store a transaction from any channel belongs to, and the
//! store's sales report over every channel.
//!
//! A transaction is a sale (paid and taken: point of sale), an order (placed, to be
//! fulfilled: e-commerce, the mobile app, social, or an associate's endless-aisle
//! order), a return or a cancellation. Sales and orders add to the store's net,
//! returns and cancellations take from it. The report counts every channel in the
//! store's own calendar (its IANA time zone), so "today" and "14:00–15:00" mean what
//! the manager on the shop floor means.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

use crate::money::Currency;

/// The sales channels the report knows, in the order it lists them. Orders an
/// associate places in store for delivery elsewhere are `endless_aisle`: the
/// store's own sales.
pub const CHANNELS: [&str; 5] = ["pos", "endless_aisle", "ecommerce", "app", "social"];

/// Whether `channel` is one of [`CHANNELS`].
pub fn is_channel(channel: &str) -> bool {
    CHANNELS.contains(&channel)
}

/// What kind of transaction a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TxnKind {
    Sale,
    Order,
    Return,
    Cancellation,
}

impl TxnKind {
    pub const ALL: [TxnKind; 4] = [TxnKind::Sale, TxnKind::Order, TxnKind::Return, TxnKind::Cancellation];

    pub fn as_str(self) -> &'static str {
        match self {
            TxnKind::Sale => "sale",
            TxnKind::Order => "order",
            TxnKind::Return => "return",
            TxnKind::Cancellation => "cancellation",
        }
    }

    pub fn parse(kind: &str) -> Option<TxnKind> {
        TxnKind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// +1 for what adds to the store's net, −1 for what takes from it.
    pub fn sign(self) -> i64 {
        match self {
            TxnKind::Sale | TxnKind::Order => 1,
            TxnKind::Return | TxnKind::Cancellation => -1,
        }
    }
}

/// The stores a transaction mentions. It belongs to the store that sold it (or took
/// the return); failing that, to the store where it is picked up; failing that, to
/// the customer's home store. A transaction none of these name belongs to the chain
/// only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attribution<'a> {
    pub sold_at: Option<&'a str>,
    pub pickup_at: Option<&'a str>,
    pub customer_home: Option<&'a str>,
}

impl<'a> Attribution<'a> {
    pub fn store(&self) -> Option<&'a str> {
        let named = |s: Option<&'a str>| s.map(str::trim).filter(|s| !s.is_empty());
        named(self.sold_at).or(named(self.pickup_at)).or(named(self.customer_home))
    }
}

/// One transaction as the report sees it. `amount_minor` is the transaction's value,
/// never negative; its kind says which way it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub occurred_at: DateTime<Utc>,
    pub channel: String,
    pub kind: TxnKind,
    pub amount_minor: i64,
    pub units: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the range ends before it starts")]
    Reversed,
    #[error("a report covers at most {0} days")]
    TooLong(i64),
}

/// Days of a store's calendar, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    from: NaiveDate,
    to: NaiveDate,
}

impl DateRange {
    /// Longest range a report covers.
    pub const MAX_DAYS: i64 = 366;

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, RangeError> {
        if to < from {
            return Err(RangeError::Reversed);
        }
        if (to - from).num_days() + 1 > Self::MAX_DAYS {
            return Err(RangeError::TooLong(Self::MAX_DAYS));
        }
        Ok(DateRange { from, to })
    }

    pub fn day(date: NaiveDate) -> DateRange {
        DateRange { from: date, to: date }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }

    /// The instants the range covers in `tz`: from the start of its first day to the
    /// start of the day after its last (half open).
    pub fn utc_bounds(&self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.succ_opt().unwrap_or(self.to);
        (start_of_day(self.from, tz), start_of_day(after, tz))
    }
}

/// The first instant of `date` in `tz`. Where midnight does not exist (a
/// daylight-saving jump at midnight, as in Santiago), the day starts when the clock
/// shows its first valid time.
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..=24 * 4 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(earliest, _) => return earliest.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// Counts and amounts of one group of transactions, in minor units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Totals {
    pub sales: u32,
    #[ts(type = "number")]
    pub sales_minor: i64,
    pub orders: u32,
    #[ts(type = "number")]
    pub orders_minor: i64,
    pub returns: u32,
    #[ts(type = "number")]
    pub returns_minor: i64,
    pub cancellations: u32,
    #[ts(type = "number")]
    pub cancellations_minor: i64,
    /// Sales and orders less returns and cancellations.
    #[ts(type = "number")]
    pub net_minor: i64,
    /// Units out less units back.
    #[ts(type = "number")]
    pub net_units: i64,
}

impl Totals {
    fn add(&mut self, kind: TxnKind, amount_minor: i64, units: i64) {
        let (count, amount) = match kind {
            TxnKind::Sale => (&mut self.sales, &mut self.sales_minor),
            TxnKind::Order => (&mut self.orders, &mut self.orders_minor),
            TxnKind::Return => (&mut self.returns, &mut self.returns_minor),
            TxnKind::Cancellation => (&mut self.cancellations, &mut self.cancellations_minor),
        };
        *count += 1;
        *amount = amount.saturating_add(amount_minor);
        self.net_minor = self.net_minor.saturating_add(kind.sign() * amount_minor);
        self.net_units = self.net_units.saturating_add(kind.sign() * units);
    }

    /// Every transaction counted, whatever its kind.
    pub fn transactions(&self) -> u32 {
        self.sales + self.orders + self.returns + self.cancellations
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChannelTotals {
    pub channel: String,
    pub totals: Totals,
}

/// One channel's net within an hour or a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChannelAmount {
    pub channel: String,
    #[ts(type = "number")]
    pub net_minor: i64,
}

/// One hour of the store's day (0–23, local), over every day of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HourTotals {
    pub hour: u32,
    pub transactions: u32,
    #[ts(type = "number")]
    pub net_minor: i64,
    /// Per channel, in the report's channel order; channels without activity in the
    /// hour are left out.
    pub channels: Vec<ChannelAmount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DayTotals {
    /// ISO date, the store's calendar.
    pub date: String,
    pub transactions: u32,
    #[ts(type = "number")]
    pub net_minor: i64,
}

/// Every sale, order, return and cancellation of a store over a range of its days,
/// from every channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SalesReport {
    pub store_id: String,
    /// ISO 4217: every amount is in this currency's minor units.
    pub currency: String,
    pub time_zone: String,
    /// ISO dates, both included.
    pub from: String,
    pub to: String,
    pub totals: Totals,
    /// Channels with activity, in [`CHANNELS`] order, then any other by name.
    pub channels: Vec<ChannelTotals>,
    /// All 24 hours of the day.
    pub hours: Vec<HourTotals>,
    /// Every day of the range.
    pub days: Vec<DayTotals>,
}

/// A channel's place in the report's order, and its name.
type ChannelKey = (usize, String);

/// One hour's transactions, net, and net per channel, while summing.
#[derive(Default)]
struct HourSum {
    transactions: u32,
    net_minor: i64,
    channels: BTreeMap<ChannelKey, i64>,
}

fn channel_rank(channel: &str) -> ChannelKey {
    let rank = CHANNELS.iter().position(|c| *c == channel).unwrap_or(CHANNELS.len());
    (rank, channel.to_owned())
}

/// The report of `store_id` over `range` in `tz`. Entries outside the range are
/// ignored, so a caller may pass a generous selection.
pub fn sales_report(
    store_id: &str,
    currency: Currency,
    tz: Tz,
    range: DateRange,
    entries: impl IntoIterator<Item = LedgerEntry>,
) -> SalesReport {
    let (start, end) = range.utc_bounds(tz);
    let mut totals = Totals::default();
    let mut channels: BTreeMap<ChannelKey, Totals> = BTreeMap::new();
    let mut hours: Vec<HourSum> = (0..24).map(|_| HourSum::default()).collect();
    let mut days: BTreeMap<NaiveDate, (u32, i64)> = range.days().map(|d| (d, (0, 0))).collect();
    for entry in entries {
        if entry.occurred_at < start || entry.occurred_at >= end {
            continue;
        }
        let local = entry.occurred_at.with_timezone(&tz);
        let signed = entry.kind.sign() * entry.amount_minor;
        totals.add(entry.kind, entry.amount_minor, entry.units);
        let rank = channel_rank(&entry.channel);
        channels.entry(rank.clone()).or_default().add(entry.kind, entry.amount_minor, entry.units);
        let hour = &mut hours[local.hour() as usize];
        hour.transactions += 1;
        hour.net_minor = hour.net_minor.saturating_add(signed);
        *hour.channels.entry(rank).or_default() += signed;
        if let Some(day) = days.get_mut(&local.date_naive()) {
            day.0 += 1;
            day.1 = day.1.saturating_add(signed);
        }
    }
    SalesReport {
        store_id: store_id.to_owned(),
        currency: currency.as_str().to_owned(),
        time_zone: tz.name().to_owned(),
        from: range.from.to_string(),
        to: range.to.to_string(),
        totals,
        channels: channels.into_iter().map(|((_, channel), totals)| ChannelTotals { channel, totals }).collect(),
        hours: hours
            .into_iter()
            .enumerate()
            .map(|(hour, sum)| HourTotals {
                hour: hour as u32,
                transactions: sum.transactions,
                net_minor: sum.net_minor,
                channels: sum
                    .channels
                    .into_iter()
                    .map(|((_, channel), net_minor)| ChannelAmount { channel, net_minor })
                    .collect(),
            })
            .collect(),
        days: days
            .into_iter()
            .map(|(date, (transactions, net_minor))| DayTotals { date: date.to_string(), transactions, net_minor })
            .collect(),
    }
}

/// `minor` in major units with a dot, as spreadsheets read it: `24990`, `599.00`.
pub fn decimal(minor: i64, currency: Currency) -> String {
    let digits = currency.minor_digits();
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10_u64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = digits as usize)
}

/// The report as CSV (RFC 4180, CRLF line ends): a header naming the store and the
/// range, the totals per channel with a total row, then the hours of the day.
/// Amounts are in major units with a dot; counts are plain integers.
pub fn report_csv(report: &SalesReport) -> String {
    let currency = Currency::parse(&report.currency).ok();
    let amount = |minor: i64| match currency {
        Some(c) => decimal(minor, c),
        None => minor.to_string(),
    };
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let escaped: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&escaped.join(","));
        out.push_str("\r\n");
    };
    line(&["store".into(), report.store_id.clone()]);
    line(&["from".into(), report.from.clone()]);
    line(&["to".into(), report.to.clone()]);
    line(&["currency".into(), report.currency.clone()]);
    line(&["time_zone".into(), report.time_zone.clone()]);
    line(&[]);
    line(
        &[
            "channel",
            "sales",
            "sales_amount",
            "orders",
            "orders_amount",
            "returns",
            "returns_amount",
            "cancellations",
            "cancellations_amount",
            "net_amount",
            "net_units",
        ]
        .map(String::from),
    );
    let totals_row = |name: &str, t: &Totals| {
        vec![
            name.to_owned(),
            t.sales.to_string(),
            amount(t.sales_minor),
            t.orders.to_string(),
            amount(t.orders_minor),
            t.returns.to_string(),
            amount(t.returns_minor),
            t.cancellations.to_string(),
            amount(t.cancellations_minor),
            amount(t.net_minor),
            t.net_units.to_string(),
        ]
    };
    for channel in &report.channels {
        line(&totals_row(&channel.channel, &channel.totals));
    }
    line(&totals_row("total", &report.totals));
    line(&[]);
    line(&["hour".into(), "transactions".into(), "net_amount".into()]);
    for hour in &report.hours {
        line(&[format!("{:02}:00", hour.hour), hour.transactions.to_string(), amount(hour.net_minor)]);
    }
    out
}

/// One CSV cell, quoted when it holds a separator, a quote or a line break. A cell
/// a spreadsheet would run as a formula is prefixed with an apostrophe.
fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '@']) || (value.starts_with('-') && value.parse::<f64>().is_err()) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clp() -> Currency {
        Currency::parse("CLP").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn entry(s: &str, channel: &str, kind: TxnKind, amount: i64) -> LedgerEntry {
        LedgerEntry { occurred_at: at(s), channel: channel.into(), kind, amount_minor: amount, units: 1 }
    }

    #[test]
    fn a_transaction_belongs_to_the_store_that_sold_it_then_the_pickup_store_then_the_customers() {
        let all = Attribution { sold_at: Some("A"), pickup_at: Some("B"), customer_home: Some("C") };
        assert_eq!(all.store(), Some("A"));
        assert_eq!(Attribution { sold_at: None, ..all }.store(), Some("B"));
        assert_eq!(Attribution { sold_at: Some(" "), pickup_at: None, ..all }.store(), Some("C"));
        assert_eq!(Attribution::default().store(), None, "an anonymous delivery belongs to the chain only");
    }

    #[test]
    fn returns_and_cancellations_take_from_the_net() {
        let range = DateRange::day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let tz: Tz = "America/Santiago".parse().unwrap();
        let report = sales_report(
            "CL-SCL-01",
            clp(),
            tz,
            range,
            [
                entry("2026-11-24T14:10:00Z", "pos", TxnKind::Sale, 20_000),
                entry("2026-11-24T14:20:00Z", "ecommerce", TxnKind::Order, 35_000),
                entry("2026-11-24T15:00:00Z", "pos", TxnKind::Return, 5_000),
                entry("2026-11-24T16:00:00Z", "ecommerce", TxnKind::Cancellation, 35_000),
                entry("2026-11-24T17:00:00Z", "endless_aisle", TxnKind::Order, 12_990),
            ],
        );
        assert_eq!(report.totals.net_minor, 20_000 + 35_000 - 5_000 - 35_000 + 12_990);
        assert_eq!(report.totals.transactions(), 5);
        assert_eq!(report.totals.net_units, 1, "three units out, two back");
        let names: Vec<_> = report.channels.iter().map(|c| c.channel.as_str()).collect();
        assert_eq!(names, ["pos", "endless_aisle", "ecommerce"], "channels in the report's order");
        assert_eq!(report.channels[0].totals.net_minor, 15_000);
        assert_eq!(report.channels[0].totals.returns_minor, 5_000, "amounts per kind stay positive");
    }

    #[test]
    fn hours_and_days_are_the_stores_own() {
        // Santiago is UTC−3 in November: 02:30 UTC on the 25th is 23:30 on the 24th.
        let tz: Tz = "America/Santiago".parse().unwrap();
        let range = DateRange::new(
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        )
        .unwrap();
        let report = sales_report(
            "S",
            clp(),
            tz,
            range,
            [
                entry("2026-11-25T02:30:00Z", "pos", TxnKind::Sale, 100),
                entry("2026-11-24T02:59:59Z", "pos", TxnKind::Sale, 7), // 23:59:59 on the 23rd: outside
                entry("2026-11-26T03:00:00Z", "pos", TxnKind::Sale, 9), // 00:00 on the 26th: outside
                entry("2026-11-25T13:00:00Z", "app", TxnKind::Order, 50),
            ],
        );
        assert_eq!(report.hours.len(), 24);
        assert_eq!(report.hours[23].net_minor, 100);
        assert_eq!(report.hours[10].channels, vec![ChannelAmount { channel: "app".into(), net_minor: 50 }]);
        assert_eq!(report.days.len(), 2);
        assert_eq!((report.days[0].date.as_str(), report.days[0].net_minor), ("2026-11-24", 100));
        assert_eq!((report.days[1].date.as_str(), report.days[1].net_minor), ("2026-11-25", 50));
        assert_eq!(report.totals.transactions(), 2, "the range's edges are the store's midnights");
    }

    #[test]
    fn a_day_without_midnight_starts_at_its_first_valid_minute() {
        // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
        let tz: Tz = "America/Santiago".parse().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = start_of_day(day, tz);
        assert_eq!(start.with_timezone(&tz).time(), NaiveTime::from_hms_opt(1, 0, 0).unwrap());
        let (from, to) = DateRange::day(day).utc_bounds(tz);
        assert_eq!((to - from).num_hours(), 23, "that day is 23 hours long");
    }

    #[test]
    fn ranges_run_forwards_and_not_forever() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(DateRange::new(d(11, 2), d(11, 1)), Err(RangeError::Reversed));
        assert!(DateRange::new(d(1, 1), d(12, 31)).is_ok());
        assert_eq!(
            DateRange::new(d(1, 1), NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()),
            Err(RangeError::TooLong(366))
        );
        assert_eq!(DateRange::new(d(11, 1), d(11, 3)).unwrap().days().count(), 3);
    }

    #[test]
    fn the_csv_has_channel_totals_a_total_row_and_the_hours_in_major_units() {
        let tz: Tz = "America/Mexico_City".parse().unwrap();
        let range = DateRange::day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let report = sales_report(
            "MX-CDMX-01",
            Currency::parse("MXN").unwrap(),
            tz,
            range,
            [
                entry("2026-11-24T18:00:00Z", "pos", TxnKind::Sale, 59_900),
                entry("2026-11-24T18:30:00Z", "social", TxnKind::Order, 1_050),
            ],
        );
        let csv = report_csv(&report);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "store,MX-CDMX-01");
        assert!(lines.contains(&"pos,1,599.00,0,0.00,0,0.00,0,0.00,599.00,1"), "{csv}");
        assert!(lines.contains(&"social,0,0.00,1,10.50,0,0.00,0,0.00,10.50,1"), "{csv}");
        assert!(lines.contains(&"total,1,599.00,1,10.50,0,0.00,0,0.00,609.50,2"), "{csv}");
        assert!(lines.contains(&"12:00,2,609.50"), "local hour 12 (UTC−6): {csv}");
    }

    #[test]
    fn csv_cells_are_quoted_and_never_run_as_formulas() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-12.50"), "-12.50", "a negative amount stays a number");
        assert_eq!(csv_cell("-cmd"), "'-cmd");
        assert_eq!(decimal(-5, Currency::parse("MXN").unwrap()), "-0.05");
        assert_eq!(decimal(24_990, clp()), "24990");
    }
}
