// Pure rules of the appointments agenda: store-local dates and clock times,
// the day grid's geometry (time ↔ pixels, 15-minute snapping, shading, side by
// side blocks), where a dragged block lands, the week, and how an
// appointment's state is worded. Every time here is the store's wall clock
// ("YYYY-MM-DD", minutes after local midnight, "YYYY-MM-DDTHH:MM"); only
// localToUtc and clockMinutes know about instants.
import type { AppointmentView, ClockRange, SlotView, StylistDay } from "./bindings";
import type { MessageKey } from "./i18n/es";

/** The grid step of the calendar and of the central's slots, in minutes. */
export const GRID_MINUTES = 15;
/** Pixels per hour of the day grid. */
export const HOUR_PX = 72;
/** Days offered when booking, today included. */
export const BOOKING_DAYS = 14;
/** The hours shown when nobody works that day (10:00–19:00). */
export const DEFAULT_HOURS: Span = { start: 10 * 60, end: 19 * 60 };

const DAY_MINUTES = 24 * 60;
const DAY_MS = 86_400_000;

/** A stretch of one local day, in minutes after midnight: [start, end). */
export interface Span {
  start: number;
  end: number;
}

// ---- Dates and clock times ---------------------------------------------------

/** "HH:MM" as minutes after midnight; null when it cannot be read. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** Minutes after midnight as "HH:MM" (24:00 for the end of the day). */
export function clockText(minutes: number): string {
  const m = Math.max(0, Math.min(DAY_MINUTES, Math.round(minutes)));
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** "YYYY-MM-DDTHH:MM" split into its date and minutes after midnight. */
export function splitLocal(local: string): { date: string; minutes: number } | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(local);
  if (!m) return null;
  const minutes = parseClock(m[2]);
  return minutes === null ? null : { date: m[1], minutes };
}

/** A date and minutes after midnight as "YYYY-MM-DDTHH:MM". */
export function joinLocal(date: string, minutes: number): string {
  return `${date}T${clockText(minutes)}`;
}

function utcDay(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : t;
}

/** The calendar date `n` days after (or before, when negative) `date`. */
export function addDays(date: string, n: number): string {
  const t = utcDay(date);
  if (t === null) return date;
  return new Date(t + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = utcDay(from);
  const b = utcDay(to);
  if (a === null || b === null) return 0;
  return Math.round((b - a) / DAY_MS);
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayIndex(date: string): number {
  const t = utcDay(date);
  if (t === null) return 0;
  return (new Date(t).getUTCDay() + 6) % 7;
}

export interface DateRange {
  from: string;
  to: string;
  /** Every date of the range, in order. */
  days: string[];
}

/** The week (Monday to Sunday) a date falls in. */
export function weekRange(date: string): DateRange {
  const from = addDays(date, -weekdayIndex(date));
  const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
  return { from, to: days[6], days };
}

export type AgendaView = "day" | "week";

/** The date shown after a previous (-1) or next (+1) step: a day, or a week. */
export function stepDate(date: string, view: AgendaView, direction: -1 | 1): string {
  return addDays(date, direction * (view === "week" ? 7 : 1));
}

/** The dates one can book on: today and the next days, `count` in all. */
export function bookingDates(today: string, count: number = BOOKING_DAYS): string[] {
  return Array.from({ length: count }, (_, i) => addDays(today, i));
}

function zoneOrUndefined(timeZone: string | null | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

function wallClock(ms: number, timeZone: string | undefined): { date: string; minutes: number; seconds: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "0";
  const hour = Number(part("hour")) % 24;
  return {
    date: `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`,
    minutes: hour * 60 + Number(part("minute")),
    seconds: Number(part("second")),
  };
}

/** Minutes after the store's local midnight at an instant. */
export function clockMinutes(nowMs: number, timeZone?: string | null): number {
  return wallClock(nowMs, zoneOrUndefined(timeZone)).minutes;
}

/**
 * The instant (RFC 3339, UTC, whole seconds) a store-local "YYYY-MM-DDTHH:MM"
 * names. Null when it cannot be read or the clocks skip it (the hour a
 * daylight-saving change jumps over); in the hour they repeat, the earlier
 * instant, as the backend reads it.
 */
export function localToUtc(local: string, timeZone: string | null | undefined): string | null {
  const wanted = splitLocal(local);
  const day = wanted ? utcDay(wanted.date) : null;
  if (!wanted || day === null) return null;
  const tz = zoneOrUndefined(timeZone);
  const naive = day + wanted.minutes * 60_000;
  // The zone's offset a little before and a little after: one of them applies.
  const offsets = new Set<number>();
  for (const probe of [naive - 14 * 3_600_000, naive, naive + 14 * 3_600_000]) {
    const w = wallClock(probe, tz);
    const asUtc = (utcDay(w.date) ?? 0) + w.minutes * 60_000 + w.seconds * 1000;
    offsets.add(asUtc - probe);
  }
  const fits = [...offsets]
    .map((offset) => naive - offset)
    .filter((t) => {
      const w = wallClock(t, tz);
      return w.date === wanted.date && w.minutes === wanted.minutes;
    })
    .sort((a, b) => a - b);
  if (fits.length === 0) return null;
  return new Date(fits[0]).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// ---- The day grid --------------------------------------------------------------

function span(range: ClockRange): Span | null {
  const start = parseClock(range.start);
  const end = parseClock(range.end);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

/** Where an appointment sits on its first local day (clipped at midnight). */
export function appointmentSpan(a: Pick<AppointmentView, "local_start" | "local_end">): (Span & { date: string }) | null {
  const start = splitLocal(a.local_start);
  const end = splitLocal(a.local_end);
  if (!start) return null;
  let endMinutes = end && end.date === start.date ? end.minutes : DAY_MINUTES;
  if (end && end.date < start.date) endMinutes = start.minutes;
  return { date: start.date, start: start.minutes, end: Math.max(start.minutes, endMinutes) };
}

/**
 * The hours the day grid shows: from the earliest working period's start to
 * the latest one's end, widened to whole hours and to any appointment outside
 * them. The default hours when nobody works.
 */
export function dayBounds(days: readonly StylistDay[], extra: readonly Span[] = []): Span {
  let start = Infinity;
  let end = -Infinity;
  for (const d of days) {
    if (d.day_off) continue;
    for (const p of d.periods) {
      const s = span(p);
      if (!s) continue;
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
    }
  }
  for (const s of extra) {
    start = Math.min(start, s.start);
    end = Math.max(end, Math.max(s.end, s.start + GRID_MINUTES));
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { ...DEFAULT_HOURS };
  return { start: Math.floor(start / 60) * 60, end: Math.min(DAY_MINUTES, Math.ceil(end / 60) * 60) };
}

/** Height of the grid in pixels. */
export function gridHeight(bounds: Span, hourPx: number = HOUR_PX): number {
  return ((bounds.end - bounds.start) * hourPx) / 60;
}

/** Pixel offset from the grid's top of a time of day. */
export function minutesToPx(minutes: number, bounds: Span, hourPx: number = HOUR_PX): number {
  return ((minutes - bounds.start) * hourPx) / 60;
}

/** The time of day at a pixel offset from the grid's top. */
export function pxToMinutes(px: number, bounds: Span, hourPx: number = HOUR_PX): number {
  return bounds.start + (px * 60) / hourPx;
}

/** The nearest multiple of the step. */
export function snapMinutes(minutes: number, step: number = GRID_MINUTES): number {
  return Math.round(minutes / step) * step;
}

/** Every whole hour from the grid's start to its end, both included. */
export function hourMarks(bounds: Span): number[] {
  const out: number[] = [];
  for (let m = Math.ceil(bounds.start / 60) * 60; m <= bounds.end; m += 60) out.push(m);
  return out;
}

export interface Shade extends Span {
  kind: "off" | "break";
}

/** The stretches of a stylist's column shaded: outside their periods, and their breaks. */
export function shading(day: StylistDay, bounds: Span): Shade[] {
  const periods = day.day_off
    ? []
    : day.periods
        .map(span)
        .filter((s): s is Span => s !== null)
        .sort((a, b) => a.start - b.start);
  const out: Shade[] = [];
  let at = bounds.start;
  for (const p of periods) {
    if (p.start > at) out.push({ start: at, end: Math.min(p.start, bounds.end), kind: "off" });
    at = Math.max(at, p.end);
  }
  if (at < bounds.end) out.push({ start: at, end: bounds.end, kind: "off" });
  if (periods.length > 0) {
    for (const b of day.breaks.map(span)) {
      if (!b) continue;
      const start = Math.max(b.start, bounds.start);
      const end = Math.min(b.end, bounds.end);
      if (end > start) out.push({ start, end, kind: "break" });
    }
  }
  return out.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export interface Lane {
  /** 0-based position from the left. */
  lane: number;
  /** Lanes of the group of overlapping blocks it belongs to. */
  lanes: number;
}

/**
 * Side-by-side placement of the blocks of one column: overlapping blocks share
 * the width, each in the first free lane; a block that overlaps nothing is
 * full width.
 */
export function layoutLanes(items: readonly (Span & { id: string })[]): Map<string, Lane> {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id));
  const out = new Map<string, Lane>();
  let group: { id: string; lane: number }[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -Infinity;
  const close = () => {
    for (const g of group) out.set(g.id, { lane: g.lane, lanes: laneEnds.length });
    group = [];
    laneEnds = [];
  };
  for (const it of sorted) {
    const end = Math.max(it.end, it.start + 1);
    if (it.start >= groupEnd) close();
    let lane = laneEnds.findIndex((e) => e <= it.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(end);
    } else {
      laneEnds[lane] = end;
    }
    group.push({ id: it.id, lane });
    groupEnd = group.length === 1 ? end : Math.max(groupEnd, end);
  }
  close();
  return out;
}

/** The column under a horizontal position, clamped to the first and last. */
export function columnAt(x: number, left: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  const i = Math.floor(((x - left) / width) * count);
  return Math.max(0, Math.min(count - 1, i));
}

export interface DropTarget {
  stylistId: string;
  /** Minutes after midnight, on the 15-minute grid. */
  start: number;
  /** "YYYY-MM-DDTHH:MM". */
  local: string;
}

/**
 * Where a dragged block lands: its start moved by the vertical drag, snapped
 * to 15 minutes and kept inside the grid, in the column under the pointer.
 */
export function dropTarget(
  drag: { date: string; start: number; duration: number },
  move: { dy: number; column: number },
  grid: { bounds: Span; hourPx?: number; stylistIds: readonly string[] },
): DropTarget | null {
  if (grid.stylistIds.length === 0) return null;
  const hourPx = grid.hourPx ?? HOUR_PX;
  const column = Math.max(0, Math.min(grid.stylistIds.length - 1, move.column));
  const moved = snapMinutes(drag.start + (move.dy * 60) / hourPx);
  const latest = Math.max(grid.bounds.start, grid.bounds.end - Math.max(drag.duration, GRID_MINUTES));
  const start = Math.max(grid.bounds.start, Math.min(Math.floor(latest / GRID_MINUTES) * GRID_MINUTES, moved));
  return { stylistId: grid.stylistIds[column], start, local: joinLocal(drag.date, start) };
}

// ---- Slots -------------------------------------------------------------------------

/** The free slot of a stylist starting at a local time, if any. */
export function findSlot(slots: readonly SlotView[], stylistId: string, local: string): SlotView | undefined {
  return slots.find((s) => s.stylist_id === stylistId && s.local_start === local);
}

export interface SlotGroup {
  stylistId: string;
  stylistName: string;
  slots: SlotView[];
}

/** Slots by stylist, each stylist once, in the order they first appear; by start inside. */
export function groupSlots(slots: readonly SlotView[]): SlotGroup[] {
  const groups: SlotGroup[] = [];
  for (const s of slots) {
    let g = groups.find((x) => x.stylistId === s.stylist_id);
    if (!g) {
      g = { stylistId: s.stylist_id, stylistName: s.stylist_name, slots: [] };
      groups.push(g);
    }
    g.slots.push(s);
  }
  for (const g of groups) g.slots.sort((a, b) => a.local_start.localeCompare(b.local_start));
  return groups;
}

/** Whether a stylist can perform a service (it needs no specialty, or they have it). */
export function canPerform(stylist: Pick<StylistDay, "specialties">, specialty: string | null): boolean {
  return !specialty || stylist.specialties.includes(specialty);
}

// ---- Appointments ----------------------------------------------------------------------

/** Cancelled appointments are shown only when asked for. */
export function visibleAppointments<T extends Pick<AppointmentView, "status">>(list: readonly T[], showCancelled: boolean): T[] {
  return showCancelled ? [...list] : list.filter((a) => a.status !== "cancelled");
}

/** Only a booked appointment can be moved, checked in, marked a no-show or cancelled. */
export function canChange(a: Pick<AppointmentView, "status">): boolean {
  return a.status === "booked";
}

/** The appointments of one date, by start. */
export function appointmentsOn<T extends Pick<AppointmentView, "local_start" | "stylist_id">>(list: readonly T[], date: string): T[] {
  return list
    .filter((a) => a.local_start.slice(0, 10) === date)
    .sort((a, b) => a.local_start.localeCompare(b.local_start) || a.stylist_id.localeCompare(b.stylist_id));
}

/** The stylists of several days, each once, in the order they first appear. */
export function stylistsOf(days: readonly (readonly StylistDay[])[]): { id: string; name: string }[] {
  const out: { id: string; name: string }[] = [];
  for (const list of days) {
    for (const d of list) if (!out.some((s) => s.id === d.id)) out.push({ id: d.id, name: d.name });
  }
  return out;
}

export type Tone = "ok" | "busy" | "warn" | "bad" | "muted";

export function statusKey(status: string): MessageKey {
  switch (status) {
    case "checked_in":
      return "appt_status_checked_in";
    case "no_show":
      return "appt_status_no_show";
    case "cancelled":
      return "appt_status_cancelled";
    default:
      return "appt_status_booked";
  }
}

export function statusTone(status: string): Tone {
  switch (status) {
    case "checked_in":
      return "ok";
    case "no_show":
      return "bad";
    case "cancelled":
      return "muted";
    default:
      return "busy";
  }
}

/** The sync state in full (detail sheet). */
export function syncKey(sync: AppointmentView["sync"]): MessageKey {
  switch (sync) {
    case "pending":
      return "appt_sync_pending";
    case "rejected":
      return "appt_sync_rejected";
    case "confirmed":
      return "appt_sync_confirmed";
  }
}

/** The sync state in a word (calendar blocks). */
export function syncShortKey(sync: AppointmentView["sync"]): MessageKey {
  switch (sync) {
    case "pending":
      return "appt_sync_pending_short";
    case "rejected":
      return "appt_sync_rejected_short";
    case "confirmed":
      return "appt_sync_confirmed";
  }
}

/** Why the central refused the last change made here. */
export function rejectionKey(reason: string): MessageKey {
  switch (reason) {
    case "slot_taken":
      return "appt_reject_slot_taken";
    case "not_changeable":
      return "appt_reject_not_changeable";
    case "forbidden":
      return "appt_reject_forbidden";
    case "invalid":
      return "appt_reject_invalid";
    default:
      return "appt_reject_other";
  }
}

/** The one badge a calendar block shows beside the customer: what most needs saying. */
export function blockBadge(a: Pick<AppointmentView, "status" | "sync">): { key: MessageKey; tone: Tone } | null {
  if (a.sync === "rejected") return { key: syncShortKey("rejected"), tone: "bad" };
  if (a.sync === "pending") return { key: syncShortKey("pending"), tone: "warn" };
  if (a.status === "booked") return null;
  return { key: statusKey(a.status), tone: statusTone(a.status) };
}
