//! Promise dates: the day an associate tells a customer that an order will arrive
//! at home or be ready at a store.
//!
//! Everything is decided in the requesting store's local civil time, in its IANA
//! time zone (`America/Santiago`, `Europe/Madrid`, …): the instant the order was
//! placed is turned into the store's local date and time, the cut-off is compared
//! with that local time, and days are counted on local dates. An offset is never
//! assumed, so the answer stays right across daylight-saving changes, and for
//! an order placed late in the evening whose UTC date is already the next day.
//!
//! The rule ([`PromiseRule`] gives the cut-offs and the transfer time):
//!
//! 1. **Hand-over day.** An order placed before the cut-off (strictly: at the
//!    cut-off is after it) is handed over on its local date, otherwise the next
//!    day.
//! 2. **Home delivery.** No courier runs on Sundays: a hand-over that falls on a
//!    Sunday moves to Monday, and each day in transit is a courier day (Monday to
//!    Saturday). From a warehouse or the online channel the courier takes one
//!    courier day; from a store two (one more, for a store is not a dispatch
//!    centre). So a warehouse order placed on Tuesday before the cut-off arrives on
//!    Wednesday, after it on Thursday; one placed on Saturday before the cut-off
//!    arrives on Monday.
//! 3. **Ship to store / pick up, from the store's own stock:** ready on the
//!    hand-over day itself (same day before the pick-up cut-off, otherwise the
//!    next day). Associates pick from the shelves, so Sundays count: stores are
//!    taken to open every day.
//! 4. **With a transfer** from another location, the transfer is a delivery: the
//!    hand-over moves off a Sunday and `transfer_days` courier days are added.
//!
//! Dates saturate at the last date chrono can represent rather than overflow.

use crate::location::LocationKind;
use crate::sourcing::{Fulfilment, SourcingChoice};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The chain's promise parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseRule {
    /// Local time of day until which a home-delivery order is handed to the
    /// courier the same day.
    pub home_cutoff: NaiveTime,
    /// Local time of day until which a store order is prepared (or a transfer
    /// sent) the same day.
    pub pickup_cutoff: NaiveTime,
    /// Courier days a transfer between two locations takes.
    pub transfer_days: u32,
}

impl Default for PromiseRule {
    /// Both cut-offs at 14:00 local time; transfers take two courier days.
    fn default() -> Self {
        let two_pm = NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default();
        PromiseRule { home_cutoff: two_pm, pickup_cutoff: two_pm, transfer_days: 2 }
    }
}

/// How the goods of a sourced line travel, as far as the promise is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// A courier takes the goods from a location of kind `from` to the customer.
    Home { from: LocationKind },
    /// The customer collects at a store; `transfer` when the goods come from
    /// another location first.
    Store { transfer: bool },
}

impl Route {
    /// The route of a line sourced by [`crate::sourcing::choose_source`].
    pub fn of(fulfilment: &Fulfilment, choice: &SourcingChoice) -> Route {
        match fulfilment {
            Fulfilment::ShipToHome => Route::Home { from: choice.kind },
            Fulfilment::ShipToStore { .. } | Fulfilment::PickUpAt { .. } => {
                Route::Store { transfer: choice.needs_transfer }
            }
        }
    }
}

/// The local date on which the customer gets the goods (at home, or ready at the
/// store), for an order placed at `ordered_at` at a store in `store_tz`.
pub fn promise_date(ordered_at: DateTime<Utc>, store_tz: Tz, rule: &PromiseRule, route: Route) -> NaiveDate {
    let local = ordered_at.with_timezone(&store_tz).naive_local();
    let (date, time) = (local.date(), local.time());
    let handed_over = |cutoff: NaiveTime| {
        if time < cutoff {
            date
        } else {
            next_day(date)
        }
    };
    match route {
        Route::Home { from } => {
            let transit = match from {
                LocationKind::Warehouse | LocationKind::Online => 1,
                LocationKind::Store => 2,
            };
            add_courier_days(courier_day_on_or_after(handed_over(rule.home_cutoff)), transit)
        }
        Route::Store { transfer: false } => handed_over(rule.pickup_cutoff),
        Route::Store { transfer: true } => {
            add_courier_days(courier_day_on_or_after(handed_over(rule.pickup_cutoff)), rule.transfer_days)
        }
    }
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

fn is_courier_day(date: NaiveDate) -> bool {
    date.weekday() != Weekday::Sun
}

fn courier_day_on_or_after(date: NaiveDate) -> NaiveDate {
    if is_courier_day(date) {
        date
    } else {
        next_day(date)
    }
}

/// The date `days` courier days after `date`.
fn add_courier_days(mut date: NaiveDate, days: u32) -> NaiveDate {
    for _ in 0..days {
        date = next_day(date);
        while !is_courier_day(date) && date != NaiveDate::MAX {
            date = next_day(date);
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Offset, TimeZone};
    use chrono_tz::America::{Mexico_City, Santiago};
    use chrono_tz::Europe::Madrid;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Hours east of UTC in `tz` at `instant`.
    fn offset_hours(tz: Tz, instant: DateTime<Utc>) -> i32 {
        instant.with_timezone(&tz).offset().fix().local_minus_utc() / 3600
    }

    const FROM_WAREHOUSE: Route = Route::Home { from: LocationKind::Warehouse };
    const FROM_STORE: Route = Route::Home { from: LocationKind::Store };
    const OWN_SHELF: Route = Route::Store { transfer: false };
    const TRANSFER: Route = Route::Store { transfer: true };

    fn promise(at: DateTime<Utc>, tz: Tz, route: Route) -> NaiveDate {
        promise_date(at, tz, &PromiseRule::default(), route)
    }

    #[test]
    fn the_tz_database_has_the_transitions_these_tests_rely_on() {
        assert_eq!(offset_hours(Santiago, utc(2026, 4, 5, 2, 59)), -3);
        assert_eq!(
            offset_hours(Santiago, utc(2026, 4, 5, 3, 0)),
            -4,
            "Chile falls back at local midnight of Sunday 2026-04-05, to 23:00 on the 4th"
        );
        assert_eq!(offset_hours(Santiago, utc(2026, 9, 6, 3, 59)), -4);
        assert_eq!(
            offset_hours(Santiago, utc(2026, 9, 6, 4, 0)),
            -3,
            "Chile springs forward at local midnight of Sunday 2026-09-06, to 01:00"
        );
        assert_eq!(offset_hours(Madrid, utc(2026, 3, 29, 0, 59)), 1);
        assert_eq!(
            offset_hours(Madrid, utc(2026, 3, 29, 1, 0)),
            2,
            "Spain springs forward on the last Sunday of March"
        );
        assert_eq!(offset_hours(Madrid, utc(2026, 10, 25, 0, 59)), 2);
        assert_eq!(offset_hours(Madrid, utc(2026, 10, 25, 1, 0)), 1, "Spain falls back on the last Sunday of October");
        for month in [1, 4, 7, 10] {
            assert_eq!(
                offset_hours(Mexico_City, utc(2026, month, 15, 12, 0)),
                -6,
                "Mexico City has kept UTC-6 all year since 2022"
            );
        }
    }

    #[test]
    fn home_delivery_ordered_just_before_the_cutoff_arrives_the_next_day() {
        // Tuesday 2026-03-10, 13:59 in Santiago (UTC-3, summer time).
        assert_eq!(
            promise(utc(2026, 3, 10, 16, 59), Santiago, FROM_WAREHOUSE),
            day(2026, 3, 11),
            "13:59 local is before the 14:00 cut-off: handed over Tuesday, home Wednesday"
        );
    }

    #[test]
    fn home_delivery_ordered_at_or_just_after_the_cutoff_arrives_the_day_after_next() {
        assert_eq!(
            promise(utc(2026, 3, 10, 17, 0), Santiago, FROM_WAREHOUSE),
            day(2026, 3, 12),
            "14:00 sharp is no longer before the cut-off"
        );
        assert_eq!(
            promise(utc(2026, 3, 10, 17, 1), Santiago, FROM_WAREHOUSE),
            day(2026, 3, 12),
            "14:01 local: handed over Wednesday, home Thursday"
        );
    }

    #[test]
    fn the_online_channel_delivers_like_a_warehouse_and_a_store_takes_one_day_more() {
        let tuesday_morning = utc(2026, 3, 10, 13, 0);
        let online = Route::Home { from: LocationKind::Online };
        assert_eq!(promise(tuesday_morning, Santiago, online), day(2026, 3, 11));
        assert_eq!(
            promise(tuesday_morning, Santiago, FROM_STORE),
            day(2026, 3, 12),
            "a store is not a dispatch centre: one extra day"
        );
    }

    #[test]
    fn pick_up_from_the_stores_own_stock_is_ready_the_same_day_before_the_cutoff() {
        assert_eq!(
            promise(utc(2026, 3, 10, 16, 59), Santiago, OWN_SHELF),
            day(2026, 3, 10),
            "13:59 local: ready today"
        );
        assert_eq!(
            promise(utc(2026, 3, 10, 17, 0), Santiago, OWN_SHELF),
            day(2026, 3, 11),
            "14:00 local: ready tomorrow"
        );
    }

    #[test]
    fn an_order_at_1359_on_the_day_chile_falls_back_is_before_the_cutoff() {
        // Saturday 2026-04-04 ends at 23:59 UTC-3 and repeats its last hour in
        // UTC-4: at 13:59 the store is still on summer time.
        assert_eq!(
            promise(utc(2026, 4, 4, 16, 59), Santiago, OWN_SHELF),
            day(2026, 4, 4),
            "13:59 local on the change day: ready the same day"
        );
        assert_eq!(
            promise(utc(2026, 4, 4, 16, 59), Santiago, FROM_WAREHOUSE),
            day(2026, 4, 6),
            "handed over Saturday; no courier on Sunday, so home on Monday"
        );
        // Sunday 2026-04-05 is the first day of winter time, UTC-4.
        assert_eq!(
            promise(utc(2026, 4, 5, 17, 59), Santiago, OWN_SHELF),
            day(2026, 4, 5),
            "17:59 UTC is 13:59 in UTC-4; a stale UTC-3 would read 14:59 and say Monday"
        );
        assert_eq!(
            promise(utc(2026, 4, 5, 18, 0), Santiago, OWN_SHELF),
            day(2026, 4, 6),
            "18:00 UTC is the 14:00 cut-off in winter time"
        );
    }

    #[test]
    fn both_orders_in_the_repeated_hour_of_chiles_fall_back_share_a_local_date() {
        // 23:30 on Saturday 2026-04-04 happens twice: at 02:30 and 03:30 UTC.
        let first = utc(2026, 4, 5, 2, 30);
        let second = utc(2026, 4, 5, 3, 30);
        for at in [first, second] {
            assert_eq!(
                promise(at, Santiago, OWN_SHELF),
                day(2026, 4, 5),
                "{at} is Saturday 23:30 local, after the cut-off: ready Sunday"
            );
        }
    }

    #[test]
    fn the_cutoff_moves_with_chiles_spring_forward() {
        // Sunday 2026-09-06 starts at 01:00 UTC-3; Saturday was UTC-4.
        assert_eq!(
            promise(utc(2026, 9, 6, 16, 59), Santiago, OWN_SHELF),
            day(2026, 9, 6),
            "13:59 local on the change day: ready the same day"
        );
        assert_eq!(
            promise(utc(2026, 9, 6, 17, 30), Santiago, OWN_SHELF),
            day(2026, 9, 7),
            "17:30 UTC is 14:30 in UTC-3, past the cut-off; a stale UTC-4 would read 13:30"
        );
        assert_eq!(
            promise(utc(2026, 9, 6, 3, 59), Santiago, OWN_SHELF),
            day(2026, 9, 6),
            "one minute before the jump is still Saturday 23:59, after that day's cut-off"
        );
    }

    #[test]
    fn the_cutoff_moves_with_spains_summer_time() {
        // Sunday 2026-03-29: 02:00 CET became 03:00 CEST.
        assert_eq!(
            promise(utc(2026, 3, 29, 11, 59), Madrid, OWN_SHELF),
            day(2026, 3, 29),
            "11:59 UTC is 13:59 CEST on the change day: ready the same day"
        );
        assert_eq!(
            promise(utc(2026, 3, 29, 12, 30), Madrid, OWN_SHELF),
            day(2026, 3, 30),
            "12:30 UTC is 14:30 CEST; a stale CET would read 13:30"
        );
        // Sunday 2026-10-25: 03:00 CEST became 02:00 CET.
        assert_eq!(
            promise(utc(2026, 10, 25, 12, 59), Madrid, OWN_SHELF),
            day(2026, 10, 25),
            "12:59 UTC is 13:59 CET after falling back; a stale CEST would read 14:59"
        );
    }

    #[test]
    fn mexico_city_has_no_summer_time_to_shift_the_cutoff() {
        // Tuesday 2026-04-07, after the first Sunday of April, when Mexico City
        // used to move to UTC-5.
        assert_eq!(
            promise(utc(2026, 4, 7, 19, 59), Mexico_City, OWN_SHELF),
            day(2026, 4, 7),
            "19:59 UTC is 13:59 in UTC-6"
        );
        assert_eq!(
            promise(utc(2026, 4, 7, 20, 0), Mexico_City, OWN_SHELF),
            day(2026, 4, 8),
            "20:00 UTC is the 14:00 cut-off in UTC-6"
        );
    }

    #[test]
    fn an_order_whose_utc_date_differs_from_its_local_date_is_promised_from_the_local_date() {
        // 01:30 UTC on Wednesday 2026-03-11 is 22:30 on Tuesday in Santiago.
        assert_eq!(
            promise(utc(2026, 3, 11, 1, 30), Santiago, OWN_SHELF),
            day(2026, 3, 11),
            "Tuesday evening, after the cut-off: ready Wednesday, not Thursday"
        );
        // 23:30 UTC on Monday 2026-01-12 is 00:30 on Tuesday in Madrid.
        assert_eq!(
            promise(utc(2026, 1, 12, 23, 30), Madrid, OWN_SHELF),
            day(2026, 1, 13),
            "Tuesday just after midnight, before the cut-off: ready Tuesday"
        );
        assert_eq!(
            promise(utc(2026, 1, 12, 23, 30), Madrid, FROM_WAREHOUSE),
            day(2026, 1, 14),
            "handed over Tuesday, home Wednesday"
        );
    }

    #[test]
    fn home_deliveries_skip_sundays() {
        let cases = [
            (
                utc(2026, 3, 14, 15, 0),
                FROM_WAREHOUSE,
                day(2026, 3, 16),
                "Saturday before the cut-off: no courier Sunday, home Monday",
            ),
            (
                utc(2026, 3, 14, 18, 0),
                FROM_WAREHOUSE,
                day(2026, 3, 17),
                "Saturday after the cut-off: handed over Monday, home Tuesday",
            ),
            (
                utc(2026, 3, 13, 18, 0),
                FROM_WAREHOUSE,
                day(2026, 3, 16),
                "Friday after the cut-off: handed over Saturday, home Monday",
            ),
            (
                utc(2026, 3, 15, 13, 0),
                FROM_WAREHOUSE,
                day(2026, 3, 17),
                "Sunday morning: handed over Monday, home Tuesday",
            ),
            (
                utc(2026, 3, 13, 13, 0),
                FROM_STORE,
                day(2026, 3, 16),
                "Friday morning from a store: two courier days, Saturday and Monday",
            ),
        ];
        for (at, route, expected, why) in cases {
            assert_eq!(promise(at, Santiago, route), expected, "{why}");
            assert_ne!(expected.weekday(), Weekday::Sun, "{why}");
        }
        assert_eq!(
            promise(utc(2026, 3, 14, 18, 0), Santiago, OWN_SHELF),
            day(2026, 3, 15),
            "a pick-up from the store's own shelves is ready on Sunday: no courier needed"
        );
    }

    #[test]
    fn a_transfer_adds_its_days_to_a_store_order() {
        let cases = [
            (
                utc(2026, 3, 10, 16, 59),
                day(2026, 3, 12),
                "Tuesday before the cut-off: sent Tuesday, two days, ready Thursday",
            ),
            (utc(2026, 3, 10, 17, 0), day(2026, 3, 13), "Tuesday after the cut-off: sent Wednesday, ready Friday"),
            (
                utc(2026, 3, 13, 13, 0),
                day(2026, 3, 16),
                "Friday before the cut-off: Saturday, then Monday, as Sunday has no courier",
            ),
        ];
        for (at, expected, why) in cases {
            assert_eq!(promise(at, Santiago, TRANSFER), expected, "{why}");
        }
        let slow = PromiseRule { transfer_days: 4, ..PromiseRule::default() };
        assert_eq!(
            promise_date(utc(2026, 3, 10, 16, 59), Santiago, &slow, TRANSFER),
            day(2026, 3, 14),
            "four transfer days from Tuesday: Saturday"
        );
    }

    #[test]
    fn the_route_follows_the_fulfilment_and_the_sourcing_choice() {
        let choice = |kind, needs_transfer| SourcingChoice {
            location_id: "CL-X".into(),
            kind,
            distance_km: 3.0,
            needs_transfer,
        };
        assert_eq!(Route::of(&Fulfilment::ShipToHome, &choice(LocationKind::Store, false)), FROM_STORE);
        let pick_up = Fulfilment::PickUpAt { store_id: "CL-X".into() };
        assert_eq!(Route::of(&pick_up, &choice(LocationKind::Store, false)), OWN_SHELF);
        assert_eq!(
            Route::of(&pick_up, &choice(LocationKind::Warehouse, true)),
            TRANSFER,
            "a warehouse sends a transfer to the store"
        );
    }
}
