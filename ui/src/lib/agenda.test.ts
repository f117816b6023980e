import { describe, expect, it } from "vitest";
import type { AppointmentView, SlotView, StylistDay } from "./bindings";
import {
  addDays,
  appointmentSpan,
  appointmentsOn,
  blockBadge,
  bookingDates,
  canChange,
  canPerform,
  clockMinutes,
  clockText,
  columnAt,
  dayBounds,
  daysBetween,
  DEFAULT_HOURS,
  dropTarget,
  findSlot,
  gridHeight,
  groupSlots,
  HOUR_PX,
  hourMarks,
  joinLocal,
  layoutLanes,
  localToUtc,
  minutesToPx,
  overlaps,
  parseClock,
  pxToMinutes,
  rejectionKey,
  shading,
  snapMinutes,
  splitLocal,
  statusKey,
  statusTone,
  stepDate,
  stylistsOf,
  syncKey,
  syncShortKey,
  visibleAppointments,
  weekdayIndex,
  weekRange,
} from "./agenda";
import { es } from "./i18n/es";
import { en } from "./i18n/en";

const stylist = (over: Partial<StylistDay> = {}): StylistDay => ({
  id: "S1",
  name: "Antonia Reyes",
  specialties: ["imagen", "eventos"],
  periods: [{ start: "10:00", end: "19:00" }],
  breaks: [{ start: "14:00", end: "15:00" }],
  day_off: false,
  ...over,
});

const appointment = (over: Partial<AppointmentView> = {}): AppointmentView => ({
  id: "a1",
  stylist_id: "S1",
  stylist_name: "Antonia Reyes",
  service_id: "SRV-IMAGEN",
  service_es: "Asesoría de imagen",
  service_en: "Personal styling",
  customer_id: "c1",
  customer_name: "Camila Rojas",
  customer_phone: "+56987654321",
  start: "2026-11-24T13:15:00Z",
  end: "2026-11-24T14:15:00Z",
  local_start: "2026-11-24T10:15",
  local_end: "2026-11-24T11:15",
  status: "booked",
  channel: "device",
  sync: "confirmed",
  rejection: null,
  items: [],
  holds: [],
  ...over,
});

const slot = (stylist_id: string, local_start: string, start: string): SlotView => ({
  stylist_id,
  stylist_name: stylist_id === "S1" ? "Antonia Reyes" : "Martín Valdés",
  start,
  end: start,
  local_start,
});

describe("clock times and local date-times", () => {
  it("reads and writes HH:MM", () => {
    expect(parseClock("10:15")).toBe(615);
    expect(parseClock("0:05")).toBe(5);
    expect(parseClock("24:00")).toBe(1440);
    for (const bad of ["", "10", "10:60", "25:00", "24:30", "ab:cd"]) expect(parseClock(bad), bad).toBeNull();
    expect(clockText(615)).toBe("10:15");
    expect(clockText(0)).toBe("00:00");
    expect(clockText(1440)).toBe("24:00");
  });

  it("splits and joins the store's local date-times", () => {
    expect(splitLocal("2026-11-24T10:15")).toEqual({ date: "2026-11-24", minutes: 615 });
    expect(splitLocal("2026-11-24T10:15:00")).toEqual({ date: "2026-11-24", minutes: 615 });
    expect(splitLocal("2026-11-24")).toBeNull();
    expect(joinLocal("2026-11-24", 735)).toBe("2026-11-24T12:15");
  });
});

describe("dates", () => {
  it("steps days across month and year ends", () => {
    expect(addDays("2026-01-31", 1)).toBe("2026-02-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
    expect(daysBetween("2026-12-30", "2027-01-02")).toBe(3);
    expect(daysBetween("2027-01-02", "2026-12-30")).toBe(-3);
  });

  it("steps a day in the day view and a week in the week view", () => {
    expect(stepDate("2026-11-30", "day", 1)).toBe("2026-12-01");
    expect(stepDate("2026-12-01", "day", -1)).toBe("2026-11-30");
    expect(stepDate("2026-12-29", "week", 1)).toBe("2027-01-05");
    expect(stepDate("2027-01-05", "week", -1)).toBe("2026-12-29");
  });

  it("knows the weekday, Monday first", () => {
    expect(weekdayIndex("2026-11-23")).toBe(0); // Monday
    expect(weekdayIndex("2026-11-29")).toBe(6); // Sunday
  });

  it("gives the Monday-to-Sunday week of a date, across month and year ends", () => {
    expect(weekRange("2026-11-25")).toEqual({
      from: "2026-11-23",
      to: "2026-11-29",
      days: ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"],
    });
    // A Sunday belongs to the week that started the Monday before.
    expect(weekRange("2026-11-29").from).toBe("2026-11-23");
    expect(weekRange("2026-11-30").from).toBe("2026-11-30");
    const newYear = weekRange("2027-01-01");
    expect(newYear.from).toBe("2026-12-28");
    expect(newYear.to).toBe("2027-01-03");
    expect(newYear.days).toHaveLength(7);
    expect(weekRange("2026-03-01")).toMatchObject({ from: "2026-02-23", to: "2026-03-01" });
  });

  it("offers the next two weeks to book, today first", () => {
    const dates = bookingDates("2026-12-25");
    expect(dates).toHaveLength(14);
    expect(dates[0]).toBe("2026-12-25");
    expect(dates[7]).toBe("2027-01-01");
    expect(dates[13]).toBe("2027-01-07");
  });
});

describe("the store's clock", () => {
  it("reads the time of day in the store's zone", () => {
    // 13:15 UTC is 10:15 in Santiago in November (UTC−3).
    expect(clockMinutes(Date.parse("2026-11-24T13:15:00Z"), "America/Santiago")).toBe(615);
    expect(clockMinutes(Date.parse("2026-11-24T15:05:00Z"), "America/Bogota")).toBe(605);
  });

  it("turns a store-local time into the instant it names", () => {
    expect(localToUtc("2026-11-24T10:15", "America/Santiago")).toBe("2026-11-24T13:15:00Z");
    // Winter in Santiago: UTC−4.
    expect(localToUtc("2026-07-14T10:15", "America/Santiago")).toBe("2026-07-14T14:15:00Z");
    expect(localToUtc("2026-11-24T12:00", "America/Bogota")).toBe("2026-11-24T17:00:00Z");
    expect(localToUtc("2026-11-24T23:30", "America/Mexico_City")).toBe("2026-11-25T05:30:00Z");
    expect(localToUtc("not a time", "America/Santiago")).toBeNull();
  });

  it("refuses a time the clocks skip and takes the earlier of a repeated one", () => {
    // Santiago springs forward on 2026-09-06: 00:00 becomes 01:00.
    expect(localToUtc("2026-09-06T00:30", "America/Santiago")).toBeNull();
    expect(localToUtc("2026-09-06T01:30", "America/Santiago")).toBe("2026-09-06T04:30:00Z");
    // New York falls back on 2026-11-01: 01:30 happens twice; the first is EDT.
    expect(localToUtc("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T05:30:00Z");
  });
});

describe("the day grid", () => {
  it("spans the earliest start to the latest end, on whole hours", () => {
    const sunday = stylist({ id: "S1", periods: [{ start: "11:00", end: "17:00" }], breaks: [] });
    const off = stylist({ id: "S2", periods: [], breaks: [], day_off: true });
    expect(dayBounds([sunday, off])).toEqual({ start: 660, end: 1020 });
    expect(dayBounds([stylist(), sunday])).toEqual({ start: 600, end: 1140 });
    expect(dayBounds([stylist({ periods: [{ start: "09:30", end: "18:45" }] })])).toEqual({ start: 540, end: 1140 });
    // Nobody works: the usual hours.
    expect(dayBounds([off])).toEqual(DEFAULT_HOURS);
    expect(dayBounds([])).toEqual(DEFAULT_HOURS);
    // An appointment outside the hours still shows.
    expect(dayBounds([sunday], [{ start: 1035, end: 1065 }])).toEqual({ start: 660, end: 1080 });
  });

  it("turns times into pixels and back", () => {
    const bounds = { start: 600, end: 1140 };
    expect(HOUR_PX).toBeGreaterThanOrEqual(64);
    expect(HOUR_PX).toBeLessThanOrEqual(80);
    expect(gridHeight(bounds)).toBe(9 * HOUR_PX);
    expect(minutesToPx(600, bounds)).toBe(0);
    expect(minutesToPx(615, bounds)).toBe(HOUR_PX / 4);
    expect(minutesToPx(720, bounds, 80)).toBe(160);
    expect(pxToMinutes(160, bounds, 80)).toBe(720);
    for (const m of [600, 615, 742, 1140]) expect(pxToMinutes(minutesToPx(m, bounds), bounds)).toBeCloseTo(m);
    expect(hourMarks(bounds)).toEqual([600, 660, 720, 780, 840, 900, 960, 1020, 1080, 1140]);
  });

  it("snaps to 15 minutes", () => {
    expect(snapMinutes(607)).toBe(600);
    expect(snapMinutes(608)).toBe(615);
    expect(snapMinutes(622.4)).toBe(615);
    expect(snapMinutes(622.5)).toBe(630);
    expect(snapMinutes(-8)).toBe(-15);
    expect(snapMinutes(44, 30)).toBe(30);
  });

  it("shades the time off and the breaks of a column", () => {
    const bounds = { start: 600, end: 1140 };
    expect(shading(stylist(), bounds)).toEqual([{ start: 840, end: 900, kind: "break" }]);
    expect(shading(stylist({ periods: [{ start: "11:00", end: "17:00" }], breaks: [] }), bounds)).toEqual([
      { start: 600, end: 660, kind: "off" },
      { start: 1020, end: 1140, kind: "off" },
    ]);
    expect(shading(stylist({ day_off: true, periods: [] }), bounds)).toEqual([{ start: 600, end: 1140, kind: "off" }]);
    // Split shifts leave the gap off; a break reaching past the grid is cut.
    expect(
      shading(
        stylist({
          periods: [
            { start: "15:00", end: "19:00" },
            { start: "10:00", end: "13:00" },
          ],
          breaks: [{ start: "18:30", end: "20:00" }],
        }),
        bounds,
      ),
    ).toEqual([
      { start: 780, end: 900, kind: "off" },
      { start: 1110, end: 1140, kind: "break" },
    ]);
  });

  it("places one column's overlapping blocks side by side", () => {
    const lanes = layoutLanes([
      { id: "a", start: 600, end: 660 },
      { id: "b", start: 630, end: 690 },
      { id: "c", start: 660, end: 720 },
      { id: "d", start: 780, end: 840 },
    ]);
    expect(lanes.get("a")).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get("b")).toEqual({ lane: 1, lanes: 2 });
    // c starts when a ends: a's lane is free again.
    expect(lanes.get("c")).toEqual({ lane: 0, lanes: 2 });
    expect(lanes.get("d")).toEqual({ lane: 0, lanes: 1 });
    const three = layoutLanes([
      { id: "x", start: 600, end: 720 },
      { id: "y", start: 610, end: 640 },
      { id: "z", start: 620, end: 650 },
    ]);
    expect([...three.values()].map((l) => l.lanes)).toEqual([3, 3, 3]);
    expect(new Set([...three.values()].map((l) => l.lane)).size).toBe(3);
    // Back to back is not an overlap.
    const touching = layoutLanes([
      { id: "p", start: 600, end: 660 },
      { id: "q", start: 660, end: 720 },
    ]);
    expect(touching.get("p")).toEqual({ lane: 0, lanes: 1 });
    expect(touching.get("q")).toEqual({ lane: 0, lanes: 1 });
    expect(overlaps({ start: 600, end: 660 }, { start: 659, end: 700 })).toBe(true);
    expect(overlaps({ start: 600, end: 660 }, { start: 660, end: 700 })).toBe(false);
  });

  it("places an appointment by its local start and end", () => {
    expect(appointmentSpan(appointment())).toEqual({ date: "2026-11-24", start: 615, end: 675 });
    // Past midnight: cut at the end of the day.
    expect(appointmentSpan(appointment({ local_start: "2026-11-24T23:30", local_end: "2026-11-25T00:30" }))).toEqual({
      date: "2026-11-24",
      start: 1410,
      end: 1440,
    });
  });
});

describe("dropping a dragged block", () => {
  const grid = { bounds: { start: 600, end: 1140 }, hourPx: 72, stylistIds: ["S1", "S2"] };
  const drag = { date: "2026-11-24", start: 615, duration: 60 };

  it("finds the column under the pointer", () => {
    expect(columnAt(150, 100, 400, 2)).toBe(0);
    expect(columnAt(320, 100, 400, 2)).toBe(1);
    expect(columnAt(20, 100, 400, 2)).toBe(0);
    expect(columnAt(900, 100, 400, 2)).toBe(1);
    expect(columnAt(10, 0, 0, 2)).toBe(0);
  });

  it("moves the start by the drag, snapped to 15 minutes", () => {
    expect(dropTarget(drag, { dy: 144, column: 0 }, grid)).toEqual({ stylistId: "S1", start: 735, local: "2026-11-24T12:15" });
    expect(dropTarget(drag, { dy: 150, column: 1 }, grid)).toEqual({ stylistId: "S2", start: 735, local: "2026-11-24T12:15" });
    // 10 px is about 8 minutes: the nearest quarter.
    expect(dropTarget(drag, { dy: 10, column: 0 }, grid)?.start).toBe(630);
    expect(dropTarget(drag, { dy: -10, column: 0 }, grid)?.start).toBe(600);
  });

  it("keeps the block inside the day", () => {
    expect(dropTarget(drag, { dy: -500, column: 0 }, grid)?.local).toBe("2026-11-24T10:00");
    expect(dropTarget(drag, { dy: 5000, column: 0 }, grid)?.local).toBe("2026-11-24T18:00");
    expect(dropTarget({ ...drag, duration: 90 }, { dy: 5000, column: 0 }, grid)?.local).toBe("2026-11-24T17:30");
    expect(dropTarget(drag, { dy: 0, column: 7 }, grid)?.stylistId).toBe("S2");
    expect(dropTarget(drag, { dy: 0, column: 0 }, { ...grid, stylistIds: [] })).toBeNull();
  });

  it("finds the free slot it lands on", () => {
    const slots = [
      slot("S1", "2026-11-24T12:00", "2026-11-24T15:00:00Z"),
      slot("S1", "2026-11-24T12:15", "2026-11-24T15:15:00Z"),
      slot("S2", "2026-11-24T12:15", "2026-11-24T15:15:00Z"),
    ];
    expect(findSlot(slots, "S1", "2026-11-24T12:15")?.start).toBe("2026-11-24T15:15:00Z");
    expect(findSlot(slots, "S2", "2026-11-24T12:00")).toBeUndefined();
  });
});

describe("slots", () => {
  it("groups the slots by stylist, in order", () => {
    const groups = groupSlots([
      slot("S2", "2026-11-24T10:15", "x1"),
      slot("S1", "2026-11-24T10:30", "x2"),
      slot("S1", "2026-11-24T10:15", "x3"),
      slot("S2", "2026-11-24T10:30", "x4"),
    ]);
    expect(groups.map((g) => g.stylistId)).toEqual(["S2", "S1"]);
    expect(groups[1].slots.map((s) => s.local_start)).toEqual(["2026-11-24T10:15", "2026-11-24T10:30"]);
    expect(groups[0].stylistName).toBe("Martín Valdés");
    expect(groupSlots([])).toEqual([]);
  });

  it("offers only stylists with the service's specialty", () => {
    expect(canPerform(stylist(), "eventos")).toBe(true);
    expect(canPerform(stylist(), "sastreria")).toBe(false);
    expect(canPerform(stylist(), null)).toBe(true);
  });
});

describe("appointments", () => {
  it("hides cancelled appointments unless asked", () => {
    const list = [appointment({ id: "a" }), appointment({ id: "b", status: "cancelled" }), appointment({ id: "c", status: "no_show" })];
    expect(visibleAppointments(list, false).map((a) => a.id)).toEqual(["a", "c"]);
    expect(visibleAppointments(list, true).map((a) => a.id)).toEqual(["a", "b", "c"]);
  });

  it("lists one day's appointments by start", () => {
    const list = [
      appointment({ id: "late", local_start: "2026-11-24T16:00" }),
      appointment({ id: "other-day", local_start: "2026-11-25T10:00" }),
      appointment({ id: "early", local_start: "2026-11-24T10:15" }),
    ];
    expect(appointmentsOn(list, "2026-11-24").map((a) => a.id)).toEqual(["early", "late"]);
  });

  it("knows the stylists of a week once each", () => {
    const a = stylist({ id: "S1" });
    const b = stylist({ id: "S2", name: "Martín Valdés" });
    expect(stylistsOf([[a, b], [a], [b, a]])).toEqual([
      { id: "S1", name: "Antonia Reyes" },
      { id: "S2", name: "Martín Valdés" },
    ]);
  });

  it("changes only booked appointments", () => {
    expect(canChange(appointment())).toBe(true);
    for (const status of ["checked_in", "no_show", "cancelled"]) expect(canChange(appointment({ status }))).toBe(false);
  });
});

describe("status and sync labels", () => {
  it("words every status and sync state in both languages", () => {
    for (const status of ["booked", "checked_in", "no_show", "cancelled"]) {
      expect(es[statusKey(status)]).toBeTruthy();
      expect(en[statusKey(status)]).toBeTruthy();
    }
    expect(new Set(["booked", "checked_in", "no_show", "cancelled"].map(statusKey)).size).toBe(4);
    expect(es[syncKey("pending")]).toBe("Pendiente de confirmación");
    expect(es[syncShortKey("pending")]).toBe("Pendiente");
    expect(en[syncKey("pending")]).toBe("Pending confirmation");
    expect(es[syncKey("confirmed")]).toBe("Confirmada");
    expect(es[syncKey("rejected")]).toMatch(/no aceptó/);
    expect(statusTone("checked_in")).toBe("ok");
    expect(statusTone("no_show")).toBe("bad");
    expect(statusTone("cancelled")).toBe("muted");
  });

  it("explains why the central refused a change", () => {
    expect(es[rejectionKey("slot_taken")]).toBe("Ese horario ya no está disponible.");
    expect(en[rejectionKey("slot_taken")]).toBe("That time is no longer available.");
    expect(rejectionKey("not_changeable")).toBe("appt_reject_not_changeable");
    expect(rejectionKey("forbidden")).toBe("appt_reject_forbidden");
    expect(rejectionKey("something new")).toBe("appt_reject_other");
  });

  it("puts on a block what most needs saying", () => {
    expect(blockBadge(appointment())).toBeNull();
    expect(blockBadge(appointment({ sync: "pending" }))).toEqual({ key: "appt_sync_pending_short", tone: "warn" });
    expect(blockBadge(appointment({ sync: "rejected" }))).toEqual({ key: "appt_sync_rejected_short", tone: "bad" });
    expect(blockBadge(appointment({ status: "checked_in" }))).toEqual({ key: "appt_status_checked_in", tone: "ok" });
    // A refusal wins over the status.
    expect(blockBadge(appointment({ status: "checked_in", sync: "rejected" }))?.tone).toBe("bad");
  });
});
