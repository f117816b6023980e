// End to end: an associate books a stylist for a new customer tomorrow, the central
// confirms it; then drags the appointment two hours later on the day calendar, the
// central moves it; then cancels it, and the central cancels it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { App, By, Central } from "./harness.mjs";

const STORE = "CL-SCL-01";
/** "Asesoría de imagen", 60 minutes, in the demo chain. */
const SERVICE = "SRV-IMAGEN";
/** The store's first demo stylist (styling and events; works every day tomorrow can be). */
const STYLIST = `${STORE}-STY-1`;
const CUSTOMER = { name: "Josefina Alarcón", phone: "9 7654 3210" };

/** "YYYY-MM-DD" plus `days`. */
function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "YYYY-MM-DDTHH:MM" plus `minutes` (same day). */
function addMinutes(local, minutes) {
  const [date, time] = local.split("T");
  const [h, m] = time.split(":").map(Number);
  const total = h * 60 + m + minutes;
  return `${date}T${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

/** The calendar block of an appointment, or null when it is not on screen. */
async function block(app, id) {
  const found = await app.driver.findElements(By.css(`[data-testid="appointment-block"][data-id="${id}"]`));
  return found[0] ?? null;
}

async function blockAttr(app, id, name) {
  const element = await block(app, id);
  return element ? element.getAttribute(name) : null;
}

/** The central's row of an appointment: [stylist_id, status, start]. */
function atCentral(central, id) {
  const rows = central.query(
    "SELECT stylist_id, status, json_extract(record, '$.start') FROM appointment WHERE id = ?",
    [id],
  );
  return rows[0] ?? null;
}

/** Free slots the device offers (its own command, as the screens call it). */
async function freeSlots(app, date, stylistId) {
  return app.driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1];" +
      "window.__TAURI_INTERNALS__.invoke('appointment_slots', { service_id: arguments[0], date: arguments[1], stylist_id: arguments[2] })" +
      ".then((s) => done(s.map((x) => x.local_start)), (e) => done({ error: e }));",
    SERVICE,
    date,
    stylistId,
  );
}

test("an associate books a stylist, drags the appointment two hours later and cancels it", async () => {
  const central = await Central.start();
  const app = await App.launch("appointments");
  try {
    await app.enrollAndSync(central, STORE);
    const [[stylists]] = central.query("SELECT COUNT(*) FROM stylist WHERE store_id = ?", [STORE]);
    assert.ok(stylists >= 2, "the demo store has its stylists");

    // The agenda opens on today, in the store's time zone; tomorrow is one step on.
    await app.click("nav-appointments");
    await app.screen("appointments");
    await app.el("agenda-day");
    const today = await app.attr("agenda-day", "data-date");
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
    app.screenshot("agenda-today");
    const tomorrow = addDays(today, 1);
    await app.click("agenda-next");
    await app.waitFor(async () => (await app.attr("agenda-day", "data-date")) === tomorrow, 15_000, "tomorrow's agenda");
    assert.deepEqual(
      (await app.attrs("stylist-column", "data-stylist-id")).slice(0, 2),
      [STYLIST, `${STORE}-STY-2`],
      "a column per stylist",
    );
    app.screenshot("agenda-tomorrow");

    // Book: a new customer, the service, tomorrow, the first stylist, the first free slot.
    await app.click("appointment-new");
    await app.el("booking-sheet");
    await app.type("customer-search", CUSTOMER.name.split(" ")[0]);
    await app.type("customer-name", CUSTOMER.name);
    await app.type("customer-phone", CUSTOMER.phone);
    await app.click("customer-save");
    await app.el("selected-customer", 15_000);
    await (await app.driver.findElement(By.css(`[data-testid="booking-service"][data-service-id="${SERVICE}"]`))).click();
    await (await app.driver.findElement(By.css(`[data-testid="booking-date"][data-date="${tomorrow}"]`))).click();
    await app.waitFor(
      async () => (await app.attrs("booking-stylist", "data-stylist-id")).includes(STYLIST),
      15_000,
      "the first stylist is offered",
    );
    await (await app.driver.findElement(By.css(`[data-testid="booking-stylist"][data-stylist-id="${STYLIST}"]`))).click();
    await app.waitFor(
      async () => {
        const slots = await app.all("booking-slot");
        return slots.length > 0 && (await slots[0].getAttribute("data-stylist-id")) === STYLIST;
      },
      15_000,
      "the first stylist's free slots",
    );
    const first = (await app.all("booking-slot"))[0];
    const slotStart = await first.getAttribute("data-start");
    const slotLocal = await first.getAttribute("data-local-start");
    assert.ok(slotLocal.startsWith(`${tomorrow}T`), `a slot tomorrow: ${slotLocal}`);
    await first.click();
    assert.equal(await app.attr("booking-slot", "aria-pressed"), "true");
    app.screenshot("booking-ready");
    await app.click("booking-confirm");
    await app.waitFor(async () => !(await app.visible("booking-sheet")), 15_000, "the booking sheet closes");

    // The block shows at once, pending, and turns confirmed when the central takes it.
    await app.waitFor(
      async () => {
        const blocks = await app.driver.findElements(
          By.css(`[data-testid="appointment-block"][data-local-start="${slotLocal}"][data-stylist-id="${STYLIST}"]`),
        );
        return blocks.length === 1;
      },
      15_000,
      "the new appointment's block",
    );
    const id = await (
      await app.driver.findElement(
        By.css(`[data-testid="appointment-block"][data-local-start="${slotLocal}"][data-stylist-id="${STYLIST}"]`),
      )
    ).getAttribute("data-id");
    app.screenshot("booked");
    await app.waitFor(async () => (await blockAttr(app, id, "data-sync")) === "confirmed", 90_000, "the central confirms the booking");
    assert.equal(await blockAttr(app, id, "data-status"), "booked");
    app.screenshot("booking-confirmed");
    const booked = atCentral(central, id);
    assert.ok(booked, "the central has the appointment");
    assert.equal(booked[0], STYLIST);
    assert.equal(booked[1], "booked");
    assert.equal(Date.parse(booked[2]), Date.parse(slotStart), "at the slot booked");
    const [[forCustomer]] = central.query(
      "SELECT COUNT(*) FROM appointment WHERE json_extract(record, '$.customer_name') = ?",
      [CUSTOMER.name],
    );
    assert.equal(forCustomer, 1);

    // Drag the block two hours down the same column.
    const target = addMinutes(slotLocal, 120);
    const free = await freeSlots(app, tomorrow, STYLIST);
    assert.ok(Array.isArray(free) && free.includes(target), `${target} is free: ${JSON.stringify(free)}`);
    const hourPx = Number(await app.attr("agenda-day", "data-hour-px"));
    assert.ok(hourPx >= 64 && hourPx <= 80, `an hour is ${hourPx} px`);
    const element = await block(app, id);
    await app.driver
      .actions({ async: true })
      .move({ origin: element, x: 0, y: 0 })
      .press()
      .move({ origin: element, x: 0, y: 16, duration: 100 })
      .move({ origin: element, x: 0, y: hourPx, duration: 150 })
      .move({ origin: element, x: 0, y: 2 * hourPx, duration: 150 })
      .release()
      .perform();
    await app.waitFor(async () => (await blockAttr(app, id, "data-local-start")) === target, 15_000, `moved to ${target}`);
    assert.equal(await blockAttr(app, id, "data-stylist-id"), STYLIST, "same stylist");
    app.screenshot("dragged");
    await app.waitFor(async () => (await blockAttr(app, id, "data-sync")) === "confirmed", 90_000, "the central confirms the move");
    app.screenshot("move-confirmed");
    const moved = atCentral(central, id);
    assert.equal(moved[1], "booked");
    assert.equal(moved[0], STYLIST);
    assert.equal(Date.parse(moved[2]) - Date.parse(slotStart), 2 * 3_600_000, "the central's start moved two hours");
    const [[stillOne]] = central.query(
      "SELECT COUNT(*) FROM appointment WHERE json_extract(record, '$.customer_name') = ?",
      [CUSTOMER.name],
    );
    assert.equal(stillOne, 1, "still one appointment");

    // Open it and cancel it.
    await (await block(app, id)).click();
    await app.el("appointment-detail");
    assert.equal(await app.attr("appointment-detail", "data-id"), id);
    assert.equal(await app.attr("appointment-detail", "data-sync"), "confirmed");
    app.screenshot("detail");
    await app.click("appointment-cancel");
    await app.el("appointment-cancel-confirm");
    app.screenshot("cancel-confirm");
    await app.click("appointment-cancel-confirm");
    await app.waitFor(async () => !(await app.visible("appointment-detail")), 15_000, "the detail closes");
    await app.waitFor(async () => (await block(app, id)) === null, 15_000, "cancelled appointments are hidden");
    await app.click("agenda-show-cancelled");
    await app.waitFor(async () => (await blockAttr(app, id, "data-status")) === "cancelled", 15_000, "shown when asked for");
    await app.waitFor(async () => (await blockAttr(app, id, "data-sync")) === "confirmed", 90_000, "the central confirms the cancellation");
    app.screenshot("cancelled");
    await app.waitFor(async () => atCentral(central, id)?.[1] === "cancelled", 30_000, "the central shows it cancelled");
  } finally {
    await app.quit();
    await central.dispose();
  }
});

test("a booking made on the public page shows in the store's agenda within seconds", async () => {
  const central = await Central.start();
  const app = await App.launch("appointments-public");
  try {
    await app.enrollAndSync(central, STORE);
    await app.click("nav-appointments");
    await app.screen("appointments");
    await app.el("agenda-day");
    const today = await app.attr("agenda-day", "data-date");
    const tomorrow = addDays(today, 1);
    await app.click("agenda-next");
    await app.waitFor(async () => (await app.attr("agenda-day", "data-date")) === tomorrow, 10_000, "tomorrow");
    app.screenshot("agenda-before");

    // A customer books at home: the first free slot tomorrow, held, then confirmed.
    const api = async (method, url, body) => {
      const res = await fetch(`${central.url}${url}`, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = await res.json();
      assert.ok(res.ok, `${method} ${url} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const slots = await api("GET", `/v1/public/slots?store=${STORE}&service=SRV-EVENTO&from=${tomorrow}&to=${tomorrow}`);
    const slot = slots.days[0].slots[0];
    assert.ok(slot, "tomorrow has a free slot");
    const hold = await api("POST", "/v1/public/holds", { store_id: STORE, service_id: "SRV-EVENTO", start: slot.start });
    const booked = await api("POST", `/v1/public/holds/${hold.hold_id}/confirm`, {
      name: "Trinidad Vergara",
      phone: "+56 9 8877 6655",
      email: "trinidad@example.cl",
    });
    const posted = Date.now();

    // The tablet shows it without anyone touching it: the live stream brings it.
    await app.waitFor(async () => (await block(app, booked.booking_id)) !== null, 15_000, "the public booking's block");
    const seconds = (Date.now() - posted) / 1000;
    assert.ok(seconds < 15, `shown after ${seconds}s`);
    assert.equal(await blockAttr(app, booked.booking_id, "data-local-start"), `${tomorrow}T${slot.time}`);
    app.screenshot("public-booking-shown");
    await (await block(app, booked.booking_id)).click();
    await app.el("appointment-detail");
    await app.el("appointment-channel");
    assert.match(await (await app.el("appointment-detail")).getText(), /Trinidad Vergara/);
    app.screenshot("public-booking-detail");
  } finally {
    await app.quit();
    await central.dispose();
  }
});

test("a manager gives a stylist a day off from the agenda; an associate's PIN is not enough", async () => {
  const central = await Central.start();
  const app = await App.launch("appointments-schedule");
  try {
    await app.enrollAndSync(central, STORE);
    await app.click("nav-appointments");
    await app.screen("appointments");
    await app.el("agenda-day");
    const today = await app.attr("agenda-day", "data-date");
    assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
    const dayOff = addDays(today, 2);
    app.screenshot("agenda-today");

    // The first stylist's schedule, from their column's header.
    await app.el("stylist-schedule-open");
    const stylistId = await app.attr("stylist-schedule-open", "data-stylist-id");
    assert.ok(stylistId, "the header names its stylist");
    await app.click("stylist-schedule-open");
    await app.el("schedule-sheet");
    assert.equal(await app.attr("schedule-sheet", "data-stylist-id"), stylistId);
    await app.waitFor(async () => (await app.attr("schedule-sheet", "data-loaded")) === "true", 15_000, "the schedule is read");
    assert.equal((await app.all("schedule-day")).length, 7, "a row per weekday");
    app.screenshot("schedule-open");

    // A day off the day after tomorrow.
    const dateInput = await app.el("schedule-exception-date");
    await app.driver.executeScript(
      "const input = arguments[0];" +
        "input.value = arguments[1];" +
        "input.dispatchEvent(new Event('input', { bubbles: true }));" +
        "input.dispatchEvent(new Event('change', { bubbles: true }));",
      dateInput,
      dayOff,
    );
    await (await app.driver.findElement(By.css('[data-testid="schedule-exception-kind"][data-kind="day_off"]'))).click();
    await app.click("schedule-exception-add");
    await app.waitFor(
      async () =>
        (await app.driver.findElements(By.css(`[data-testid="schedule-exception"][data-date="${dayOff}"][data-kind="day_off"]`))).length === 1,
      10_000,
      "the day off is listed",
    );
    app.screenshot("day-off-added");

    const typePin = async (pin) => {
      for (const digit of pin) await app.click(`pin-key-${digit}`);
      await app.click("pin-ok");
    };

    // An associate's PIN is refused: only a manager changes schedules.
    await app.click("schedule-save");
    await app.el("pin-pad");
    app.screenshot("pin-pad");
    await typePin(central.pin(STORE, "associate"));
    await app.waitFor(
      async () => {
        const found = await app.all("pin-error");
        if (found.length === 0) return false;
        const text = await found[0].getText();
        return text.includes("Solo un encargado de tienda puede cambiar horarios");
      },
      15_000,
      "the not-a-manager message",
    );
    assert.equal(await app.attr("pin-error", "data-code"), "invalid");
    assert.ok(await app.visible("schedule-sheet"), "the sheet stays open");
    app.screenshot("not-a-manager");

    // The manager's PIN saves it: the sheet closes, the change goes to the central.
    await typePin(central.pin(STORE, "manager"));
    await app.waitFor(async () => (await app.all("schedule-sheet")).length === 0, 15_000, "the schedule sheet closes");
    app.screenshot("schedule-sent");

    const centralDayOff = () => {
      const rows = central.query("SELECT record FROM stylist WHERE id = ?", [stylistId]);
      if (rows.length === 0) return false;
      const record = JSON.parse(rows[0][0]);
      return (record.exceptions ?? []).some((e) => e.date === dayOff && e.kind === "day_off");
    };
    await app.waitFor(async () => centralDayOff(), 30_000, "the central's stylist has the day off");

    // Two days ahead, the stylist's column shows the day off.
    await app.click("agenda-next");
    await app.click("agenda-next");
    await app.waitFor(async () => (await app.attr("agenda-day", "data-date")) === dayOff, 15_000, "the day of the day off");
    await app.waitFor(
      async () => {
        const columns = await app.driver.findElements(
          By.css(`[data-testid="stylist-column"][data-stylist-id="${stylistId}"]`),
        );
        if (columns.length === 0) return false;
        try {
          return (await columns[0].getAttribute("data-day-off")) === "true";
        } catch (e) {
          if (e?.name === "StaleElementReferenceError") return false;
          throw e;
        }
      },
      30_000,
      "the stylist's column shows the day off",
    );
    app.screenshot("agenda-day-off");
  } finally {
    await app.quit();
    await central.dispose();
  }
});
