//! Stylist appointments: services, stylists' days, free slots (from the cache, so
//! offline too), and booking, rescheduling and status changes, each saved here with
//! its outbox row and confirmed by the central.

use crate::error::AppError;
use crate::state::AppCore;
use chrono::NaiveDate;
use tauri::State;
use vitrina_store::{AppointmentView, ServiceView, SlotView, StylistDay};

/// Longest span one calendar request may cover.
const MAX_DAYS: i64 = 42;

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| AppError::invalid(field, "date"))
}

fn refused(reason: &str) -> AppError {
    match reason {
        "slot_taken" => AppError::invalid("start", "slot_taken"),
        "not_changeable" => AppError::invalid("status", "not_changeable"),
        field => AppError::invalid(field, "invalid"),
    }
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn list_services(core: State<'_, AppCore>) -> Result<Vec<ServiceView>, AppError> {
    Ok(core.store().services()?)
}

/// Each stylist's working day on a local date (`YYYY-MM-DD`).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn stylist_days(core: State<'_, AppCore>, date: String) -> Result<Vec<StylistDay>, AppError> {
    Ok(core.store().stylist_days(parse_date("date", &date)?)?)
}

/// Free slots for a service on a local date, for one stylist or any; the time of
/// `except_id` (an appointment being moved) counts as free.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn appointment_slots(
    core: State<'_, AppCore>,
    service_id: String,
    date: String,
    stylist_id: Option<String>,
    except_id: Option<String>,
) -> Result<Vec<SlotView>, AppError> {
    let day = parse_date("date", &date)?;
    let store = core.store();
    Ok(store.appointment_slots(&service_id, day, stylist_id.as_deref(), except_id.as_deref(), chrono::Utc::now())?)
}

/// Appointments between two local dates, both included.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn list_appointments(
    core: State<'_, AppCore>,
    from: String,
    to: String,
) -> Result<Vec<AppointmentView>, AppError> {
    let (from, to) = (parse_date("from", &from)?, parse_date("to", &to)?);
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(AppError::invalid("to", "range"));
    }
    Ok(core.store().appointments(from, to)?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn book_appointment(
    core: State<'_, AppCore>,
    customer_id: String,
    service_id: String,
    stylist_id: String,
    start: String,
    items: Vec<String>,
) -> Result<AppointmentView, AppError> {
    let made =
        core.store().book_appointment(&customer_id, &service_id, &stylist_id, &start, items, chrono::Utc::now())?;
    let view = made.map_err(refused)?;
    core.sync.sync_now();
    Ok(view)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn reschedule_appointment(
    core: State<'_, AppCore>,
    appointment_id: String,
    stylist_id: String,
    start: String,
) -> Result<AppointmentView, AppError> {
    let moved = core.store().reschedule_appointment(&appointment_id, &stylist_id, &start, chrono::Utc::now())?;
    let view = moved.map_err(refused)?;
    core.sync.sync_now();
    Ok(view)
}

/// checked_in, no_show or cancelled; answers null when a refused booking was dropped.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn set_appointment_status(
    core: State<'_, AppCore>,
    appointment_id: String,
    status: String,
) -> Result<Option<AppointmentView>, AppError> {
    let changed = core.store().set_appointment_status(&appointment_id, &status, chrono::Utc::now())?;
    let view = changed.map_err(refused)?;
    core.sync.sync_now();
    Ok(view)
}

/// A stylist's weekly hours, breaks and exceptions, for a manager to edit.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn stylist_schedule(
    core: State<'_, AppCore>,
    stylist_id: String,
) -> Result<vitrina_store::StylistSchedule, AppError> {
    Ok(core.store().stylist_schedule(&stylist_id)?)
}

/// A manager, with their PIN, changes a stylist's schedule.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core, pin), err)]
pub async fn set_stylist_schedule(
    core: State<'_, AppCore>,
    pin: String,
    stylist_id: String,
    schedule: vitrina_store::ScheduleInput,
) -> Result<vitrina_store::StylistSchedule, AppError> {
    use vitrina_store::ScheduleRefused;
    let changed = core.store().set_stylist_schedule(&pin, &stylist_id, &schedule, chrono::Utc::now())?;
    let view = changed.map_err(|refused| match refused {
        ScheduleRefused::Pin(check) => AppError::not_a_manager(check),
        ScheduleRefused::NotManager => AppError::invalid("pin", "not_manager"),
        ScheduleRefused::Invalid(field, reason) => AppError::invalid(field, reason),
    })?;
    core.sync.sync_now();
    Ok(view)
}
