//! Stylist appointments at the central: one booking per slot however many ask at
//! once, a booking that lost its slot refused with the nearest free ones, and a
//! reschedule that stays one appointment.

use chrono::{Days, NaiveTime, TimeZone, Utc};
use vitrina_protocol::*;
use vitrina_sync::pull_until_current;
use vitrina_tests::{Central, Device};

const STORE: &str = "CL-SCL-01";
const STYLIST: &str = "CL-SCL-01-STY-1";

/// Tomorrow at `hour` on the store's clock (Santiago), as RFC 3339 UTC.
fn tomorrow_at(hour: u32) -> String {
    let tz = chrono_tz::America::Santiago;
    let day = Utc::now().with_timezone(&tz).date_naive() + Days::new(1);
    let local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap());
    tz.from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn mutation(counter: i64, command: Command) -> Mutation {
    Mutation { mutation_id: uuid::Uuid::now_v7().to_string(), counter, made_by: None, command }
}

fn booking(customer_id: &str, start: &str) -> Command {
    Command::BookAppointment(BookAppointment {
        appointment_id: uuid::Uuid::now_v7().to_string(),
        stylist_id: STYLIST.into(),
        service_id: "SRV-IMAGEN".into(),
        start: start.into(),
        customer_id: customer_id.into(),
        items: vec![],
    })
}

/// A customer of the store, created through `device`'s first push.
async fn customer(device: &Device) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let record = CustomerRecord {
        id: id.clone(),
        store_id: STORE.into(),
        name: "Isidora Pérez".into(),
        phone: Some("+56987650000".into()),
        email: None,
        marketing_consent: false,
        chain_consent: false,
        wishlist: vec![],
    };
    let answer = device
        .client
        .push(&PushRequest { mutations: vec![mutation(1, Command::CreateCustomer(record))] })
        .await
        .unwrap();
    assert!(answer.results[0].outcome.is_applied());
    id
}

fn appointments_at(central: &Central, start: &str) -> Vec<(String, String)> {
    let conn = central.inspect().unwrap();
    let mut stmt = conn
        .prepare("SELECT id, status FROM appointment WHERE json_extract(record, '$.start') = ?1 AND status = 'booked'")
        .unwrap();
    stmt.query_map([start], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_asking_for_one_slot_at_once_make_exactly_one_booking() {
    let central = Central::start_demo().unwrap();
    let first = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let customer = customer(&first).await;
    let mut devices = vec![first];
    for _ in 1..50 {
        devices.push(Device::enroll(&central.url, &central.mint_code(STORE).unwrap()).await.unwrap());
    }
    let start = tomorrow_at(11);
    let tasks: Vec<_> = devices
        .iter()
        .enumerate()
        .map(|(i, device)| {
            let client = device.client.clone();
            let counter = if i == 0 { 2 } else { 1 };
            let push = PushRequest { mutations: vec![mutation(counter, booking(&customer, &start))] };
            tokio::spawn(async move { client.push(&push).await })
        })
        .collect();
    let mut applied = 0;
    let mut taken = 0;
    for task in tasks {
        let answer = task.await.unwrap().unwrap();
        match &answer.results[0].outcome {
            MutationOutcome::Applied => applied += 1,
            MutationOutcome::Rejected { rejection: Rejection::SlotTaken, slots, .. } => {
                taken += 1;
                assert!(!slots.is_empty(), "a refused booking offers other slots");
                assert!(slots.iter().all(|s| s.start != start || s.stylist_id != STYLIST));
            }
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    assert_eq!((applied, taken), (1, 49));
    assert_eq!(appointments_at(&central, &start).len(), 1, "one booking at the central");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_that_lost_its_slot_is_refused_with_the_nearest_free_ones_and_reaches_devices() {
    let central = Central::start_demo().unwrap();
    let here = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let late = Device::enroll(&central.url, &central.mint_code(STORE).unwrap()).await.unwrap();
    let customer = customer(&here).await;
    let start = tomorrow_at(16);
    let won =
        here.client.push(&PushRequest { mutations: vec![mutation(2, booking(&customer, &start))] }).await.unwrap();
    assert_eq!(won.results[0].outcome, MutationOutcome::Applied);

    // The other tablet booked the same slot offline; its command arrives now.
    let lost =
        late.client.push(&PushRequest { mutations: vec![mutation(1, booking(&customer, &start))] }).await.unwrap();
    let MutationOutcome::Rejected { rejection: Rejection::SlotTaken, slots, .. } = &lost.results[0].outcome else {
        panic!("expected slot_taken, got {:?}", lost.results[0].outcome);
    };
    assert_eq!(slots.len(), 3);
    let wanted = chrono::DateTime::parse_from_rfc3339(&start).unwrap();
    for offer in slots {
        let at = chrono::DateTime::parse_from_rfc3339(&offer.start).unwrap();
        assert!(offer.stylist_id != STYLIST || at != wanted);
        assert!((at - wanted).num_hours().abs() <= 24, "near the wanted time: {}", offer.start);
    }

    // Devices of the store receive the appointment, with the customer's name.
    pull_until_current(&late.store, &late.client, |_| {}).await.unwrap();
    let (stylist, name): (String, String) = late
        .cache()
        .connection()
        .query_row(
            "SELECT stylist_id, json_extract(record, '$.customer_name') FROM appointment WHERE start = ?1",
            [&start],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((stylist.as_str(), name.as_str()), (STYLIST, "Isidora Pérez"));
    let services: i64 = late.cache().connection().query_row("SELECT COUNT(*) FROM service", [], |r| r.get(0)).unwrap();
    let stylists: i64 = late.cache().connection().query_row("SELECT COUNT(*) FROM stylist", [], |r| r.get(0)).unwrap();
    assert_eq!((services, stylists), (3, 2), "the chain's services and this store's stylists only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rescheduled_appointment_stays_one_and_frees_its_old_slot() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let customer = customer(&device).await;
    let (old, new) = (tomorrow_at(11), tomorrow_at(17));
    let book = booking(&customer, &old);
    let Command::BookAppointment(ref made) = book else { unreachable!() };
    let id = made.appointment_id.clone();
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(2, book.clone())] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);

    let reschedule = Command::RescheduleAppointment(RescheduleAppointment {
        appointment_id: id.clone(),
        stylist_id: STYLIST.into(),
        start: new.clone(),
    });
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(3, reschedule)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    let all: i64 = central
        .inspect()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM appointment WHERE id = ?1 AND json_extract(record, '$.start') = ?2",
            [&id, &new],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(all, 1, "the same appointment, moved");
    assert!(appointments_at(&central, &old).is_empty());
    // The old slot is free again: another booking takes it.
    let answer =
        device.client.push(&PushRequest { mutations: vec![mutation(4, booking(&customer, &old))] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);

    // Cancelling frees the new one; a cancelled appointment can't be moved back.
    let cancel =
        Command::SetAppointmentStatus(SetAppointmentStatus { appointment_id: id.clone(), status: "cancelled".into() });
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(5, cancel)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    assert!(appointments_at(&central, &new).is_empty());
    let back = Command::RescheduleAppointment(RescheduleAppointment {
        appointment_id: id,
        stylist_id: STYLIST.into(),
        start: new,
    });
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(6, back)] }).await.unwrap();
    assert!(matches!(answer.results[0].outcome, MutationOutcome::Rejected { rejection: Rejection::NotChangeable, .. }));
}

/// The first day from tomorrow (store clock) on which both demo stylists work: not a
/// Sunday, not the second stylist's day off (three days after the central's today).
fn day_both_work() -> chrono::NaiveDate {
    use chrono::Datelike;
    let tz = chrono_tz::America::Santiago;
    let day_off = Utc::now().date_naive() + Days::new(3);
    let mut day = Utc::now().with_timezone(&tz).date_naive() + Days::new(1);
    while day.weekday() == chrono::Weekday::Sun || day == day_off {
        day = day + Days::new(1);
    }
    day
}

fn at(day: chrono::NaiveDate, hour: u32, minute: u32) -> String {
    let tz = chrono_tz::America::Santiago;
    let local = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap());
    tz.from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stylists_cannot_share_the_one_vip_fitting_room_at_once() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let customer = customer(&device).await;
    let day = day_both_work();
    let book = |stylist: &str, service: &str, start: String| {
        Command::BookAppointment(BookAppointment {
            appointment_id: uuid::Uuid::now_v7().to_string(),
            stylist_id: stylist.into(),
            service_id: service.into(),
            start,
            customer_id: customer.clone(),
            items: vec![],
        })
    };
    // An event look (90 min) with the first stylist takes the VIP fitting room 11:00–12:30.
    let event = book(STYLIST, "SRV-EVENTO", at(day, 11, 0));
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(2, event)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    // A fitting with the other stylist, free herself, needs the same room: refused until 12:30.
    let fitting = book("CL-SCL-01-STY-2", "SRV-AJUSTE", at(day, 12, 0));
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(3, fitting)] }).await.unwrap();
    let MutationOutcome::Rejected { rejection: Rejection::SlotTaken, slots, .. } = &answer.results[0].outcome else {
        panic!("expected slot_taken, got {:?}", answer.results[0].outcome);
    };
    assert!(
        slots
            .iter()
            .all(|s| s.start.as_str() < at(day, 10, 30).as_str() || s.start.as_str() >= at(day, 12, 30).as_str()),
        "{slots:?}"
    );
    let later = book("CL-SCL-01-STY-2", "SRV-AJUSTE", at(day, 12, 30));
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(4, later)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied, "right after the event look");

    // The device knows the room and offers the same.
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let offered =
        device.cache().appointment_slots("SRV-AJUSTE", day, Some("CL-SCL-01-STY-2"), None, Utc::now()).unwrap();
    let starts: Vec<&str> = offered.iter().map(|s| s.local_start.as_str()).collect();
    let local = |h: u32, m: u32| format!("{day}T{h:02}:{m:02}");
    assert!(!starts.contains(&local(11, 30).as_str()), "the room is taken then: {starts:?}");
    assert!(!starts.contains(&local(12, 45).as_str()), "the fitting booked at 12:30 holds the room");
    assert!(starts.contains(&local(10, 15).as_str()) || starts.contains(&local(13, 15).as_str()), "{starts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_items_to_try_are_kept_for_the_visit_and_released_when_it_is_cancelled() {
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let customer = customer(&device).await;
    let reserved = |sku: &str, location: &str| -> i64 {
        central
            .inspect()
            .unwrap()
            .query_row("SELECT reserved FROM stock WHERE sku = ?1 AND location_id = ?2", [sku, location], |r| r.get(0))
            .unwrap()
    };
    // One item on the store's shelf, one only elsewhere in the region.
    let pick = |sql: &str| -> String { central.inspect().unwrap().query_row(sql, [STORE], |r| r.get(0)).unwrap() };
    let here = pick("SELECT sku FROM stock WHERE location_id = ?1 AND on_hand - reserved >= 6 ORDER BY sku LIMIT 1");
    let elsewhere = pick(
        "SELECT s.sku FROM stock s WHERE s.location_id = ?1 AND s.on_hand = 0
           AND EXISTS (SELECT 1 FROM stock w WHERE w.sku = s.sku AND w.location_id = 'CL-WH-01' AND w.on_hand - w.reserved >= 3)
         ORDER BY s.sku LIMIT 1",
    );
    let reserved_anywhere = |sku: &str| -> i64 {
        central
            .inspect()
            .unwrap()
            .query_row("SELECT SUM(reserved) FROM stock WHERE sku = ?1", [sku], |r| r.get(0))
            .unwrap()
    };
    let (here_before, elsewhere_before) = (reserved(&here, STORE), reserved_anywhere(&elsewhere));
    let id = uuid::Uuid::now_v7().to_string();
    let book = Command::BookAppointment(BookAppointment {
        appointment_id: id.clone(),
        stylist_id: STYLIST.into(),
        service_id: "SRV-IMAGEN".into(),
        start: tomorrow_at(11),
        customer_id: customer.clone(),
        items: vec![here.clone(), elsewhere.clone()],
    });
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(2, book)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    assert_eq!(reserved(&here, STORE), here_before + 1, "a unit kept on the shelf");
    assert_eq!(reserved_anywhere(&elsewhere), elsewhere_before + 1, "a unit to be sent from elsewhere");
    assert_eq!(reserved(&elsewhere, STORE), 0, "not from this store, which has none");

    // The device shows where each is kept.
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let view = device.cache().appointment(&id).unwrap();
    let kinds: Vec<(&str, &str)> = view.holds.iter().map(|h| (h.sku.as_str(), h.kind.as_str())).collect();
    assert_eq!(kinds, [(here.as_str(), "hold"), (elsewhere.as_str(), "transfer")]);
    assert!(view.holds[1].location_name.is_some());

    let cancel = Command::SetAppointmentStatus(SetAppointmentStatus { appointment_id: id, status: "cancelled".into() });
    let answer = device.client.push(&PushRequest { mutations: vec![mutation(3, cancel)] }).await.unwrap();
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    assert_eq!((reserved(&here, STORE), reserved_anywhere(&elsewhere)), (here_before, elsewhere_before), "released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_manager_of_the_store_changes_a_stylists_schedule() {
    use vitrina_core::{Exception, ExceptionKind, WorkingHours};
    let central = Central::start_demo().unwrap();
    let device = Device::enroll(&central.url, &central.code(STORE)).await.unwrap();
    let other = Device::enroll(&central.url, &central.code("CL-SCL-02")).await.unwrap();
    let day_off = Utc::now().date_naive() + Days::new(10);
    let change = |by: &str| {
        Command::SetStylistSchedule(SetStylistSchedule {
            stylist_id: STYLIST.into(),
            by_associate_id: by.into(),
            weekly_hours: vec![WorkingHours {
                weekday: chrono::Weekday::Mon,
                start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
            }],
            breaks: vec![],
            exceptions: vec![Exception { date: day_off, kind: ExceptionKind::DayOff }],
        })
    };
    let forbidden =
        |o: &MutationOutcome| matches!(o, MutationOutcome::Rejected { rejection: Rejection::Forbidden, .. });
    let push = |client: &vitrina_sync::Client, counter: i64, by: String| {
        let client = client.clone();
        let request = PushRequest { mutations: vec![mutation(counter, change(&by))] };
        async move { client.push(&request).await.unwrap().results[0].outcome.clone() }
    };
    // An associate, a manager of another store, and another store's device are refused.
    assert!(forbidden(&push(&device.client, 1, format!("{STORE}-associate")).await));
    assert!(forbidden(&push(&device.client, 2, "CL-SCL-02-manager".into()).await));
    assert!(forbidden(&push(&other.client, 1, format!("{STORE}-manager")).await));
    // The store's manager changes it, and the store's devices get it.
    assert_eq!(push(&device.client, 3, format!("{STORE}-manager")).await, MutationOutcome::Applied);
    pull_until_current(&device.store, &device.client, |_| {}).await.unwrap();
    let days = device.cache().stylist_days(day_off).unwrap();
    assert!(days.iter().find(|d| d.id == STYLIST).unwrap().day_off);
    let schedule = device.cache().stylist_schedule(STYLIST).unwrap();
    assert_eq!(schedule.weekly_hours.len(), 1);
    assert_eq!((schedule.weekly_hours[0].start.as_str(), schedule.weekly_hours[0].end.as_str()), ("09:00", "13:00"));
}
