// Pure rules of a stylist's schedule editor: the editor's rows (one working
// period per weekday, one daily break, the exceptions by date) read from a
// StylistSchedule and turned back into the ScheduleInput a manager submits,
// and what is wrong with them before the PIN is asked for. Times are the
// store's wall clock ("HH:MM"), dates the store's ("YYYY-MM-DD").
import type { UiError } from "./api";
import type { ClockDay, ScheduleException, ScheduleInput, StylistSchedule } from "./bindings";
import type { MessageKey } from "./i18n/es";
import { addDays, clockText, GRID_MINUTES, parseClock } from "./agenda";

/** The weekdays as the backend names them, Monday first. */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** How far ahead an exception can be added, in days from today. */
export const EXCEPTION_DAYS = 120;

/** Hours offered to a weekday switched on that had none. */
export const DEFAULT_HOURS = { start: "10:00", end: "19:00" } as const;
/** The break offered when there was none. */
export const DEFAULT_BREAK = { start: "14:00", end: "15:00" } as const;

export interface DayRow {
  weekday: Weekday;
  works: boolean;
  start: string;
  end: string;
  /** Takes the daily break (when there is one and the day is worked). */
  rest: boolean;
}

export interface BreakRow {
  on: boolean;
  start: string;
  end: string;
}

export type ExceptionKind = "day_off" | "hours";

export interface ExceptionRow {
  date: string;
  kind: ExceptionKind;
  /** Used when the kind is "hours". */
  start: string;
  end: string;
}

/** What the editor shows and changes. */
export interface ScheduleForm {
  days: DayRow[];
  breakRow: BreakRow;
  exceptions: ExceptionRow[];
}

// ---- Weekdays ---------------------------------------------------------------------

/** "Mon" … "Sun" for any spelling of a weekday ("mon", "Monday"); null otherwise. */
export function toWeekday(text: string): Weekday | null {
  const head = text.trim().slice(0, 3).toLowerCase();
  return WEEKDAYS.find((w) => w.toLowerCase() === head) ?? null;
}

/** 0 for Monday … 6 for Sunday; 7 for what is not a weekday (it sorts last). */
export function weekdayOrder(text: string): number {
  const w = toWeekday(text);
  return w === null ? 7 : WEEKDAYS.indexOf(w);
}

/** Weekday rows (or ClockDays) Monday first, then by start. */
export function byWeekday<T extends { weekday: string; start: string }>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) => weekdayOrder(a.weekday) - weekdayOrder(b.weekday) || (parseClock(a.start) ?? 0) - (parseClock(b.start) ?? 0),
  );
}

export function weekdayKey(w: Weekday): MessageKey {
  switch (w) {
    case "Mon":
      return "schedule_mon";
    case "Tue":
      return "schedule_tue";
    case "Wed":
      return "schedule_wed";
    case "Thu":
      return "schedule_thu";
    case "Fri":
      return "schedule_fri";
    case "Sat":
      return "schedule_sat";
    case "Sun":
      return "schedule_sun";
  }
}

// ---- Clock times ----------------------------------------------------------------------

/** "9:00" as "09:00"; what cannot be read is left as typed (trimmed). */
export function tidyClock(text: string): string {
  const m = parseClock(text);
  return m === null ? text.trim() : clockText(m);
}

/** What is wrong with a start and an end, if anything. */
export function rangeIssue(start: string, end: string): MessageKey | null {
  const s = parseClock(start);
  const e = parseClock(end);
  if (s === null || e === null) return "schedule_error_time";
  if (e <= s) return "schedule_error_order";
  if (s % GRID_MINUTES !== 0 || e % GRID_MINUTES !== 0) return "schedule_error_step";
  return null;
}

// ---- Exceptions ----------------------------------------------------------------------

function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && addDays(text, 0) === text && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** By date, one per date: a later entry for a date replaces an earlier one. */
export function tidyExceptions<T extends { date: string }>(list: readonly T[]): T[] {
  const byDate = new Map<string, T>();
  for (const e of list) byDate.set(e.date, e);
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The list with `row` added (replacing any exception on its date). */
export function addException(list: readonly ExceptionRow[], row: ExceptionRow): ExceptionRow[] {
  return tidyExceptions([...list, { ...row }]);
}

export function removeException(list: readonly ExceptionRow[], date: string): ExceptionRow[] {
  return list.filter((e) => e.date !== date);
}

/** The dates an exception can be added on: today to EXCEPTION_DAYS days ahead. */
export function exceptionWindow(today: string, days: number = EXCEPTION_DAYS): { min: string; max: string } {
  return { min: today, max: addDays(today, days) };
}

/** The exceptions still to come (past ones are kept but not shown). */
export function upcomingExceptions<T extends { date: string }>(list: readonly T[], today: string): T[] {
  return list.filter((e) => e.date >= today);
}

/** What is wrong with an exception about to be added, if anything. */
export function newExceptionIssue(row: ExceptionRow, today: string, days: number = EXCEPTION_DAYS): MessageKey | null {
  if (!isDate(row.date)) return "schedule_error_date";
  const { min, max } = exceptionWindow(today, days);
  if (row.date < min || row.date > max) return "schedule_error_date_range";
  return row.kind === "hours" ? rangeIssue(row.start, row.end) : null;
}

// ---- From the schedule and back ------------------------------------------------------------

function sameInput(a: ScheduleInput, b: ScheduleInput): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** An input in one spelling: weekdays in order, clocks as "HH:MM", exceptions by date. */
function canonical(input: ScheduleInput): ScheduleInput {
  const days = (list: readonly ClockDay[]) =>
    byWeekday(list).map((d) => ({ weekday: toWeekday(d.weekday) ?? d.weekday, start: tidyClock(d.start), end: tidyClock(d.end) }));
  return {
    weekly_hours: days(input.weekly_hours),
    breaks: days(input.breaks),
    exceptions: tidyExceptions(input.exceptions).map((e) =>
      e.kind === "hours"
        ? { date: e.date, kind: e.kind, start: tidyClock(e.start ?? ""), end: tidyClock(e.end ?? "") }
        : { date: e.date, kind: e.kind, start: null, end: null },
    ),
  };
}

/** The break most working days share (ties: the one of the earliest weekday). */
function commonBreak(breaks: readonly ClockDay[]): { start: string; end: string } | null {
  const counts = new Map<string, { start: string; end: string; days: Set<number>; first: number }>();
  for (const b of breaks) {
    const day = weekdayOrder(b.weekday);
    if (day > 6) continue;
    const start = tidyClock(b.start);
    const end = tidyClock(b.end);
    const key = `${start}-${end}`;
    const entry = counts.get(key) ?? { start, end, days: new Set<number>(), first: day };
    entry.days.add(day);
    entry.first = Math.min(entry.first, day);
    counts.set(key, entry);
  }
  const best = [...counts.values()].sort((a, b) => b.days.size - a.days.size || a.first - b.first)[0];
  return best ? { start: best.start, end: best.end } : null;
}

/**
 * The editor's rows for a schedule. `simplified` is true when the editor
 * cannot show it as it is (a weekday with several periods, breaks at
 * different times on different days, a break on a day off): saving then sends
 * what the rows say.
 */
export function fromSchedule(schedule: Pick<StylistSchedule, "weekly_hours" | "breaks" | "exceptions">): {
  form: ScheduleForm;
  simplified: boolean;
} {
  const hours = byWeekday(schedule.weekly_hours);
  const first = hours.find((h) => toWeekday(h.weekday) !== null);
  const fallback = first ? { start: tidyClock(first.start), end: tidyClock(first.end) } : DEFAULT_HOURS;
  const common = commonBreak(schedule.breaks);
  const breakDays = new Set(schedule.breaks.map((b) => toWeekday(b.weekday)));
  const days: DayRow[] = WEEKDAYS.map((weekday) => {
    const periods = hours.filter((h) => toWeekday(h.weekday) === weekday);
    // A day switched on later takes the break.
    if (periods.length === 0) return { weekday, works: false, start: fallback.start, end: fallback.end, rest: true };
    // One period a day here: from the first start to the last end.
    const starts = periods.map((p) => parseClock(p.start) ?? Infinity);
    const ends = periods.map((p) => parseClock(p.end) ?? -Infinity);
    const start = Math.min(...starts);
    const end = Math.max(...ends);
    return {
      weekday,
      works: true,
      start: Number.isFinite(start) ? clockText(start) : tidyClock(periods[0].start),
      end: Number.isFinite(end) ? clockText(end) : tidyClock(periods[0].end),
      rest: !common || breakDays.has(weekday),
    };
  });
  const breakRow: BreakRow = common ? { on: true, ...common } : { on: false, ...DEFAULT_BREAK };
  const exceptions: ExceptionRow[] = tidyExceptions(schedule.exceptions).map((e) => ({
    date: e.date,
    kind: e.kind === "hours" ? "hours" : "day_off",
    start: e.kind === "hours" ? tidyClock(e.start ?? "") : DEFAULT_HOURS.start,
    end: e.kind === "hours" ? tidyClock(e.end ?? "") : DEFAULT_HOURS.end,
  }));
  const form: ScheduleForm = { days, breakRow, exceptions };
  const original: ScheduleInput = { weekly_hours: schedule.weekly_hours, breaks: schedule.breaks, exceptions: schedule.exceptions };
  return { form, simplified: !sameInput(toInput(form), original) };
}

/**
 * The schedule the rows describe: the working weekdays Monday first, the
 * break on each of them that takes it (never on a day off), the exceptions by
 * date, one per date.
 */
export function toInput(form: ScheduleForm): ScheduleInput {
  const working = byWeekday(form.days).filter((d) => d.works);
  const weekly_hours: ClockDay[] = working.map((d) => ({ weekday: d.weekday, start: tidyClock(d.start), end: tidyClock(d.end) }));
  const breaks: ClockDay[] = form.breakRow.on
    ? working.filter((d) => d.rest).map((d) => ({ weekday: d.weekday, start: tidyClock(form.breakRow.start), end: tidyClock(form.breakRow.end) }))
    : [];
  const exceptions: ScheduleException[] = tidyExceptions(form.exceptions).map((e) =>
    e.kind === "hours"
      ? { date: e.date, kind: "hours", start: tidyClock(e.start), end: tidyClock(e.end) }
      : { date: e.date, kind: "day_off", start: null, end: null },
  );
  return { weekly_hours, breaks, exceptions };
}

// ---- Checks -------------------------------------------------------------------------------

/** Where a problem is: "day:Mon", "break" or "exception:YYYY-MM-DD". */
export type IssueTarget = `day:${Weekday}` | "break" | `exception:${string}`;

export interface ScheduleIssue {
  target: IssueTarget;
  key: MessageKey;
}

/** Everything wrong with the rows, in the order they are shown; empty when they can be saved. */
export function validateSchedule(form: ScheduleForm): ScheduleIssue[] {
  const out: ScheduleIssue[] = [];
  for (const d of byWeekday(form.days)) {
    if (!d.works) continue;
    const key = rangeIssue(d.start, d.end);
    if (key) out.push({ target: `day:${d.weekday}`, key });
  }
  if (form.breakRow.on && form.days.some((d) => d.works && d.rest)) {
    const key = rangeIssue(form.breakRow.start, form.breakRow.end);
    if (key) out.push({ target: "break", key });
  }
  for (const e of tidyExceptions(form.exceptions)) {
    const key = !isDate(e.date) ? "schedule_error_date" : e.kind === "hours" ? rangeIssue(e.start, e.end) : null;
    if (key) out.push({ target: `exception:${e.date}`, key });
  }
  return out;
}

/** The issue of one row, if any. */
export function issueAt(issues: readonly ScheduleIssue[], target: IssueTarget): ScheduleIssue | undefined {
  return issues.find((i) => i.target === target);
}

/**
 * Whether a refusal is the PIN's (wrong, locked, or not a manager's): the PIN
 * pad shows it and stays open for another PIN. Anything else is the
 * schedule's or the device's.
 */
export function isPinRefusal(err: UiError): boolean {
  return err.code === "wrong_pin" || err.code === "pin_locked" || (err.code === "invalid" && err.field === "pin");
}
