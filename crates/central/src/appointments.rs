//! Stylist appointments at the central, the authority on them. A booking (from a
//! device or the public booking page) is taken only when the slot rule of
//! `vitrina_core::slots`, run on the central's own data inside the writing
//! transaction, still offers that start for that stylist. SQLite serializes write
//! transactions, so two bookings of one slot can never both pass the check; a
//! refused booking comes back with the nearest free slots.

use crate::error::CentralError;
use crate::sql::{params, Connection, OptionalExtension};
use crate::storage::{self, record_upsert, Result};
use chrono::{DateTime, Duration, Utc};
use vitrina_core::{free_slots, nearest_free, Booking, SlotRequest, SlotSearch};
use vitrina_protocol::*;

/// Minutes between the starts the slot rule offers.
pub const SLOT_STEP_MINUTES: u32 = 15;
/// How many free slots a refused booking offers instead.
pub const ALTERNATIVES: usize = 3;
/// Days after the wanted one searched for alternatives.
const ALTERNATIVE_DAYS: i64 = 6;

/// Times as the central stores and compares them: RFC 3339, UTC, whole seconds.
pub fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

pub fn service(conn: &Connection, id: &str) -> Result<Option<ServiceRecord>> {
    record_of(conn, "SELECT record FROM service WHERE id = ?1", id)
}

pub fn stylist(conn: &Connection, id: &str) -> Result<Option<StylistRecord>> {
    record_of(conn, "SELECT record FROM stylist WHERE id = ?1", id)
}

pub fn appointment(conn: &Connection, id: &str) -> Result<Option<AppointmentRecord>> {
    record_of(conn, "SELECT record FROM appointment WHERE id = ?1", id)
}

fn record_of<T: serde::de::DeserializeOwned>(conn: &Connection, sql: &str, id: &str) -> Result<Option<T>> {
    let raw: Option<String> = conn.prepare_cached(sql)?.query_row([id], |r| r.get(0)).optional()?;
    Ok(raw.map(|r| serde_json::from_str(&r)).transpose()?)
}

/// The active stylists of a store.
pub fn stylists_of(conn: &Connection, store_id: &str) -> Result<Vec<StylistRecord>> {
    let mut stmt = conn.prepare_cached("SELECT record FROM stylist WHERE store_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([store_id], |r| r.get::<_, String>(0))?;
    let mut stylists = Vec::new();
    for raw in rows {
        let stylist: StylistRecord = serde_json::from_str(&raw?)?;
        if stylist.active {
            stylists.push(stylist);
        }
    }
    Ok(stylists)
}

/// Adds or replaces a room and publishes it to the store's devices.
pub fn upsert_room(conn: &Connection, room: &RoomRecord) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO room (id, store_id, record) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, record = excluded.record",
    )?
    .execute(params![room.id, room.store_id, serde_json::to_string(room)?])?;
    record_upsert(conn, &store_scope(&room.store_id), &Record::Room(Box::new(room.clone())))
}

/// The store's room capacity per kind, and the rooms its appointments take between
/// `from` and `until` (except `except`, the appointment being moved).
pub fn rooms_and_uses(
    conn: &Connection,
    store_id: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    except: Option<&str>,
) -> Result<(Vec<vitrina_core::RoomCapacity>, Vec<vitrina_core::RoomUse>)> {
    let mut rooms = Vec::new();
    {
        let mut stmt = conn.prepare_cached("SELECT record FROM room WHERE store_id = ?1")?;
        for raw in stmt.query_map([store_id], |r| r.get::<_, String>(0))? {
            let room: RoomRecord = serde_json::from_str(&raw?)?;
            rooms.push(vitrina_core::RoomCapacity { kind: room.kind, capacity: room.capacity });
        }
    }
    let mut kinds = std::collections::HashMap::new();
    {
        let mut stmt = conn.prepare_cached("SELECT record FROM service")?;
        for raw in stmt.query_map((), |r| r.get::<_, String>(0))? {
            let service: ServiceRecord = serde_json::from_str(&raw?)?;
            if let Some(kind) = service.room_kind {
                kinds.insert(service.id, kind);
            }
        }
    }
    let mut uses = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT record FROM appointment
         WHERE store_id = ?1 AND status IN ('booked', 'checked_in') AND busy_until > ?2 AND busy_from < ?3",
    )?;
    for raw in stmt.query_map(params![store_id, utc_text(from), utc_text(until)], |r| r.get::<_, String>(0))? {
        let a: AppointmentRecord = serde_json::from_str(&raw?)?;
        if Some(a.id.as_str()) == except {
            continue;
        }
        if let (Some(kind), Some(from), Some(until)) =
            (kinds.get(&a.service_id), parse_time(&a.start), parse_time(&a.end))
        {
            uses.push(vitrina_core::RoomUse { kind: kind.clone(), from, until });
        }
    }
    Ok((rooms, uses))
}

/// Adds or replaces a service and publishes it in the catalog.
pub fn upsert_service(conn: &Connection, service: &ServiceRecord) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO service (id, record, position) VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM service))
         ON CONFLICT (id) DO UPDATE SET record = excluded.record",
    )?
    .execute(params![service.id, serde_json::to_string(service)?])?;
    record_upsert(conn, CATALOG_SCOPE, &Record::Service(Box::new(service.clone())))
}

/// Adds or replaces a stylist and publishes it to the store's devices.
pub fn upsert_stylist(conn: &Connection, stylist: &StylistRecord) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO stylist (id, store_id, record) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET store_id = excluded.store_id, record = excluded.record",
    )?
    .execute(params![stylist.id, stylist.store_id, serde_json::to_string(stylist)?])?;
    record_upsert(conn, &store_scope(&stylist.store_id), &Record::Stylist(Box::new(stylist.clone())))
}

/// The store's bookings that take stylists' time between `from` and `until`,
/// except `except` (the appointment being moved). A slot held on the public booking
/// page and not expired at `now` (nor confirmed yet: then its appointment counts)
/// takes the stylist's time like a booking, so neither the page nor a device can
/// book it meanwhile.
pub fn bookings(
    conn: &Connection,
    store_id: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, stylist_id, busy_from, busy_until FROM appointment
         WHERE store_id = ?1 AND status IN ('booked', 'checked_in') AND busy_until > ?2 AND busy_from < ?3
         UNION ALL
         SELECT id, stylist_id, busy_from, busy_until FROM slot_hold
         WHERE store_id = ?1 AND appointment_id IS NULL AND expires_at > ?4 AND busy_until > ?2 AND busy_from < ?3",
    )?;
    let rows = stmt.query_map(params![store_id, utc_text(from), utc_text(until), utc_text(now)], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, stylist_id, busy_from, busy_until) = row?;
        if Some(id.as_str()) == except {
            continue;
        }
        let (Some(busy_from), Some(busy_until)) = (parse_time(&busy_from), parse_time(&busy_until)) else {
            return Err(CentralError::Internal(anyhow::anyhow!("appointment {id} has a malformed time")));
        };
        out.push(Booking { stylist_id, busy_from, busy_until });
    }
    Ok(out)
}

/// Whether `stylist` is free for `service` at `start`, by the slot rule on the
/// central's data; if not, the nearest free slots of the store's stylists who can
/// perform the service.
pub fn check_slot(
    conn: &Connection,
    store: &LocationRecord,
    stylist: &StylistRecord,
    service: &ServiceRecord,
    start: DateTime<Utc>,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), Vec<SlotOffer>>> {
    let tz: chrono_tz::Tz = store.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local_day = start.with_timezone(&tz).date_naive();
    let stylists: Vec<vitrina_core::Stylist> = stylists_of(conn, &store.id)?.iter().map(|s| s.to_core()).collect();
    let window_from = start - Duration::days(2);
    let window_until = start + Duration::days(ALTERNATIVE_DAYS + 2);
    let busy = bookings(conn, &store.id, window_from, window_until, except, now)?;
    let search = |stylist_id: Option<String>, days: i64| SlotSearch {
        from: local_day,
        to: local_day + Duration::days(days),
        stylist_id,
        step_minutes: SLOT_STEP_MINUTES,
        lead_minutes: 0,
    };
    let (rooms, uses) = rooms_and_uses(conn, &store.id, window_from, window_until, except)?;
    let request =
        SlotRequest::new(service.to_core(), stylists.clone(), busy.clone(), tz, search(Some(stylist.id.clone()), 0))
            .map(|r| r.with_rooms(rooms.clone(), uses.clone()));
    let free = match request {
        Ok(request) => free_slots(&request, now),
        Err(_) => Vec::new(), // e.g. the stylist left: nothing is free with them
    };
    if free.iter().any(|slot| slot.stylist_id == stylist.id && slot.start == start) {
        return Ok(Ok(()));
    }
    let everyone = SlotRequest::new(service.to_core(), stylists, busy, tz, search(None, ALTERNATIVE_DAYS))
        .map(|request| free_slots(&request.with_rooms(rooms, uses), now))
        .unwrap_or_default();
    let offers = nearest_free(&everyone, start, ALTERNATIVES)
        .into_iter()
        .map(|slot| SlotOffer { stylist_id: slot.stylist_id, start: utc_text(slot.start) })
        .collect();
    Ok(Err(offers))
}

/// Why a booking was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Invalid { field: &'static str, detail: &'static str },
    Forbidden,
    SlotTaken(Vec<SlotOffer>),
    NotChangeable,
}

/// Who is booking: a device of the store (for one of its customers) or the public
/// booking page (with the customer's own contact).
pub enum Booker<'a> {
    Device { customer_id: &'a str },
    Public { name: &'a str, phone: Option<&'a str>, email: Option<&'a str> },
}

/// Books `stylist_id` for `service_id` at `start` in `store`, in the caller's
/// transaction. Answers the scope and seq where the appointment was recorded.
#[allow(clippy::too_many_arguments)]
pub fn book(
    conn: &Connection,
    store: &LocationRecord,
    appointment_id: &str,
    stylist_id: &str,
    service_id: &str,
    start: &str,
    booker: Booker<'_>,
    items: &[String],
) -> Result<std::result::Result<ScopeCursor, Refused>> {
    if appointment(conn, appointment_id)?.is_some() {
        // The same booking sent again (a retry with a new counter): already made.
        return Ok(Err(Refused::Invalid { field: "appointment_id", detail: "exists" }));
    }
    if items.len() > 20 {
        return Ok(Err(Refused::Invalid { field: "items", detail: "count" }));
    }
    for sku in items {
        let known: i64 =
            conn.prepare_cached("SELECT COUNT(*) FROM variant WHERE sku = ?1")?.query_row([sku], |r| r.get(0))?;
        if known == 0 {
            return Ok(Err(Refused::Invalid { field: "items", detail: "unknown_sku" }));
        }
    }
    let Some(start) = parse_time(start) else {
        return Ok(Err(Refused::Invalid { field: "start", detail: "format" }));
    };
    let Some(service) = service(conn, service_id)? else {
        return Ok(Err(Refused::Invalid { field: "service_id", detail: "unknown" }));
    };
    let Some(stylist) = stylist(conn, stylist_id)? else {
        return Ok(Err(Refused::Invalid { field: "stylist_id", detail: "unknown" }));
    };
    if stylist.store_id != store.id {
        return Ok(Err(Refused::Forbidden));
    }
    let (customer_id, name, phone, email) = match booker {
        Booker::Device { customer_id } => {
            let Some(customer) = crate::push::customer_record(conn, customer_id)? else {
                return Ok(Err(Refused::Invalid { field: "customer_id", detail: "unknown" }));
            };
            if customer.store_id != store.id {
                return Ok(Err(Refused::Forbidden));
            }
            (Some(customer.id), customer.name, customer.phone, customer.email)
        }
        Booker::Public { name, phone, email } => {
            (None, name.to_owned(), phone.map(str::to_owned), email.map(str::to_owned))
        }
    };
    if let Err(offers) = check_slot(conn, store, &stylist, &service, start, None, storage::now())? {
        return Ok(Err(Refused::SlotTaken(offers)));
    }
    let end = start + Duration::minutes(i64::from(service.duration_minutes));
    let record = AppointmentRecord {
        id: appointment_id.to_owned(),
        store_id: store.id.clone(),
        stylist_id: stylist.id.clone(),
        service_id: service.id.clone(),
        customer_id,
        customer_name: name,
        customer_phone: phone,
        customer_email: email,
        start: utc_text(start),
        end: utc_text(end),
        busy_from: utc_text(start - Duration::minutes(i64::from(service.buffer_before_minutes))),
        busy_until: utc_text(end + Duration::minutes(i64::from(service.buffer_after_minutes))),
        status: "booked".into(),
        channel: if matches!(booker, Booker::Device { .. }) { "device" } else { "public" }.into(),
        items: items.to_vec(),
        created_at: utc_text(storage::now()),
        holds: keep_items(conn, store, items)?,
    };
    Ok(Ok(save(conn, &record, true)?))
}

/// Keeps one unit of each item for the visit: on the store's shelf when it has one
/// to promise, else reserved where the sourcing rule for a pick-up at the store takes
/// it from (to be sent over), else noted as unavailable. Stock changes are published.
fn keep_items(conn: &Connection, store: &LocationRecord, items: &[String]) -> Result<Vec<ItemHold>> {
    use vitrina_core::sourcing::{choose_source, Candidate, Fulfilment, RequestingStore, SourcingRequest};
    use vitrina_core::Coordinates;
    let mut holds = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for sku in items.iter().filter(|s| seen.insert(s.as_str())) {
        let publish = |stock: StockRecord| -> Result<()> {
            record_upsert(conn, &inventory_scope(&stock.location_id), &Record::Stock(stock))?;
            Ok(())
        };
        if let Some(stock) = crate::push::reserve(conn, sku, &store.id, 1)? {
            publish(stock)?;
            holds.push(ItemHold { sku: sku.clone(), kind: "hold".into(), location_id: Some(store.id.clone()) });
            continue;
        }
        let mut candidates = Vec::new();
        for a in storage::availability(conn, store, sku)?.locations.into_iter().filter(|a| a.location_id != store.id) {
            if let Some(l) = storage::location(conn, &a.location_id)? {
                let coordinates = Coordinates { lat: l.lat, lon: l.lon };
                candidates.push(Candidate { location_id: l.id, kind: l.kind, coordinates, atp: a.atp });
            }
        }
        let requesting =
            RequestingStore { store_id: store.id.clone(), coordinates: Coordinates { lat: store.lat, lon: store.lon } };
        let pick_up = Fulfilment::PickUpAt { store_id: store.id.clone() };
        let source = SourcingRequest::new(requesting, pick_up, 1, candidates).ok().and_then(|r| choose_source(&r));
        let reserved = match source {
            Some(choice) => crate::push::reserve(conn, sku, &choice.location_id, 1)?,
            None => None,
        };
        match reserved {
            Some(stock) => {
                let location = stock.location_id.clone();
                publish(stock)?;
                holds.push(ItemHold { sku: sku.clone(), kind: "transfer".into(), location_id: Some(location) });
            }
            None => holds.push(ItemHold { sku: sku.clone(), kind: "unavailable".into(), location_id: None }),
        }
    }
    Ok(holds)
}

/// Moves an appointment to another start (and perhaps stylist); still one appointment.
pub fn reschedule(
    conn: &Connection,
    store: &LocationRecord,
    change: &RescheduleAppointment,
) -> Result<std::result::Result<ScopeCursor, Refused>> {
    let Some(mut record) = appointment(conn, &change.appointment_id)? else {
        return Ok(Err(Refused::Invalid { field: "appointment_id", detail: "unknown" }));
    };
    if record.store_id != store.id {
        return Ok(Err(Refused::Forbidden));
    }
    if record.status != "booked" {
        return Ok(Err(Refused::NotChangeable));
    }
    let Some(start) = parse_time(&change.start) else {
        return Ok(Err(Refused::Invalid { field: "start", detail: "format" }));
    };
    let Some(stylist) = stylist(conn, &change.stylist_id)? else {
        return Ok(Err(Refused::Invalid { field: "stylist_id", detail: "unknown" }));
    };
    if stylist.store_id != store.id {
        return Ok(Err(Refused::Forbidden));
    }
    let service = service(conn, &record.service_id)?
        .ok_or_else(|| CentralError::Internal(anyhow::anyhow!("service {} vanished", record.service_id)))?;
    if let Err(offers) = check_slot(conn, store, &stylist, &service, start, Some(&record.id), storage::now())? {
        return Ok(Err(Refused::SlotTaken(offers)));
    }
    let end = start + Duration::minutes(i64::from(service.duration_minutes));
    record.stylist_id = stylist.id;
    record.start = utc_text(start);
    record.end = utc_text(end);
    record.busy_from = utc_text(start - Duration::minutes(i64::from(service.buffer_before_minutes)));
    record.busy_until = utc_text(end + Duration::minutes(i64::from(service.buffer_after_minutes)));
    Ok(Ok(save(conn, &record, false)?))
}

/// Checks in, marks a no-show or cancels.
pub fn set_status(
    conn: &Connection,
    store: &LocationRecord,
    change: &SetAppointmentStatus,
) -> Result<std::result::Result<ScopeCursor, Refused>> {
    if !matches!(change.status.as_str(), "checked_in" | "no_show" | "cancelled") {
        return Ok(Err(Refused::Invalid { field: "status", detail: "unknown" }));
    }
    let Some(mut record) = appointment(conn, &change.appointment_id)? else {
        return Ok(Err(Refused::Invalid { field: "appointment_id", detail: "unknown" }));
    };
    if record.store_id != store.id {
        return Ok(Err(Refused::Forbidden));
    }
    if record.status == change.status {
        return Ok(Ok(ScopeCursor { scope: store_scope(&store.id), after: 0 }));
    }
    let allowed = match (record.status.as_str(), change.status.as_str()) {
        ("booked", _) => true,
        ("checked_in", "cancelled") => false,
        ("checked_in", _) => false,
        _ => false,
    };
    if !allowed {
        return Ok(Err(Refused::NotChangeable));
    }
    // The customer is here, or won't come: the units kept for the visit go back.
    for hold in record.holds.iter().filter(|h| h.kind != "unavailable") {
        if let Some(location) = &hold.location_id {
            crate::push::adjust_stock(conn, &hold.sku, location, 0, -1)?;
        }
    }
    record.holds.clear();
    record.status = change.status.clone();
    Ok(Ok(save(conn, &record, false)?))
}

fn save(conn: &Connection, record: &AppointmentRecord, insert: bool) -> Result<ScopeCursor> {
    let json = serde_json::to_string(record)?;
    if insert {
        conn.prepare_cached(
            "INSERT INTO appointment (id, store_id, stylist_id, busy_from, busy_until, status, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            record.id,
            record.store_id,
            record.stylist_id,
            record.busy_from,
            record.busy_until,
            record.status,
            json
        ])?;
    } else {
        conn.prepare_cached(
            "UPDATE appointment SET stylist_id = ?2, busy_from = ?3, busy_until = ?4, status = ?5, record = ?6
             WHERE id = ?1",
        )?
        .execute(params![
            record.id,
            record.stylist_id,
            record.busy_from,
            record.busy_until,
            record.status,
            json
        ])?;
    }
    let scope = store_scope(&record.store_id);
    let seq = record_upsert(conn, &scope, &Record::Appointment(Box::new(record.clone())))?;
    Ok(ScopeCursor { scope, after: seq })
}

/// A manager's change to a stylist's schedule. Existing appointments stay; the
/// agenda shows any that now fall outside the hours.
pub fn set_schedule(
    conn: &Connection,
    store: &LocationRecord,
    change: &SetStylistSchedule,
) -> Result<std::result::Result<ScopeCursor, Refused>> {
    let Some(mut stylist) = stylist(conn, &change.stylist_id)? else {
        return Ok(Err(Refused::Invalid { field: "stylist_id", detail: "unknown" }));
    };
    if stylist.store_id != store.id {
        return Ok(Err(Refused::Forbidden));
    }
    if !crate::associates::is_manager(conn, &store.id, &change.by_associate_id)? {
        return Ok(Err(Refused::Forbidden));
    }
    let ordered = |hours: &[vitrina_core::WorkingHours]| hours.iter().all(|h| h.start < h.end);
    if !ordered(&change.weekly_hours) || !ordered(&change.breaks) {
        return Ok(Err(Refused::Invalid { field: "weekly_hours", detail: "order" }));
    }
    let exceptions_ordered = change.exceptions.iter().all(|e| match e.kind {
        vitrina_core::ExceptionKind::Hours { start, end } => start < end,
        vitrina_core::ExceptionKind::DayOff => true,
    });
    if !exceptions_ordered || change.exceptions.len() > 366 {
        return Ok(Err(Refused::Invalid { field: "exceptions", detail: "order" }));
    }
    stylist.weekly_hours = change.weekly_hours.clone();
    stylist.breaks = change.breaks.clone();
    stylist.exceptions = change.exceptions.clone();
    let seq = upsert_stylist(conn, &stylist)?;
    tracing::info!(stylist = %stylist.id, manager = %change.by_associate_id, "stylist schedule changed");
    Ok(Ok(ScopeCursor { scope: store_scope(&store.id), after: seq }))
}
