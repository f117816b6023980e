//! Stylist appointments on the device: services, the store's stylists and their
//! day, free slots computed offline with `vitrina_core::slots` from the cache, and
//! bookings, reschedules and status changes made here. Each is shown at once as
//! "pending confirmation" and goes through the outbox; the central, the authority,
//! confirms it or refuses it with the nearest free slots, and a refused change goes
//! back to the central's version.

use crate::outbox::{insert_outbox, next_counter, to_json};
use crate::query::{parse_json, price_in};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;
use vitrina_core::{free_slots, Booking, ExceptionKind, Money, RoomCapacity, RoomUse, SlotRequest, SlotSearch};
use vitrina_protocol::{
    AppointmentRecord, BookAppointment, Command, MutationOutcome, MutationResult, RescheduleAppointment, RoomRecord,
    ServiceRecord, SetAppointmentStatus, StylistRecord,
};

/// Minutes between offered starts: the central's grid, so what is offered here is
/// what the central checks.
pub const SLOT_STEP_MINUTES: u32 = 15;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ServiceView {
    pub id: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub duration_minutes: u32,
    pub price: Option<Money>,
    pub required_specialty: Option<String>,
}

/// A stretch of the store's wall-clock time, `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ClockRange {
    pub start: String,
    pub end: String,
}

/// A stylist's working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StylistDay {
    pub id: String,
    pub name: String,
    pub specialties: Vec<String>,
    /// Working periods that day (none on a day off).
    pub periods: Vec<ClockRange>,
    pub breaks: Vec<ClockRange>,
    pub day_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SlotView {
    pub stylist_id: String,
    pub stylist_name: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// On the store's clock, `YYYY-MM-DDTHH:MM`.
    pub local_start: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AppointmentSync {
    /// Made or changed here; the central has not answered yet.
    Pending,
    Confirmed,
    /// The central refused the last change made here.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppointmentRejection {
    /// slot_taken, not_changeable, invalid, forbidden…
    pub reason: String,
    /// The nearest free slots the central offered.
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppointmentView {
    pub id: String,
    pub stylist_id: String,
    pub stylist_name: String,
    pub service_id: String,
    pub service_es: String,
    pub service_en: String,
    pub customer_id: Option<String>,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// On the store's clock, `YYYY-MM-DDTHH:MM`.
    pub local_start: String,
    pub local_end: String,
    /// booked, checked_in, no_show or cancelled.
    pub status: String,
    /// device or public.
    pub channel: String,
    pub sync: AppointmentSync,
    pub rejection: Option<AppointmentRejection>,
    pub items: Vec<String>,
    /// The items the customer wants to try, and where each is kept for the visit
    /// (empty until the central has answered).
    pub holds: Vec<ItemHoldView>,
}

/// An item kept for an appointment, as the associate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ItemHoldView {
    pub sku: String,
    pub name_es: String,
    pub name_en: String,
    pub color_es: String,
    pub color_en: String,
    pub size: String,
    /// hold (on this store's shelf), transfer (to be sent from `location_name`) or unavailable.
    pub kind: String,
    pub location_name: Option<String>,
}

/// Applies an appointment pulled from the central. While a change made here is
/// unanswered, the device keeps showing it (no flicker back to the older version).
pub(crate) fn apply_pulled(tx: &Transaction<'_>, a: &AppointmentRecord) -> Result<()> {
    let json = to_json(a)?;
    let waiting: bool = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM appointment ap JOIN outbox o ON o.counter = ap.counter
             WHERE ap.id = ?1 AND o.state = 'pending'",
        )?
        .query_row([&a.id], |r| r.get::<_, i64>(0))?
        > 0;
    if waiting {
        tx.prepare_cached("UPDATE appointment SET pulled = ?2 WHERE id = ?1")?.execute(params![a.id, json])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO appointment (id, stylist_id, start, status, record, pulled, counter)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, NULL)
             ON CONFLICT (id) DO UPDATE SET stylist_id = excluded.stylist_id, start = excluded.start,
                 status = excluded.status, record = excluded.record, pulled = excluded.pulled, counter = NULL",
        )?
        .execute(params![a.id, a.stylist_id, a.start, a.status, json])?;
    }
    Ok(())
}

/// The central refused the command `counter`: a changed appointment goes back to
/// the central's version (a booking it never took stays, marked refused).
pub(crate) fn refused(tx: &Transaction<'_>, counter: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE appointment SET record = pulled, stylist_id = json_extract(pulled, '$.stylist_id'),
             start = json_extract(pulled, '$.start'), status = json_extract(pulled, '$.status')
         WHERE counter = ?1 AND pulled IS NOT NULL",
    )?
    .execute([counter])?;
    Ok(())
}

fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

fn clock(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl Store {
    fn store_tz(&self) -> Result<chrono_tz::Tz> {
        Ok(self.home()?.time_zone.parse().unwrap_or(chrono_tz::America::Santiago))
    }

    fn service_records(&self) -> Result<Vec<ServiceRecord>> {
        let mut stmt = self.conn.prepare_cached("SELECT record FROM service ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|raw| parse_json(&raw?)).collect()
    }

    fn stylist_records(&self) -> Result<Vec<StylistRecord>> {
        let mut stmt = self.conn.prepare_cached("SELECT record FROM stylist ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let all: Vec<StylistRecord> = rows.map(|raw| parse_json(&raw?)).collect::<Result<_>>()?;
        Ok(all.into_iter().filter(|s| s.active).collect())
    }

    fn service_record(&self, id: &str) -> Result<ServiceRecord> {
        self.service_records()?.into_iter().find(|s| s.id == id).ok_or(StoreError::NotFound)
    }

    /// The services a stylist can be booked for.
    pub fn services(&self) -> Result<Vec<ServiceView>> {
        let currency = self.home()?.currency;
        Ok(self
            .service_records()?
            .into_iter()
            .map(|s| ServiceView {
                price: price_in(&s.prices, &currency),
                id: s.id,
                name_es: s.name_es,
                name_en: s.name_en,
                description_es: s.description_es,
                description_en: s.description_en,
                duration_minutes: s.duration_minutes,
                required_specialty: s.required_specialty,
            })
            .collect())
    }

    /// Each stylist's working day on the local `date`.
    pub fn stylist_days(&self, date: NaiveDate) -> Result<Vec<StylistDay>> {
        use chrono::Datelike;
        let weekday = date.weekday();
        Ok(self
            .stylist_records()?
            .into_iter()
            .map(|s| {
                let exceptions: Vec<_> = s.exceptions.iter().filter(|e| e.date == date).collect();
                let day_off = exceptions.iter().any(|e| e.kind == ExceptionKind::DayOff);
                let special: Vec<ClockRange> = exceptions
                    .iter()
                    .filter_map(|e| match e.kind {
                        ExceptionKind::Hours { start, end } => {
                            Some(ClockRange { start: clock(start), end: clock(end) })
                        }
                        ExceptionKind::DayOff => None,
                    })
                    .collect();
                let periods = if day_off {
                    Vec::new()
                } else if !special.is_empty() {
                    special
                } else {
                    s.weekly_hours
                        .iter()
                        .filter(|h| h.weekday == weekday)
                        .map(|h| ClockRange { start: clock(h.start), end: clock(h.end) })
                        .collect()
                };
                let breaks = s
                    .breaks
                    .iter()
                    .filter(|h| h.weekday == weekday && !day_off)
                    .map(|h| ClockRange { start: clock(h.start), end: clock(h.end) })
                    .collect();
                StylistDay { id: s.id, name: s.name, specialties: s.specialties, periods, breaks, day_off }
            })
            .collect())
    }

    /// The stylists' busy times as this device knows them (the central's and those
    /// made here), except one appointment (the one being moved).
    fn busy(&self, except: Option<&str>) -> Result<Vec<Booking>> {
        let mut out = Vec::new();
        for view in self.appointment_records()? {
            let (record, sync) = (&view.0, view.1);
            if Some(record.id.as_str()) == except || !record.holds_time() || sync == AppointmentSync::Rejected {
                continue;
            }
            if let (Some(busy_from), Some(busy_until)) = (parse_utc(&record.busy_from), parse_utc(&record.busy_until)) {
                out.push(Booking { stylist_id: record.stylist_id.clone(), busy_from, busy_until });
            }
        }
        Ok(out)
    }

    /// The store's room capacity per kind, and the rooms its appointments take (as
    /// this device knows them), except `except`.
    fn rooms_and_uses(&self, except: Option<&str>) -> Result<(Vec<RoomCapacity>, Vec<RoomUse>)> {
        let rooms: Vec<RoomRecord> = {
            let mut stmt = self.conn.prepare_cached("SELECT record FROM room")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.map(|raw| parse_json(&raw?)).collect::<Result<_>>()?
        };
        let kinds: HashMap<String, String> =
            self.service_records()?.into_iter().filter_map(|s| s.room_kind.map(|k| (s.id, k))).collect();
        let mut uses = Vec::new();
        for (record, sync) in self.appointment_records()? {
            if Some(record.id.as_str()) == except || !record.holds_time() || sync == AppointmentSync::Rejected {
                continue;
            }
            if let (Some(kind), Some(from), Some(until)) =
                (kinds.get(&record.service_id), parse_utc(&record.start), parse_utc(&record.end))
            {
                uses.push(RoomUse { kind: kind.clone(), from, until });
            }
        }
        Ok((rooms.into_iter().map(|r| RoomCapacity { kind: r.kind, capacity: r.capacity }).collect(), uses))
    }

    /// Free slots for a service on the local `date`, for one stylist or any who can
    /// perform it, computed from the cache: offline too. The time of `except` (an
    /// appointment being moved) counts as free.
    pub fn appointment_slots(
        &self,
        service_id: &str,
        date: NaiveDate,
        stylist_id: Option<&str>,
        except: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotView>> {
        self.slots_between(service_id, date, date, stylist_id, except, now)
    }

    fn slots_between(
        &self,
        service_id: &str,
        from: NaiveDate,
        to: NaiveDate,
        stylist_id: Option<&str>,
        except: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotView>> {
        let service = self.service_record(service_id)?;
        let stylists = self.stylist_records()?;
        let names: HashMap<String, String> = stylists.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
        let tz = self.store_tz()?;
        let search = SlotSearch {
            from,
            to,
            stylist_id: stylist_id.map(str::to_owned),
            step_minutes: SLOT_STEP_MINUTES,
            lead_minutes: 0,
        };
        let core: Vec<_> = stylists.iter().map(|s| s.to_core()).collect();
        let Ok(request) = SlotRequest::new(service.to_core(), core, self.busy(except)?, tz, search) else {
            return Ok(Vec::new());
        };
        let (rooms, uses) = self.rooms_and_uses(except)?;
        let request = request.with_rooms(rooms, uses);
        Ok(free_slots(&request, now)
            .into_iter()
            .map(|slot| SlotView {
                stylist_name: names.get(&slot.stylist_id).cloned().unwrap_or_default(),
                stylist_id: slot.stylist_id,
                start: utc_text(slot.start),
                end: utc_text(slot.end),
                local_start: slot.local_start.format("%Y-%m-%dT%H:%M").to_string(),
            })
            .collect())
    }

    /// Appointments between two local dates (both included), by start.
    pub fn appointments(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<AppointmentView>> {
        let tz = self.store_tz()?;
        let start_of = |d: NaiveDate| tz.from_local_datetime(&d.and_time(NaiveTime::MIN)).earliest();
        let (Some(from), Some(until)) = (start_of(from), start_of(to + Duration::days(1))) else {
            return Ok(Vec::new());
        };
        let (from, until) = (utc_text(from.with_timezone(&Utc)), utc_text(until.with_timezone(&Utc)));
        let mut views = Vec::new();
        for (record, sync, counter) in self.appointment_rows()? {
            if record.start.as_str() >= from.as_str() && record.start.as_str() < until.as_str() {
                views.push(self.appointment_view(record, sync, counter)?);
            }
        }
        views.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.stylist_id.cmp(&b.stylist_id)));
        Ok(views)
    }

    /// One appointment.
    pub fn appointment(&self, id: &str) -> Result<AppointmentView> {
        let (record, sync, counter) =
            self.appointment_rows()?.into_iter().find(|(r, _, _)| r.id == id).ok_or(StoreError::NotFound)?;
        self.appointment_view(record, sync, counter)
    }

    fn appointment_records(&self) -> Result<Vec<(AppointmentRecord, AppointmentSync)>> {
        Ok(self.appointment_rows()?.into_iter().map(|(r, s, _)| (r, s)).collect())
    }

    fn appointment_rows(&self) -> Result<Vec<(AppointmentRecord, AppointmentSync, Option<i64>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ap.record, ap.counter, o.state FROM appointment ap LEFT JOIN outbox o ON o.counter = ap.counter",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (raw, counter, state) = row?;
            let sync = match state.as_deref() {
                Some("pending") => AppointmentSync::Pending,
                Some("rejected") => AppointmentSync::Rejected,
                _ => AppointmentSync::Confirmed,
            };
            out.push((parse_json(&raw)?, sync, counter));
        }
        Ok(out)
    }

    fn appointment_view(
        &self,
        record: AppointmentRecord,
        sync: AppointmentSync,
        counter: Option<i64>,
    ) -> Result<AppointmentView> {
        let tz = self.store_tz()?;
        let local = |t: &str| {
            parse_utc(t).map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
        };
        let stylists = self.stylist_records()?;
        let stylist_name =
            stylists.iter().find(|s| s.id == record.stylist_id).map(|s| s.name.clone()).unwrap_or_default();
        let service = self.service_records()?.into_iter().find(|s| s.id == record.service_id);
        let rejection = match (sync, counter) {
            (AppointmentSync::Rejected, Some(counter)) => {
                self.mutation_result(counter)?.and_then(|r| self.rejection(&r))
            }
            _ => None,
        };
        let currency = self.home()?.currency;
        let mut holds = Vec::new();
        for hold in &record.holds {
            let Ok(item) = self.variant_item(&hold.sku, &currency) else { continue };
            let location_name = hold.location_id.as_deref().map(|l| self.location_name(l)).transpose()?;
            holds.push(ItemHoldView {
                sku: hold.sku.clone(),
                name_es: item.name_es,
                name_en: item.name_en,
                color_es: item.color.name_es,
                color_en: item.color.name_en,
                size: item.size,
                kind: hold.kind.clone(),
                location_name,
            });
        }
        Ok(AppointmentView {
            holds,
            local_start: local(&record.start),
            local_end: local(&record.end),
            stylist_name,
            service_es: service.as_ref().map(|s| s.name_es.clone()).unwrap_or_default(),
            service_en: service.as_ref().map(|s| s.name_en.clone()).unwrap_or_default(),
            id: record.id,
            stylist_id: record.stylist_id,
            service_id: record.service_id,
            customer_id: record.customer_id,
            customer_name: record.customer_name,
            customer_phone: record.customer_phone,
            start: record.start,
            end: record.end,
            status: record.status,
            channel: record.channel,
            sync,
            rejection,
            items: record.items,
        })
    }

    fn rejection(&self, result: &MutationResult) -> Option<AppointmentRejection> {
        let MutationOutcome::Rejected { rejection, slots, .. } = &result.outcome else {
            return None;
        };
        let reason = serde_json::to_value(rejection)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "invalid".into());
        let tz = self.store_tz().ok()?;
        let stylists = self.stylist_records().ok()?;
        let service = result_service(self, result);
        let slots = slots
            .iter()
            .filter_map(|offer| {
                let start = parse_utc(&offer.start)?;
                let minutes = service.as_ref().map_or(60, |s| i64::from(s.duration_minutes));
                Some(SlotView {
                    stylist_name: stylists.iter().find(|s| s.id == offer.stylist_id).map(|s| s.name.clone())?,
                    stylist_id: offer.stylist_id.clone(),
                    start: utc_text(start),
                    end: utc_text(start + Duration::minutes(minutes)),
                    local_start: start.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
                })
            })
            .collect();
        Some(AppointmentRejection { reason, slots })
    }

    /// Books a stylist for one of the store's customers: shown at once, pending
    /// until the central confirms it. Refused here when the cache already shows the
    /// slot taken.
    #[allow(clippy::too_many_arguments)]
    pub fn book_appointment(
        &mut self,
        customer_id: &str,
        service_id: &str,
        stylist_id: &str,
        start: &str,
        items: Vec<String>,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<AppointmentView, &'static str>> {
        let Some(start_at) = parse_utc(start) else { return Ok(Err("start")) };
        let service = self.service_record(service_id)?;
        let customer: Option<(String, Option<String>, Option<String>)> = self
            .conn
            .query_row("SELECT name, phone, email FROM customer WHERE id = ?1", [customer_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((name, phone, email)) = customer else { return Ok(Err("customer_id")) };
        if !self.slot_is_free(&service, stylist_id, start_at, None, now)? {
            return Ok(Err("slot_taken"));
        }
        let id = uuid::Uuid::now_v7().to_string();
        let record = AppointmentRecord {
            id: id.clone(),
            store_id: self.home()?.id,
            stylist_id: stylist_id.to_owned(),
            service_id: service.id.clone(),
            customer_id: Some(customer_id.to_owned()),
            customer_name: name,
            customer_phone: phone,
            customer_email: email,
            start: utc_text(start_at),
            end: utc_text(start_at + Duration::minutes(i64::from(service.duration_minutes))),
            busy_from: utc_text(start_at - Duration::minutes(i64::from(service.buffer_before_minutes))),
            busy_until: utc_text(
                start_at + Duration::minutes(i64::from(service.duration_minutes + service.buffer_after_minutes)),
            ),
            status: "booked".into(),
            channel: "device".into(),
            items: items.clone(),
            created_at: utc_text(now),
            holds: Vec::new(),
        };
        let command = Command::BookAppointment(BookAppointment {
            appointment_id: id.clone(),
            stylist_id: stylist_id.to_owned(),
            service_id: service.id,
            start: record.start.clone(),
            customer_id: customer_id.to_owned(),
            items,
        });
        self.save_local(&record, None, &command, now)?;
        Ok(Ok(self.appointment(&id)?))
    }

    /// Moves an appointment to `start` with `stylist_id`. A booking the central
    /// refused is booked again at the new time (same id).
    pub fn reschedule_appointment(
        &mut self,
        appointment_id: &str,
        stylist_id: &str,
        start: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<AppointmentView, &'static str>> {
        let Some(start_at) = parse_utc(start) else { return Ok(Err("start")) };
        let (mut record, sync, _) = self
            .appointment_rows()?
            .into_iter()
            .find(|(r, _, _)| r.id == appointment_id)
            .ok_or(StoreError::NotFound)?;
        if record.status != "booked" {
            return Ok(Err("not_changeable"));
        }
        let service = self.service_record(&record.service_id)?;
        if !self.slot_is_free(&service, stylist_id, start_at, Some(appointment_id), now)? {
            return Ok(Err("slot_taken"));
        }
        let pulled: Option<String> =
            self.conn.query_row("SELECT pulled FROM appointment WHERE id = ?1", [appointment_id], |r| r.get(0))?;
        record.stylist_id = stylist_id.to_owned();
        record.start = utc_text(start_at);
        record.end = utc_text(start_at + Duration::minutes(i64::from(service.duration_minutes)));
        record.busy_from = utc_text(start_at - Duration::minutes(i64::from(service.buffer_before_minutes)));
        record.busy_until =
            utc_text(start_at + Duration::minutes(i64::from(service.duration_minutes + service.buffer_after_minutes)));
        let command = if pulled.is_none() && sync == AppointmentSync::Rejected {
            Command::BookAppointment(BookAppointment {
                appointment_id: record.id.clone(),
                stylist_id: record.stylist_id.clone(),
                service_id: record.service_id.clone(),
                start: record.start.clone(),
                customer_id: record.customer_id.clone().unwrap_or_default(),
                items: record.items.clone(),
            })
        } else {
            Command::RescheduleAppointment(RescheduleAppointment {
                appointment_id: record.id.clone(),
                stylist_id: record.stylist_id.clone(),
                start: record.start.clone(),
            })
        };
        self.save_local(&record, pulled, &command, now)?;
        Ok(Ok(self.appointment(appointment_id)?))
    }

    /// Checks in, marks a no-show, or cancels. Cancelling a booking the central
    /// never took just forgets it here.
    pub fn set_appointment_status(
        &mut self,
        appointment_id: &str,
        status: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Option<AppointmentView>, &'static str>> {
        if !matches!(status, "checked_in" | "no_show" | "cancelled") {
            return Ok(Err("status"));
        }
        let (mut record, sync, _) = self
            .appointment_rows()?
            .into_iter()
            .find(|(r, _, _)| r.id == appointment_id)
            .ok_or(StoreError::NotFound)?;
        let pulled: Option<String> =
            self.conn.query_row("SELECT pulled FROM appointment WHERE id = ?1", [appointment_id], |r| r.get(0))?;
        if pulled.is_none() && sync == AppointmentSync::Rejected && status == "cancelled" {
            self.conn.execute("DELETE FROM appointment WHERE id = ?1", [appointment_id])?;
            return Ok(Ok(None));
        }
        if record.status != "booked" {
            return Ok(Err("not_changeable"));
        }
        record.status = status.to_owned();
        let command = Command::SetAppointmentStatus(SetAppointmentStatus {
            appointment_id: appointment_id.to_owned(),
            status: status.to_owned(),
        });
        self.save_local(&record, pulled, &command, now)?;
        Ok(Ok(Some(self.appointment(appointment_id)?)))
    }

    fn slot_is_free(
        &self,
        service: &ServiceRecord,
        stylist_id: &str,
        start: DateTime<Utc>,
        except: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let day = start.with_timezone(&self.store_tz()?).date_naive();
        let slots = self.slots_between(&service.id, day, day, Some(stylist_id), except, now)?;
        Ok(slots.iter().any(|s| parse_utc(&s.start) == Some(start)))
    }

    /// Saves the device's version of an appointment with its command, in one transaction.
    fn save_local(
        &mut self,
        record: &AppointmentRecord,
        pulled: Option<String>,
        command: &Command,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(&tx, counter, self.acting.as_deref(), command, &crate::rfc3339(now))?;
        tx.execute(
            "INSERT INTO appointment (id, stylist_id, start, status, record, pulled, counter)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET stylist_id = excluded.stylist_id, start = excluded.start,
                 status = excluded.status, record = excluded.record, counter = excluded.counter",
            params![record.id, record.stylist_id, record.start, record.status, to_json(record)?, pulled, counter],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The service of the appointment a refused command was about, for slot lengths.
fn result_service(store: &Store, result: &MutationResult) -> Option<ServiceRecord> {
    let service_id: Option<String> = store
        .conn
        .query_row(
            "SELECT json_extract(record, '$.service_id') FROM appointment WHERE counter = ?1",
            [result.counter],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten();
    store.service_record(&service_id?).ok()
}

/// A weekday's stretch of time, on the store's clock (`HH:MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct ClockDay {
    /// Mon, Tue, Wed, Thu, Fri, Sat or Sun.
    pub weekday: String,
    pub start: String,
    pub end: String,
}

/// A date that differs from the weekly hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct ScheduleException {
    /// `YYYY-MM-DD`, the store's date.
    pub date: String,
    /// day_off, or hours (then `start` and `end`, `HH:MM`).
    pub kind: String,
    pub start: Option<String>,
    pub end: Option<String>,
}

/// A stylist's schedule, as a manager edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StylistSchedule {
    pub stylist_id: String,
    pub name: String,
    pub weekly_hours: Vec<ClockDay>,
    pub breaks: Vec<ClockDay>,
    pub exceptions: Vec<ScheduleException>,
    /// A change made here has not reached the central yet.
    pub pending: bool,
}

/// A schedule as the manager submits it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, TS)]
#[ts(export)]
pub struct ScheduleInput {
    pub weekly_hours: Vec<ClockDay>,
    pub breaks: Vec<ClockDay>,
    pub exceptions: Vec<ScheduleException>,
}

/// Why a schedule change was not queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleRefused {
    /// The PIN did not pass (wrong, or entry locked).
    Pin(crate::PinCheck),
    /// A correct PIN, but not a manager's.
    NotManager,
    /// A malformed field: (field, reason).
    Invalid(&'static str, &'static str),
}

fn parse_clock(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

fn to_hours(days: &[ClockDay]) -> Option<Vec<vitrina_core::WorkingHours>> {
    days.iter()
        .map(|d| {
            let (start, end) = (parse_clock(&d.start)?, parse_clock(&d.end)?);
            (start < end).then_some(vitrina_core::WorkingHours { weekday: d.weekday.parse().ok()?, start, end })
        })
        .collect()
}

fn to_exceptions(list: &[ScheduleException]) -> Option<Vec<vitrina_core::Exception>> {
    list.iter()
        .map(|e| {
            let date = NaiveDate::parse_from_str(&e.date, "%Y-%m-%d").ok()?;
            let kind = match e.kind.as_str() {
                "day_off" => ExceptionKind::DayOff,
                "hours" => {
                    let (start, end) = (parse_clock(e.start.as_deref()?)?, parse_clock(e.end.as_deref()?)?);
                    if start >= end {
                        return None;
                    }
                    ExceptionKind::Hours { start, end }
                }
                _ => return None,
            };
            Some(vitrina_core::Exception { date, kind })
        })
        .collect()
}

fn clock_days(hours: &[vitrina_core::WorkingHours]) -> Vec<ClockDay> {
    hours
        .iter()
        .map(|h| ClockDay { weekday: h.weekday.to_string(), start: clock(h.start), end: clock(h.end) })
        .collect()
}

impl Store {
    /// A stylist's schedule for a manager to edit.
    pub fn stylist_schedule(&self, stylist_id: &str) -> Result<StylistSchedule> {
        let stylist = self.stylist_records()?.into_iter().find(|s| s.id == stylist_id).ok_or(StoreError::NotFound)?;
        let pending: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending'
               AND json_extract(command, '$.command') = 'set_stylist_schedule'
               AND json_extract(command, '$.stylist_id') = ?1",
            [stylist_id],
            |r| r.get(0),
        )?;
        let mut exceptions: Vec<ScheduleException> = stylist
            .exceptions
            .iter()
            .map(|e| match e.kind {
                ExceptionKind::DayOff => {
                    ScheduleException { date: e.date.to_string(), kind: "day_off".into(), start: None, end: None }
                }
                ExceptionKind::Hours { start, end } => ScheduleException {
                    date: e.date.to_string(),
                    kind: "hours".into(),
                    start: Some(clock(start)),
                    end: Some(clock(end)),
                },
            })
            .collect();
        exceptions.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(StylistSchedule {
            stylist_id: stylist.id,
            name: stylist.name,
            weekly_hours: clock_days(&stylist.weekly_hours),
            breaks: clock_days(&stylist.breaks),
            exceptions,
            pending: pending > 0,
        })
    }

    /// A manager changes a stylist's schedule: their PIN is checked here (with the
    /// back-off), then the change is queued for the central, which checks the role
    /// again. The agenda shows it once the central has taken it.
    pub fn set_stylist_schedule(
        &mut self,
        pin: &str,
        stylist_id: &str,
        input: &ScheduleInput,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<StylistSchedule, ScheduleRefused>> {
        let (Some(weekly_hours), Some(breaks)) = (to_hours(&input.weekly_hours), to_hours(&input.breaks)) else {
            return Ok(Err(ScheduleRefused::Invalid("weekly_hours", "order")));
        };
        let Some(exceptions) = to_exceptions(&input.exceptions) else {
            return Ok(Err(ScheduleRefused::Invalid("exceptions", "order")));
        };
        self.stylist_schedule(stylist_id)?;
        let manager = match self.check_pin(pin, now)? {
            crate::PinCheck::Accepted { associate_id, role, .. } if role == "manager" => associate_id,
            crate::PinCheck::Accepted { .. } => return Ok(Err(ScheduleRefused::NotManager)),
            other => return Ok(Err(ScheduleRefused::Pin(other))),
        };
        let command = Command::SetStylistSchedule(vitrina_protocol::SetStylistSchedule {
            stylist_id: stylist_id.to_owned(),
            by_associate_id: manager,
            weekly_hours,
            breaks,
            exceptions,
        });
        let tx = self.conn.transaction()?;
        let counter = next_counter(&tx)?;
        insert_outbox(&tx, counter, self.acting.as_deref(), &command, &crate::rfc3339(now))?;
        tx.commit()?;
        Ok(Ok(self.stylist_schedule(stylist_id)?))
    }
}
