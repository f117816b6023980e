import { describe, expect, it } from "vitest";
import type { StylistSchedule } from "./bindings";
import { errorMessageKey, translate } from "./i18n/translate";
import {
  addException,
  byWeekday,
  DEFAULT_HOURS,
  exceptionWindow,
  fromSchedule,
  isPinRefusal,
  issueAt,
  newExceptionIssue,
  rangeIssue,
  removeException,
  tidyClock,
  tidyExceptions,
  toInput,
  toWeekday,
  upcomingExceptions,
  validateSchedule,
  weekdayKey,
  weekdayOrder,
  WEEKDAYS,
  type ExceptionRow,
  type ScheduleForm,
} from "./schedule";

const week = (start: string, end: string, days: readonly string[] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]) =>
  days.map((weekday) => ({ weekday, start, end }));

/** The demo chain's first stylist: Monday to Saturday 10–19 with lunch, Sunday 11–17 without. */
const ANTONIA: StylistSchedule = {
  stylist_id: "CL-SCL-01-STY-1",
  name: "Antonia Reyes",
  weekly_hours: [...week("10:00", "19:00"), { weekday: "Sun", start: "11:00", end: "17:00" }],
  breaks: week("14:00", "15:00"),
  exceptions: [],
  pending: false,
};

function form(patch: Partial<ScheduleForm> = {}): ScheduleForm {
  return { ...fromSchedule(ANTONIA).form, ...patch };
}

describe("weekdays", () => {
  it("are Monday first, whatever the spelling", () => {
    expect(WEEKDAYS).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(toWeekday("mon")).toBe("Mon");
    expect(toWeekday("Sunday")).toBe("Sun");
    expect(toWeekday("Lunes")).toBeNull();
    expect(weekdayOrder("Mon")).toBe(0);
    expect(weekdayOrder("Sun")).toBe(6);
    expect(weekdayOrder("??")).toBe(7);
  });

  it("sort Monday to Sunday, then by start", () => {
    const sorted = byWeekday([
      { weekday: "Sun", start: "11:00" },
      { weekday: "Wed", start: "15:00" },
      { weekday: "Mon", start: "10:00" },
      { weekday: "Wed", start: "9:00" },
    ]);
    expect(sorted.map((d) => `${d.weekday} ${d.start}`)).toEqual(["Mon 10:00", "Wed 9:00", "Wed 15:00", "Sun 11:00"]);
  });

  it("have a name in both languages", () => {
    expect(translate("es", weekdayKey("Wed"))).toBe("Miércoles");
    expect(translate("en", weekdayKey("Sun"))).toBe("Sunday");
  });
});

describe("reading a schedule into the editor", () => {
  it("gives a row per weekday, Monday first, with the break on the days that take it", () => {
    const { form: f, simplified } = fromSchedule(ANTONIA);
    expect(simplified).toBe(false);
    expect(f.days.map((d) => d.weekday)).toEqual([...WEEKDAYS]);
    expect(f.days.every((d) => d.works)).toBe(true);
    expect(f.days[0]).toEqual({ weekday: "Mon", works: true, start: "10:00", end: "19:00", rest: true });
    expect(f.days[6]).toEqual({ weekday: "Sun", works: true, start: "11:00", end: "17:00", rest: false });
    expect(f.breakRow).toEqual({ on: true, start: "14:00", end: "15:00" });
    expect(f.exceptions).toEqual([]);
  });

  it("reads the weekly hours in any order", () => {
    const shuffled = { ...ANTONIA, weekly_hours: [...ANTONIA.weekly_hours].reverse(), breaks: [...ANTONIA.breaks].reverse() };
    expect(fromSchedule(shuffled)).toEqual(fromSchedule(ANTONIA));
  });

  it("shows a day without hours as not worked, with hours ready to switch it on", () => {
    const { form: f } = fromSchedule({ ...ANTONIA, weekly_hours: week("09:00", "18:00", ["Mon", "Tue"]), breaks: [] });
    expect(f.days.filter((d) => d.works).map((d) => d.weekday)).toEqual(["Mon", "Tue"]);
    expect(f.days[2]).toEqual({ weekday: "Wed", works: false, start: "09:00", end: "18:00", rest: true });
    expect(f.breakRow.on).toBe(false);
  });

  it("falls back to the default hours when nobody set any", () => {
    const { form: f, simplified } = fromSchedule({ ...ANTONIA, weekly_hours: [], breaks: [] });
    expect(f.days.every((d) => !d.works && d.start === DEFAULT_HOURS.start && d.end === DEFAULT_HOURS.end)).toBe(true);
    expect(simplified).toBe(false);
  });

  it("joins several periods of a day into one, and says it simplified", () => {
    const split = {
      ...ANTONIA,
      weekly_hours: [
        { weekday: "Mon", start: "15:00", end: "19:00" },
        { weekday: "Mon", start: "10:00", end: "14:00" },
      ],
      breaks: [],
    };
    const { form: f, simplified } = fromSchedule(split);
    expect(f.days[0]).toMatchObject({ works: true, start: "10:00", end: "19:00" });
    expect(simplified).toBe(true);
  });

  it("keeps the break most days share when they differ, and says it simplified", () => {
    const mixed = {
      ...ANTONIA,
      breaks: [...week("14:00", "15:00", ["Mon", "Tue", "Wed"]), ...week("13:00", "14:00", ["Thu", "Fri"])],
    };
    const { form: f, simplified } = fromSchedule(mixed);
    expect(f.breakRow).toEqual({ on: true, start: "14:00", end: "15:00" });
    expect(f.days.filter((d) => d.rest && d.works).map((d) => d.weekday)).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri"]);
    expect(simplified).toBe(true);
  });

  it("lists the exceptions by date, one per date, with times only for special hours", () => {
    const { form: f } = fromSchedule({
      ...ANTONIA,
      exceptions: [
        { date: "2026-12-24", kind: "hours", start: "10:00", end: "14:00" },
        { date: "2026-12-08", kind: "day_off", start: null, end: null },
        { date: "2026-12-24", kind: "day_off", start: null, end: null },
      ],
    });
    expect(f.exceptions.map((e) => [e.date, e.kind])).toEqual([
      ["2026-12-08", "day_off"],
      ["2026-12-24", "day_off"],
    ]);
  });
});

describe("turning the editor back into a schedule", () => {
  it("gives back what it read", () => {
    expect(toInput(fromSchedule(ANTONIA).form)).toEqual({
      weekly_hours: ANTONIA.weekly_hours,
      breaks: ANTONIA.breaks,
      exceptions: [],
    });
  });

  it("sends the weekdays Monday first, whatever the rows' order", () => {
    const f = form();
    f.days = [...f.days].reverse();
    expect(toInput(f).weekly_hours.map((d) => d.weekday)).toEqual([...WEEKDAYS]);
  });

  it("puts the break only on the days worked that take it", () => {
    const f = form();
    f.days = f.days.map((d) => (d.weekday === "Wed" ? { ...d, works: false } : d.weekday === "Sun" ? { ...d, rest: true } : d));
    const input = toInput(f);
    expect(input.weekly_hours.map((d) => d.weekday)).toEqual(["Mon", "Tue", "Thu", "Fri", "Sat", "Sun"]);
    expect(input.breaks.map((d) => d.weekday)).toEqual(["Mon", "Tue", "Thu", "Fri", "Sat", "Sun"]);
    expect(input.breaks.every((b) => b.start === "14:00" && b.end === "15:00")).toBe(true);
  });

  it("sends no break when there is none", () => {
    const f = form({ breakRow: { on: false, start: "14:00", end: "15:00" } });
    expect(toInput(f).breaks).toEqual([]);
  });

  it("writes times as HH:MM", () => {
    const f = form();
    f.days[0] = { ...f.days[0], start: "9:00", end: " 18:30 " };
    expect(toInput(f).weekly_hours[0]).toEqual({ weekday: "Mon", start: "09:00", end: "18:30" });
    expect(tidyClock("7:5")).toBe("7:5");
  });

  it("sorts the exceptions by date, one per date (the last one set wins), times only for special hours", () => {
    const f = form({
      exceptions: [
        { date: "2026-12-24", kind: "day_off", start: "10:00", end: "19:00" },
        { date: "2026-12-08", kind: "hours", start: "11:00", end: "15:00" },
        { date: "2026-12-24", kind: "hours", start: "10:00", end: "14:00" },
      ],
    });
    expect(toInput(f).exceptions).toEqual([
      { date: "2026-12-08", kind: "hours", start: "11:00", end: "15:00" },
      { date: "2026-12-24", kind: "hours", start: "10:00", end: "14:00" },
    ]);
  });
});

describe("exceptions", () => {
  const dayOff = (date: string): ExceptionRow => ({ date, kind: "day_off", start: "10:00", end: "19:00" });

  it("are kept by date, one per date", () => {
    expect(tidyExceptions([{ date: "2026-12-24", n: 1 }, { date: "2026-12-08", n: 2 }, { date: "2026-12-24", n: 3 }])).toEqual([
      { date: "2026-12-08", n: 2 },
      { date: "2026-12-24", n: 3 },
    ]);
  });

  it("added on a date that has one replace it", () => {
    let list = addException([], dayOff("2026-12-24"));
    list = addException(list, dayOff("2026-12-08"));
    list = addException(list, { date: "2026-12-24", kind: "hours", start: "10:00", end: "14:00" });
    expect(list.map((e) => `${e.date} ${e.kind}`)).toEqual(["2026-12-08 day_off", "2026-12-24 hours"]);
    expect(removeException(list, "2026-12-08").map((e) => e.date)).toEqual(["2026-12-24"]);
  });

  it("can be added from today to 120 days ahead", () => {
    expect(exceptionWindow("2026-11-24")).toEqual({ min: "2026-11-24", max: "2027-03-24" });
    expect(newExceptionIssue(dayOff("2026-11-24"), "2026-11-24")).toBeNull();
    expect(newExceptionIssue(dayOff("2027-03-24"), "2026-11-24")).toBeNull();
    expect(newExceptionIssue(dayOff("2027-03-25"), "2026-11-24")).toBe("schedule_error_date_range");
    expect(newExceptionIssue(dayOff("2026-11-23"), "2026-11-24")).toBe("schedule_error_date_range");
    expect(newExceptionIssue(dayOff(""), "2026-11-24")).toBe("schedule_error_date");
    expect(newExceptionIssue(dayOff("2026-02-30"), "2026-01-10")).toBe("schedule_error_date");
  });

  it("with special hours need an end after the start", () => {
    const hours = (start: string, end: string): ExceptionRow => ({ date: "2026-11-26", kind: "hours", start, end });
    expect(newExceptionIssue(hours("10:00", "14:00"), "2026-11-24")).toBeNull();
    expect(newExceptionIssue(hours("14:00", "10:00"), "2026-11-24")).toBe("schedule_error_order");
    expect(newExceptionIssue(hours("", "10:00"), "2026-11-24")).toBe("schedule_error_time");
  });

  it("past ones are kept but not listed", () => {
    const list = [dayOff("2026-11-20"), dayOff("2026-11-24"), dayOff("2026-12-01")];
    expect(upcomingExceptions(list, "2026-11-24").map((e) => e.date)).toEqual(["2026-11-24", "2026-12-01"]);
    expect(toInput(form({ exceptions: list })).exceptions).toHaveLength(3);
  });
});

describe("checks before the PIN", () => {
  it("need an end after the start, on the 15-minute grid", () => {
    expect(rangeIssue("10:00", "19:00")).toBeNull();
    expect(rangeIssue("19:00", "10:00")).toBe("schedule_error_order");
    expect(rangeIssue("10:00", "10:00")).toBe("schedule_error_order");
    expect(rangeIssue("10:10", "19:00")).toBe("schedule_error_step");
    expect(rangeIssue("", "19:00")).toBe("schedule_error_time");
    expect(rangeIssue("25:00", "26:00")).toBe("schedule_error_time");
  });

  it("pass a schedule as read", () => {
    expect(validateSchedule(form())).toEqual([]);
  });

  it("point at each row that is wrong, Monday first", () => {
    const f = form();
    f.days = f.days.map((d) =>
      d.weekday === "Fri" ? { ...d, start: "19:00", end: "10:00" } : d.weekday === "Tue" ? { ...d, end: "" } : d,
    );
    f.breakRow = { on: true, start: "15:00", end: "14:00" };
    f.exceptions = [{ date: "2026-12-24", kind: "hours", start: "14:00", end: "10:00" }];
    const issues = validateSchedule(f);
    expect(issues).toEqual([
      { target: "day:Tue", key: "schedule_error_time" },
      { target: "day:Fri", key: "schedule_error_order" },
      { target: "break", key: "schedule_error_order" },
      { target: "exception:2026-12-24", key: "schedule_error_order" },
    ]);
    expect(issueAt(issues, "break")?.key).toBe("schedule_error_order");
    expect(issueAt(issues, "day:Mon")).toBeUndefined();
    expect(translate("es", "schedule_error_order")).toBe("La hora de término debe ser posterior a la de inicio");
  });

  it("ignore the hours of a day not worked, and the break when no day takes it", () => {
    const f = form();
    f.days = f.days.map((d) => ({ ...d, works: d.weekday === "Sun", start: d.weekday === "Mon" ? "19:00" : d.start, end: d.weekday === "Mon" ? "10:00" : d.end }));
    f.breakRow = { on: true, start: "15:00", end: "14:00" };
    expect(validateSchedule(f)).toEqual([]);
  });
});

describe("refusals", () => {
  it("of the PIN stay on the pad; the rest go to the sheet", () => {
    expect(isPinRefusal({ code: "wrong_pin", attempts_left: 3 })).toBe(true);
    expect(isPinRefusal({ code: "pin_locked", retry_after_s: 30 })).toBe(true);
    expect(isPinRefusal({ code: "invalid", field: "pin", reason: "not_manager" })).toBe(true);
    expect(isPinRefusal({ code: "invalid", field: "weekly_hours", reason: "order" })).toBe(false);
    expect(isPinRefusal({ code: "not_found" })).toBe(false);
  });

  it("are worded for the associate", () => {
    const words = (lang: "es" | "en", err: Parameters<typeof errorMessageKey>[0]) => translate(lang, ...errorMessageKey(err));
    expect(words("es", { code: "invalid", field: "pin", reason: "not_manager" })).toBe("Solo un encargado de tienda puede cambiar horarios");
    expect(words("en", { code: "invalid", field: "pin", reason: "not_manager" })).toBe("Only a store manager can change schedules");
    expect(words("es", { code: "invalid", field: "weekly_hours", reason: "order" })).toBe(
      "La hora de término debe ser posterior a la de inicio",
    );
    expect(words("es", { code: "invalid", field: "exceptions", reason: "order" })).toBe(
      "La hora de término debe ser posterior a la de inicio",
    );
    expect(words("en", { code: "invalid", field: "exceptions", reason: "order" })).toBe("The end time must be after the start time");
  });
});
