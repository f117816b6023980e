//! Free appointment slots: when a customer can book a stylist for a service.
//!
//! One implementation answers on the device (offline, from its cache) and at the
//! central, so both offer the same slots for the same data.
//!
//! The caller gives the [`Service`], the store's [`Stylist`]s with their weekly
//! hours, breaks and exceptions, the existing [`Booking`]s, the store's IANA time
//! zone and a [`SlotSearch`] (local dates, optionally one stylist, the grid step and
//! the minimum lead time). A [`SlotRequest`] is checked once when built, so the rule
//! itself cannot fail. The rule:
//!
//! - **Who.** Only stylists who have the service's required specialty (exact
//!   match) are ever offered: nobody can book a stylist without it. A stylist asked
//!   for by id who lacks it gets no slots, not an error.
//! - **Working periods of a local day.** A day-off exception for that date
//!   leaves none. Otherwise the [`ExceptionKind::Hours`] exceptions for that date
//!   replace the weekly hours; without any, the weekly hours of that weekday
//!   apply. Breaks are weekly and apply on special-hours days too. A period or
//!   break whose end is not after its start is empty (none crosses midnight).
//! - **The grid.** Candidate starts are the period's start plus whole steps, on the
//!   local wall clock. Each period has its own grid.
//! - **The fit.** A slot occupies `[start − buffer before, end + buffer after)`,
//!   where `end = start + duration`. That interval must lie inside the working
//!   period and overlap neither a break nor the busy interval of one of the
//!   stylist's bookings. Intervals are half-open, so back-to-back is allowed: a
//!   booking whose busy interval ends exactly when the slot's begins does not
//!   overlap it. A booking's busy interval already includes its own buffers.
//! - **Lead time.** No slot starts before `now` + the lead time (starting exactly
//!   then is allowed).
//! - **Order.** Slots come sorted by start, then stylist id; none appears twice,
//!   even when two working periods overlap.
//!
//! **Civil time.** Every time of day is a wall-clock time in the store's IANA zone,
//! turned into an instant with chrono-tz's compiled-in database, never with a fixed
//! offset, so a slot's UTC instant is right on both sides of a daylight-saving
//! change. Durations and buffers are real elapsed minutes. On a day whose clocks
//! jump forward, a local time inside the skipped hour does not exist: no slot
//! starts there, and a period or break bound inside it takes effect at the instant
//! of the jump. On a day whose clocks go back, a local time in the repeated hour
//! means its earlier instant, for slot starts and bounds alike; each local start is
//! offered once, so the second pass through that hour offers no slots of its own.
//!
//! - **Rooms.** A service that needs a kind of room (a fitting room) is offered only
//!   while, at every moment of its time (`[start, end)`, buffers not included), fewer
//!   appointments use a room of that kind than the store has ([`SlotRequest::with_rooms`]).
//!
//! [`nearest_free`] picks, among computed slots, those nearest to a wanted instant:
//! the alternatives offered when a booking is rejected.

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// The longest date range one search may span, in days (both ends included).
pub const MAX_RANGE_DAYS: i64 = 62;

/// The longest run of local times that a time zone skips, for finding the instant a
/// bound inside a skipped run takes effect (a whole day has been skipped before).
const MAX_GAP_MINUTES: i64 = 48 * 60;

/// A service a stylist performs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub duration_minutes: u32,
    /// Preparation time the stylist needs before the customer's appointment.
    pub buffer_before_minutes: u32,
    /// Clean-up time the stylist needs after it.
    pub buffer_after_minutes: u32,
    /// The specialty a stylist must have to perform the service.
    pub required_specialty: Option<String>,
    /// The kind of room the service takes (a fitting room, say), if any.
    #[serde(default)]
    pub room_kind: Option<String>,
}

/// Rooms of one kind in the store: how many appointments needing that kind can
/// run at the same time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCapacity {
    pub kind: String,
    pub capacity: u32,
}

/// A room of some kind taken over `[from, until)` (an existing appointment's service time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomUse {
    pub kind: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// A stretch of local wall-clock time on one weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// What is different about one date of a stylist's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExceptionKind {
    /// The stylist does not work that day.
    DayOff,
    /// The stylist works these local hours that day instead of the weekly ones.
    Hours { start: NaiveTime, end: NaiveTime },
}

/// An exception to a stylist's weekly schedule on one local date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub kind: ExceptionKind,
}

/// A stylist and their schedule, in the store's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stylist {
    pub id: String,
    pub specialties: Vec<String>,
    pub weekly_hours: Vec<WorkingHours>,
    pub breaks: Vec<WorkingHours>,
    pub exceptions: Vec<Exception>,
}

/// An existing booking: the stylist is busy over `[busy_from, busy_until)`, which
/// already includes the booked service's buffers (its start minus the buffer
/// before, its end plus the buffer after).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub stylist_id: String,
    pub busy_from: DateTime<Utc>,
    pub busy_until: DateTime<Utc>,
}

/// What the customer is looking for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSearch {
    /// First local date searched.
    pub from: NaiveDate,
    /// Last local date searched, included.
    pub to: NaiveDate,
    /// Only this stylist, or every stylist of the store.
    pub stylist_id: Option<String>,
    /// Minutes between candidate starts.
    pub step_minutes: u32,
    /// Minutes after now before which no slot may start.
    pub lead_minutes: u32,
}

/// A free slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub stylist_id: String,
    pub start: DateTime<Utc>,
    /// `start` plus the service's duration (buffers not included).
    pub end: DateTime<Utc>,
    /// `start` on the store's wall clock.
    pub local_start: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("the date range {from}..={to} holds no day")]
    EmptyRange { from: NaiveDate, to: NaiveDate },
    #[error("the date range {from}..={to} spans {days} days, more than {max}", max = MAX_RANGE_DAYS)]
    RangeTooLong { from: NaiveDate, to: NaiveDate, days: i64 },
    #[error("the slot step must be at least one minute")]
    ZeroStep,
    #[error("service {0:?} takes no time")]
    ZeroDuration(String),
    #[error("stylist {0:?} is not among the stylists given")]
    UnknownStylist(String),
}

impl SlotError {
    /// Stable machine-readable reason, used by the UI to pick a message.
    pub fn reason(&self) -> &'static str {
        match self {
            SlotError::EmptyRange { .. } => "empty_range",
            SlotError::RangeTooLong { .. } => "range_too_long",
            SlotError::ZeroStep => "zero_step",
            SlotError::ZeroDuration(_) => "zero_duration",
            SlotError::UnknownStylist(_) => "unknown_stylist",
        }
    }
}

/// A slot search, checked: a range of 1 to [`MAX_RANGE_DAYS`] days, a step of at
/// least one minute, a service that takes time, and a stylist asked for by id that
/// is among the stylists.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotRequest {
    service: Service,
    stylists: Vec<Stylist>,
    bookings: Vec<Booking>,
    store_tz: Tz,
    search: SlotSearch,
    rooms: Vec<RoomCapacity>,
    room_uses: Vec<RoomUse>,
}

impl SlotRequest {
    pub fn new(
        service: Service,
        stylists: Vec<Stylist>,
        bookings: Vec<Booking>,
        store_tz: Tz,
        search: SlotSearch,
    ) -> Result<SlotRequest, SlotError> {
        let (from, to) = (search.from, search.to);
        if to < from {
            return Err(SlotError::EmptyRange { from, to });
        }
        let days = to.signed_duration_since(from).num_days() + 1;
        if days > MAX_RANGE_DAYS {
            return Err(SlotError::RangeTooLong { from, to, days });
        }
        if search.step_minutes == 0 {
            return Err(SlotError::ZeroStep);
        }
        if service.duration_minutes == 0 {
            return Err(SlotError::ZeroDuration(service.id));
        }
        if let Some(id) = &search.stylist_id {
            if !stylists.iter().any(|s| &s.id == id) {
                return Err(SlotError::UnknownStylist(id.clone()));
            }
        }
        Ok(SlotRequest { service, stylists, bookings, store_tz, search, rooms: Vec::new(), room_uses: Vec::new() })
    }

    /// The store's rooms and what takes them: a service that needs a kind of room is
    /// offered only while fewer appointments than that kind's capacity use it at any
    /// moment of its time. Without rooms of its kind, it is never offered.
    pub fn with_rooms(mut self, rooms: Vec<RoomCapacity>, uses: Vec<RoomUse>) -> SlotRequest {
        self.rooms = rooms;
        self.room_uses = uses;
        self
    }

    /// Whether a room of `kind` is free for `[from, until)`: the most uses of that kind
    /// at one moment in the interval stays below the kind's capacity.
    fn room_free(&self, kind: &str, from: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        let capacity: u32 = self.rooms.iter().filter(|r| r.kind == kind).map(|r| r.capacity).sum();
        let mut edges: Vec<(DateTime<Utc>, i32)> = Vec::new();
        for u in self.room_uses.iter().filter(|u| u.kind == kind && overlaps((from, until), (u.from, u.until))) {
            edges.push((u.from.max(from), 1));
            edges.push((u.until.min(until), -1));
        }
        // Ends before starts at the same instant: back-to-back uses don't add up.
        edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0i32, 0i32);
        for (_, delta) in edges {
            now += delta;
            most = most.max(now);
        }
        (most as u32) < capacity
    }

    pub fn service(&self) -> &Service {
        &self.service
    }

    pub fn stylists(&self) -> &[Stylist] {
        &self.stylists
    }

    pub fn bookings(&self) -> &[Booking] {
        &self.bookings
    }

    pub fn store_tz(&self) -> Tz {
        self.store_tz
    }

    pub fn search(&self) -> &SlotSearch {
        &self.search
    }

    /// Whether `stylist` is searched and may perform the service.
    fn offers(&self, stylist: &Stylist) -> bool {
        let asked = self.search.stylist_id.as_ref().is_none_or(|id| &stylist.id == id);
        let able = self.service.required_specialty.as_ref().is_none_or(|needed| stylist.specialties.contains(needed));
        asked && able
    }
}

/// A half-open interval of instants, `[.0, .1)`.
type Interval = (DateTime<Utc>, DateTime<Utc>);

/// Whether two half-open intervals share an instant. An empty interval shares
/// none.
fn overlaps(a: Interval, b: Interval) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}

fn minutes(m: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(m))
}

/// The instant `local` means in `tz`: the earlier one when the time is repeated,
/// none when it is skipped.
fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The instant a bound at `local` takes effect: [`instant`], or for a skipped
/// time, the instant the clocks jump past it.
fn bound(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    instant(tz, local)
        .or_else(|| (1..=MAX_GAP_MINUTES).find_map(|m| instant(tz, local.checked_add_signed(TimeDelta::minutes(m))?)))
}

/// The instants of local `start..end` on `date`, if the interval is not empty.
fn interval_on(tz: Tz, date: NaiveDate, start: NaiveTime, end: NaiveTime) -> Option<Interval> {
    let interval = (bound(tz, date.and_time(start))?, bound(tz, date.and_time(end))?);
    (interval.0 < interval.1).then_some(interval)
}

impl Stylist {
    /// The local working periods of `date`, after exceptions.
    fn periods_on(&self, date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
        let exceptions: Vec<ExceptionKind> =
            self.exceptions.iter().filter(|e| e.date == date).map(|e| e.kind).collect();
        if exceptions.contains(&ExceptionKind::DayOff) {
            return Vec::new();
        }
        let special: Vec<(NaiveTime, NaiveTime)> = exceptions
            .iter()
            .filter_map(|kind| match *kind {
                ExceptionKind::Hours { start, end } => Some((start, end)),
                ExceptionKind::DayOff => None,
            })
            .collect();
        if !special.is_empty() {
            return special;
        }
        self.weekly_hours.iter().filter(|h| h.weekday == date.weekday()).map(|h| (h.start, h.end)).collect()
    }
}

/// Every free slot for the request, sorted by start then stylist id, none starting
/// before `now` plus the search's lead time.
pub fn free_slots(request: &SlotRequest, now: DateTime<Utc>) -> Vec<Slot> {
    let tz = request.store_tz;
    let search = &request.search;
    let service = &request.service;
    let earliest_start = now.checked_add_signed(minutes(search.lead_minutes)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let step = minutes(search.step_minutes);
    let mut slots = Vec::new();
    for stylist in request.stylists.iter().filter(|s| request.offers(s)) {
        let busy: Vec<Interval> = request
            .bookings
            .iter()
            .filter(|b| b.stylist_id == stylist.id)
            .map(|b| (b.busy_from, b.busy_until))
            .collect();
        for date in search.from.iter_days().take_while(|d| *d <= search.to) {
            let breaks: Vec<Interval> = stylist
                .breaks
                .iter()
                .filter(|b| b.weekday == date.weekday())
                .filter_map(|b| interval_on(tz, date, b.start, b.end))
                .collect();
            for (start, end) in stylist.periods_on(date) {
                let Some(period) = interval_on(tz, date, start, end) else { continue };
                let slot_at = |local: NaiveDateTime| -> Option<Slot> {
                    let at = instant(tz, local)?;
                    let slot_end = at.checked_add_signed(minutes(service.duration_minutes))?;
                    let occupied = (
                        at.checked_sub_signed(minutes(service.buffer_before_minutes))?,
                        slot_end.checked_add_signed(minutes(service.buffer_after_minutes))?,
                    );
                    let free = at >= earliest_start
                        && occupied.0 >= period.0
                        && occupied.1 <= period.1
                        && !breaks.iter().chain(&busy).any(|taken| overlaps(occupied, *taken))
                        && service.room_kind.as_deref().is_none_or(|kind| request.room_free(kind, at, slot_end));
                    free.then(|| Slot { stylist_id: stylist.id.clone(), start: at, end: slot_end, local_start: local })
                };
                let (mut local, local_end) = (date.and_time(start), date.and_time(end));
                while local < local_end {
                    slots.extend(slot_at(local));
                    let Some(next) = local.checked_add_signed(step) else { break };
                    local = next;
                }
            }
        }
    }
    slots.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.stylist_id.cmp(&b.stylist_id)));
    slots.dedup();
    slots
}

/// The `n` slots whose starts are nearest to `wanted`, nearest first; at equal
/// distance the earlier start first, then the smaller stylist id.
pub fn nearest_free(slots: &[Slot], wanted: DateTime<Utc>, n: usize) -> Vec<Slot> {
    let mut ranked: Vec<&Slot> = slots.iter().collect();
    ranked.sort_by(|a, b| {
        (a.start - wanted)
            .abs()
            .cmp(&(b.start - wanted).abs())
            .then_with(|| a.start.cmp(&b.start))
            .then_with(|| a.stylist_id.cmp(&b.stylist_id))
    });
    ranked.into_iter().take(n).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    use chrono_tz::America::Santiago;
    use chrono_tz::Europe::Madrid;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// Tuesday 2026-03-10, when Santiago is on summer time (UTC-3).
    fn tuesday() -> NaiveDate {
        day(2026, 3, 10)
    }

    fn hours(weekday: Weekday, start: NaiveTime, end: NaiveTime) -> WorkingHours {
        WorkingHours { weekday, start, end }
    }

    fn every_day(start: NaiveTime, end: NaiveTime) -> Vec<WorkingHours> {
        [Mon, Tue, Wed, Thu, Fri, Sat, Sun].into_iter().map(|w| hours(w, start, end)).collect()
    }

    fn stylist(id: &str, weekly_hours: Vec<WorkingHours>) -> Stylist {
        Stylist { id: id.into(), specialties: vec![], weekly_hours, breaks: vec![], exceptions: vec![] }
    }

    fn service(duration: u32, before: u32, after: u32) -> Service {
        Service {
            id: "cut".into(),
            duration_minutes: duration,
            buffer_before_minutes: before,
            buffer_after_minutes: after,
            required_specialty: None,
            room_kind: None,
        }
    }

    fn search(from: NaiveDate, to: NaiveDate, step_minutes: u32) -> SlotSearch {
        SlotSearch { from, to, stylist_id: None, step_minutes, lead_minutes: 0 }
    }

    fn booking(stylist_id: &str, busy_from: DateTime<Utc>, busy_until: DateTime<Utc>) -> Booking {
        Booking { stylist_id: stylist_id.into(), busy_from, busy_until }
    }

    fn long_ago() -> DateTime<Utc> {
        utc(2020, 1, 1, 0, 0)
    }

    fn find(service: Service, stylists: Vec<Stylist>, bookings: Vec<Booking>, tz: Tz, search: SlotSearch) -> Vec<Slot> {
        free_slots(&SlotRequest::new(service, stylists, bookings, tz, search).unwrap(), long_ago())
    }

    /// Local weekday and time of each slot, e.g. "Tue 10:30".
    fn clock(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|s| s.local_start.format("%a %H:%M").to_string()).collect()
    }

    /// Stylist and local start of each slot, e.g. "ana Tue 10:30".
    fn who_when(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|s| format!("{} {}", s.stylist_id, s.local_start.format("%a %H:%M"))).collect()
    }

    fn starts(slots: &[Slot]) -> Vec<DateTime<Utc>> {
        slots.iter().map(|s| s.start).collect()
    }

    #[test]
    fn working_hours_bound_the_slots() {
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(12, 0))]);
        let wednesday = day(2026, 3, 11);
        let slots = find(service(60, 0, 0), vec![ana], vec![], Santiago, search(tuesday(), wednesday, 30));
        assert_eq!(clock(&slots), ["Tue 10:00", "Tue 10:30", "Tue 11:00"], "11:30 would end at 12:30, after closing");
        assert_eq!(
            starts(&slots),
            [utc(2026, 3, 10, 13, 0), utc(2026, 3, 10, 13, 30), utc(2026, 3, 10, 14, 0)],
            "Santiago is UTC-3 in March"
        );
        assert_eq!(slots[2].end, utc(2026, 3, 10, 15, 0), "the last slot ends at closing time, 12:00 local");
        assert!(slots.iter().all(|s| s.stylist_id == "ana"), "only ana works");
        assert!(slots.iter().all(|s| s.local_start.date() == tuesday()), "ana has no hours on Wednesday");
    }

    #[test]
    fn a_break_removes_the_slots_that_overlap_it() {
        let mut ana = stylist("ana", vec![hours(Tue, t(10, 0), t(14, 0))]);
        ana.breaks = vec![hours(Tue, t(12, 0), t(13, 0)), hours(Wed, t(10, 0), t(14, 0))];
        let slots = find(service(60, 0, 0), vec![ana], vec![], Santiago, search(tuesday(), tuesday(), 30));
        assert_eq!(
            clock(&slots),
            ["Tue 10:00", "Tue 10:30", "Tue 11:00", "Tue 13:00"],
            "11:00 ends as the break starts and 13:00 starts as it ends; 11:30, 12:00 and 12:30 overlap it; \
             Wednesday's break does not apply on Tuesday"
        );
    }

    #[test]
    fn buffers_keep_their_distance_from_the_edges_of_the_day() {
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(12, 0))]);
        let slots = find(service(60, 15, 15), vec![ana], vec![], Santiago, search(tuesday(), tuesday(), 15));
        assert_eq!(
            clock(&slots),
            ["Tue 10:15", "Tue 10:30", "Tue 10:45"],
            "preparation needs 15 minutes after opening and clean-up 15 minutes before closing"
        );
        assert_eq!(slots[0].end - slots[0].start, TimeDelta::minutes(60), "a slot's end leaves the buffers out");
    }

    #[test]
    fn buffers_keep_their_distance_from_bookings() {
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(14, 0))]);
        let bea = stylist("bea", vec![]);
        let bookings = vec![
            // 12:00 to 12:30 local.
            booking("ana", utc(2026, 3, 10, 15, 0), utc(2026, 3, 10, 15, 30)),
            booking("bea", utc(2026, 3, 10, 13, 0), utc(2026, 3, 10, 17, 0)),
        ];
        let slots = find(service(30, 10, 20), vec![ana, bea], bookings, Santiago, search(tuesday(), tuesday(), 15));
        assert_eq!(
            clock(&slots),
            ["Tue 10:15", "Tue 10:30", "Tue 10:45", "Tue 11:00", "Tue 12:45", "Tue 13:00"],
            "11:15 would end at 11:45 but clean up until 12:05, inside the booking; 12:30 would start after it \
             but prepare from 12:20; bea's booking does not block ana"
        );
    }

    #[test]
    fn a_booking_that_ends_exactly_when_another_starts_is_allowed() {
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(13, 0))]);
        let before = booking("ana", utc(2026, 3, 10, 13, 0), utc(2026, 3, 10, 14, 0));
        let after = booking("ana", utc(2026, 3, 10, 15, 0), utc(2026, 3, 10, 16, 0));
        let slots = find(
            service(60, 0, 0),
            vec![ana],
            vec![before.clone(), after.clone()],
            Santiago,
            search(tuesday(), tuesday(), 30),
        );
        assert_eq!(clock(&slots), ["Tue 11:00"], "the only hour between the two bookings");
        assert_eq!(slots[0].start, before.busy_until, "back to back with the booking before");
        assert_eq!(slots[0].end, after.busy_from, "back to back with the booking after");
    }

    #[test]
    fn a_day_off_leaves_no_slots_that_day() {
        let mut ana = stylist("ana", every_day(t(10, 0), t(11, 0)));
        ana.exceptions = vec![
            Exception { date: tuesday(), kind: ExceptionKind::Hours { start: t(15, 0), end: t(16, 0) } },
            Exception { date: tuesday(), kind: ExceptionKind::DayOff },
        ];
        let slots = find(service(60, 0, 0), vec![ana], vec![], Santiago, search(day(2026, 3, 9), day(2026, 3, 11), 30));
        assert_eq!(
            clock(&slots),
            ["Mon 10:00", "Wed 10:00"],
            "Tuesday is off, and a day off wins over special hours on the same date"
        );
    }

    #[test]
    fn special_hours_replace_the_weekly_hours_that_day() {
        let mut ana = stylist("ana", every_day(t(10, 0), t(11, 0)));
        ana.exceptions =
            vec![Exception { date: tuesday(), kind: ExceptionKind::Hours { start: t(15, 0), end: t(17, 0) } }];
        let range = search(day(2026, 3, 9), day(2026, 3, 11), 30);
        let slots = find(service(60, 0, 0), vec![ana.clone()], vec![], Santiago, range.clone());
        assert_eq!(
            clock(&slots),
            ["Mon 10:00", "Tue 15:00", "Tue 15:30", "Tue 16:00", "Wed 10:00"],
            "on Tuesday ana works 15:00 to 17:00 instead of 10:00 to 11:00; the other days keep their hours"
        );

        ana.breaks = vec![hours(Tue, t(15, 30), t(16, 0))];
        let slots = find(service(60, 0, 0), vec![ana], vec![], Santiago, range);
        assert_eq!(
            clock(&slots),
            ["Mon 10:00", "Tue 16:00", "Wed 10:00"],
            "the weekly break still applies on a day with special hours"
        );
    }

    #[test]
    fn a_stylist_without_the_required_specialty_gets_no_slots() {
        let mut ana = stylist("ana", vec![hours(Tue, t(10, 0), t(11, 0))]);
        ana.specialties = vec!["cut".into()];
        let mut bea = stylist("bea", vec![hours(Tue, t(10, 0), t(11, 0))]);
        bea.specialties = vec!["cut".into(), "color".into()];
        let color = Service { required_specialty: Some("color".into()), ..service(60, 0, 0) };
        let tuesday_only = search(tuesday(), tuesday(), 30);

        let slots = find(color.clone(), vec![ana.clone(), bea.clone()], vec![], Santiago, tuesday_only.clone());
        assert_eq!(slots.len(), 1, "one hour-long slot at 10:00");
        assert_eq!(slots[0].stylist_id, "bea", "ana does not colour, so nobody can book her for it");

        let only_ana = SlotSearch { stylist_id: Some("ana".into()), ..tuesday_only.clone() };
        let slots = find(color, vec![ana.clone(), bea.clone()], vec![], Santiago, only_ana);
        assert!(slots.is_empty(), "asking for ana by name does not bypass the specialty, and is not an error");

        let slots = find(service(60, 0, 0), vec![ana, bea], vec![], Santiago, tuesday_only);
        assert_eq!(slots.len(), 2, "a service with no required specialty can be booked with anyone");
    }

    #[test]
    fn no_slot_starts_before_now_plus_the_lead_time() {
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(12, 0))]);
        // 10:05 local.
        let now = utc(2026, 3, 10, 13, 5);
        let request = |lead_minutes| {
            let search = SlotSearch { lead_minutes, ..search(tuesday(), tuesday(), 30) };
            SlotRequest::new(service(30, 0, 0), vec![ana.clone()], vec![], Santiago, search).unwrap()
        };
        assert_eq!(
            clock(&free_slots(&request(30), now)),
            ["Tue 11:00", "Tue 11:30"],
            "half an hour from 10:05 is 10:35: 10:00 is past and 10:30 too soon"
        );
        assert_eq!(
            clock(&free_slots(&request(25), now)),
            ["Tue 10:30", "Tue 11:00", "Tue 11:30"],
            "a slot starting exactly at now plus the lead time is offered"
        );
        assert!(free_slots(&request(0), utc(2026, 3, 10, 15, 0)).is_empty(), "at closing time nothing is left");
    }

    #[test]
    fn slots_are_sorted_by_start_then_stylist_and_a_search_can_ask_for_one_stylist() {
        let bea = stylist("bea", vec![hours(Tue, t(10, 0), t(11, 0))]);
        let ana = stylist("ana", vec![hours(Tue, t(10, 0), t(11, 0))]);
        let both =
            find(service(30, 0, 0), vec![bea.clone(), ana.clone()], vec![], Santiago, search(tuesday(), tuesday(), 30));
        assert_eq!(
            who_when(&both),
            ["ana Tue 10:00", "bea Tue 10:00", "ana Tue 10:30", "bea Tue 10:30"],
            "by start, then by stylist id, whatever the order of the stylists"
        );

        let only_bea = SlotSearch { stylist_id: Some("bea".into()), ..search(tuesday(), tuesday(), 30) };
        let slots = find(service(30, 0, 0), vec![bea, ana], vec![], Santiago, only_bea);
        assert!(slots.len() == 2 && slots.iter().all(|s| s.stylist_id == "bea"), "only bea's slots");
    }

    #[test]
    fn overlapping_working_periods_offer_each_slot_once() {
        let ana = stylist(
            "ana",
            vec![hours(Tue, t(10, 0), t(12, 0)), hours(Tue, t(11, 0), t(13, 0)), hours(Tue, t(18, 0), t(17, 0))],
        );
        let slots = find(service(60, 0, 0), vec![ana], vec![], Santiago, search(tuesday(), tuesday(), 30));
        assert_eq!(
            clock(&slots),
            ["Tue 10:00", "Tue 10:30", "Tue 11:00", "Tue 11:30", "Tue 12:00"],
            "11:00 fits both periods but is offered once; the period ending before it starts is empty"
        );
    }

    #[test]
    fn santiago_slots_follow_the_offset_of_each_day_around_its_changes() {
        let ana = stylist("ana", every_day(t(10, 0), t(11, 0)));
        // Saturday 2026-04-04 is on summer time (UTC-3); Chile falls back at the
        // end of it, so Sunday 2026-04-05 is UTC-4.
        let autumn =
            find(service(60, 0, 0), vec![ana.clone()], vec![], Santiago, search(day(2026, 4, 4), day(2026, 4, 5), 30));
        assert_eq!(clock(&autumn), ["Sat 10:00", "Sun 10:00"]);
        assert_eq!(
            starts(&autumn),
            [utc(2026, 4, 4, 13, 0), utc(2026, 4, 5, 14, 0)],
            "10:00 is 13:00 UTC on Saturday but 14:00 UTC on Sunday; one fixed offset gets one of them wrong"
        );
        // Saturday 2026-09-05 is UTC-4; Sunday 2026-09-06 starts at 01:00 UTC-3.
        let spring = find(service(60, 0, 0), vec![ana], vec![], Santiago, search(day(2026, 9, 5), day(2026, 9, 6), 30));
        assert_eq!(
            starts(&spring),
            [utc(2026, 9, 5, 14, 0), utc(2026, 9, 6, 13, 0)],
            "10:00 is 14:00 UTC on Saturday but 13:00 UTC on Sunday"
        );
    }

    #[test]
    fn santiagos_skipped_midnight_hour_offers_no_slots_and_its_repeated_hour_means_the_earlier_instant() {
        let special = |date, start, end| {
            let mut ana = stylist("ana", vec![]);
            ana.exceptions = vec![Exception { date, kind: ExceptionKind::Hours { start, end } }];
            ana
        };
        // Sunday 2026-09-06: 00:00 to 00:59 does not exist; the clock jumps to 01:00
        // at 04:00 UTC.
        let jump = day(2026, 9, 6);
        let night = vec![special(jump, t(0, 0), t(2, 0))];
        let slots = find(service(30, 0, 0), night.clone(), vec![], Santiago, search(jump, jump, 30));
        assert_eq!(clock(&slots), ["Sun 01:00", "Sun 01:30"], "00:00 and 00:30 don't exist that night");
        assert_eq!(
            starts(&slots),
            [utc(2026, 9, 6, 4, 0), utc(2026, 9, 6, 4, 30)],
            "one real hour of work, in UTC-3; a fixed UTC-4 would offer four slots from 04:00 UTC"
        );
        let slots = find(service(30, 15, 0), night, vec![], Santiago, search(jump, jump, 30));
        assert_eq!(clock(&slots), ["Sun 01:30"], "work starts at the jump, so 01:00 leaves no time to prepare");

        // Sunday 2026-04-05 starts in winter time, UTC-4.
        let fall = day(2026, 4, 5);
        let slots =
            find(service(30, 0, 0), vec![special(fall, t(0, 0), t(1, 0))], vec![], Santiago, search(fall, fall, 30));
        assert_eq!(
            starts(&slots),
            [utc(2026, 4, 5, 4, 0), utc(2026, 4, 5, 4, 30)],
            "midnight on Sunday is 04:00 UTC; the summer offset would say 03:00"
        );

        // Saturday 2026-04-04: 23:00 to 23:59 happens twice, at 02:00 UTC (UTC-3)
        // and at 03:00 UTC (UTC-4).
        let saturday = day(2026, 4, 4);
        let late = vec![special(saturday, t(22, 0), t(23, 30))];
        let slots = find(service(30, 0, 0), late, vec![], Santiago, search(saturday, saturday, 30));
        assert_eq!(clock(&slots), ["Sat 22:00", "Sat 22:30", "Sat 23:00"]);
        assert_eq!(
            starts(&slots),
            [utc(2026, 4, 5, 1, 0), utc(2026, 4, 5, 1, 30), utc(2026, 4, 5, 2, 0)],
            "23:00 is its earlier instant, 02:00 UTC, and work ends at the first 23:30"
        );
    }

    #[test]
    fn madrids_skipped_hour_offers_no_slots() {
        // Sunday 2026-03-29: at 01:00 UTC, 02:00 CET became 03:00 CEST.
        let sunday = day(2026, 3, 29);
        let mut ana = stylist("ana", vec![]);
        ana.exceptions = vec![Exception { date: sunday, kind: ExceptionKind::Hours { start: t(1, 0), end: t(4, 0) } }];
        let slots = find(service(60, 0, 0), vec![ana], vec![], Madrid, search(sunday, sunday, 60));
        assert_eq!(clock(&slots), ["Sun 01:00", "Sun 03:00"], "02:00 does not exist that night");
        assert_eq!(
            starts(&slots),
            [utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0)],
            "01:00 to 04:00 on the wall clock is two real hours, back to back; a fixed CET would offer three"
        );
    }

    #[test]
    fn madrids_repeated_hour_offers_each_local_start_once_at_its_earlier_instant() {
        // Sunday 2026-10-25: at 01:00 UTC, 03:00 CEST became 02:00 CET, so 02:00
        // to 02:59 happens at 00:00 UTC and again at 01:00 UTC.
        let sunday = day(2026, 10, 25);
        let mut ana = stylist("ana", vec![]);
        ana.exceptions = vec![Exception { date: sunday, kind: ExceptionKind::Hours { start: t(1, 0), end: t(4, 0) } }];
        let slots = find(service(30, 0, 0), vec![ana.clone()], vec![], Madrid, search(sunday, sunday, 30));
        assert_eq!(
            clock(&slots),
            ["Sun 01:00", "Sun 01:30", "Sun 02:00", "Sun 02:30", "Sun 03:00", "Sun 03:30"],
            "each local start once, though 02:00 and 02:30 happen twice"
        );
        assert_eq!(
            starts(&slots),
            [
                utc(2026, 10, 24, 23, 0),
                utc(2026, 10, 24, 23, 30),
                utc(2026, 10, 25, 0, 0),
                utc(2026, 10, 25, 0, 30),
                utc(2026, 10, 25, 2, 0),
                utc(2026, 10, 25, 2, 30),
            ],
            "02:00 and 02:30 are their earlier, summer-time instants; 03:00 is 02:00 UTC in CET"
        );
        assert_eq!(slots.last().unwrap().end, utc(2026, 10, 25, 3, 0), "the last slot ends at 04:00 CET");

        // The first pass through 02:00 to 03:00 is booked.
        let first_pass = booking("ana", utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 1, 0));
        let slots = find(service(30, 0, 0), vec![ana], vec![first_pass], Madrid, search(sunday, sunday, 30));
        assert_eq!(
            clock(&slots),
            ["Sun 01:00", "Sun 01:30", "Sun 03:00", "Sun 03:30"],
            "a booking in the first 02:00 to 03:00 takes the slots that start then"
        );
    }

    #[test]
    fn a_request_is_checked_before_the_rule_runs() {
        let ana = || vec![stylist("ana", every_day(t(10, 0), t(11, 0)))];
        let check = |service: Service, search: SlotSearch| SlotRequest::new(service, ana(), vec![], Santiago, search);
        let march_first = day(2026, 3, 1);
        let cases = [
            (
                check(service(60, 0, 0), search(tuesday(), day(2026, 3, 9), 30)),
                "empty_range",
                "the range ends before it starts",
            ),
            (
                check(service(60, 0, 0), search(march_first, day(2026, 5, 2), 30)),
                "range_too_long",
                "1 March to 2 May is 63 days",
            ),
            (check(service(60, 0, 0), search(tuesday(), tuesday(), 0)), "zero_step", "a zero step never moves on"),
            (check(service(0, 5, 5), search(tuesday(), tuesday(), 30)), "zero_duration", "a service takes some time"),
            (
                check(
                    service(60, 0, 0),
                    SlotSearch { stylist_id: Some("zoe".into()), ..search(tuesday(), tuesday(), 30) },
                ),
                "unknown_stylist",
                "zoe is not among the stylists",
            ),
        ];
        for (result, expected, why) in cases {
            assert_eq!(result.unwrap_err().reason(), expected, "{why}");
        }
        assert!(
            check(service(60, 0, 0), search(march_first, day(2026, 5, 1), 30)).is_ok(),
            "1 March to 1 May is exactly 62 days"
        );
        assert!(check(service(60, 0, 0), search(tuesday(), tuesday(), 30)).is_ok(), "a single day is a range");
    }

    fn slot(stylist_id: &str, h: u32, m: u32) -> Slot {
        let local_start = tuesday().and_time(t(h, m));
        let start = Santiago.from_local_datetime(&local_start).unwrap().with_timezone(&Utc);
        Slot { stylist_id: stylist_id.into(), start, end: start + TimeDelta::minutes(30), local_start }
    }

    #[test]
    fn nearest_free_offers_the_closest_slots_first_and_the_earlier_of_a_tie() {
        let slots =
            [slot("ana", 10, 0), slot("ana", 10, 30), slot("ana", 11, 0), slot("bea", 11, 0), slot("ana", 11, 30)];
        // 10:45 local.
        let wanted = utc(2026, 3, 10, 13, 45);
        assert_eq!(
            who_when(&nearest_free(&slots, wanted, 4)),
            ["ana Tue 10:30", "ana Tue 11:00", "bea Tue 11:00", "ana Tue 10:00"],
            "15 minutes away: 10:30 before 11:00 and ana before bea; then 45 minutes away, 10:00 before 11:30"
        );
        assert_eq!(nearest_free(&slots, wanted, 10).len(), 5, "asking for more than there are gives them all");
        assert!(nearest_free(&slots, wanted, 0).is_empty(), "asking for none gives none");
        assert_eq!(nearest_free(&slots, slots[4].start, 1), [slots[4].clone()], "an exact match is nearest");
        assert!(nearest_free(&[], wanted, 3).is_empty(), "no slots, no alternatives");
    }

    #[test]
    fn schedules_serialize_as_plain_data() {
        let day_off = Exception { date: tuesday(), kind: ExceptionKind::DayOff };
        assert_eq!(serde_json::to_string(&day_off).unwrap(), r#"{"date":"2026-03-10","kind":"day_off"}"#);
        let special = Exception { date: tuesday(), kind: ExceptionKind::Hours { start: t(15, 0), end: t(17, 0) } };
        assert_eq!(
            serde_json::to_string(&special).unwrap(),
            r#"{"date":"2026-03-10","kind":"hours","start":"15:00:00","end":"17:00:00"}"#
        );
        assert_eq!(
            serde_json::to_string(&hours(Tue, t(10, 0), t(12, 0))).unwrap(),
            r#"{"weekday":"Tue","start":"10:00:00","end":"12:00:00"}"#
        );
        let mut ana = stylist("ana", every_day(t(10, 0), t(19, 0)));
        ana.exceptions = vec![day_off, special];
        let json = serde_json::to_string(&ana).unwrap();
        assert_eq!(serde_json::from_str::<Stylist>(&json).unwrap(), ana, "a stylist survives a round trip");
    }

    #[test]
    fn a_service_that_needs_a_room_waits_for_one_of_its_kind() {
        let team = vec![
            stylist("ana", vec![hours(Tue, t(10, 0), t(12, 0))]),
            stylist("bea", vec![hours(Tue, t(10, 0), t(12, 0))]),
        ];
        let fitting = Service { room_kind: Some("probador".into()), ..service(60, 0, 0) };
        let request = |capacity: u32, uses: Vec<RoomUse>| {
            let rooms = vec![RoomCapacity { kind: "probador".into(), capacity }];
            let r = SlotRequest::new(fitting.clone(), team.clone(), vec![], Santiago, search(tuesday(), tuesday(), 30));
            free_slots(&r.unwrap().with_rooms(rooms, uses), long_ago())
        };
        // 10:00–11:00 local (UTC−3) the one fitting room is taken, by another stylist's customer.
        let taken =
            vec![RoomUse { kind: "probador".into(), from: utc(2026, 3, 10, 13, 0), until: utc(2026, 3, 10, 14, 0) }];
        assert_eq!(
            who_when(&request(1, taken.clone())),
            ["ana Tue 11:00", "bea Tue 11:00"],
            "nobody starts while the room is taken; right after it is free again"
        );
        assert_eq!(request(2, taken.clone()).len(), 6, "with two rooms the first use leaves one");
        let two = [
            taken.clone(),
            vec![RoomUse { kind: "probador".into(), from: utc(2026, 3, 10, 13, 30), until: utc(2026, 3, 10, 14, 30) }],
        ]
        .concat();
        assert_eq!(clock(&request(2, two)), ["Tue 11:00", "Tue 11:00"], "both rooms are in use together until 11:00");
        let other_kind =
            vec![RoomUse { kind: "sala".into(), from: utc(2026, 3, 10, 13, 0), until: utc(2026, 3, 10, 15, 0) }];
        assert_eq!(request(1, other_kind).len(), 6, "another kind of room doesn't count");
        assert!(request(0, vec![]).is_empty(), "no room of the kind: never offered");
        let plain = find(service(60, 0, 0), team.clone(), vec![], Santiago, search(tuesday(), tuesday(), 30));
        assert_eq!(plain.len(), 6, "a service without a room kind ignores rooms");
    }
}
