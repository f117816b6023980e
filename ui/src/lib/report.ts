// The manager's store report: date ranges in the store's calendar and the
// per-hour chart's stacking and scale. Pure: the clock and the time zone are
// parameters.
import { addDays, daysBetween } from "./agenda";
import type { ChannelAmount, DayTotals, HourTotals, SalesReport } from "./bindings";
import { civilDate } from "./i18n/format";
import type { MessageKey } from "./i18n/es";

export type RangePreset = "today" | "yesterday" | "week";
export const RANGE_PRESETS: readonly RangePreset[] = ["today", "yesterday", "week"];

export interface ReportRange {
  /** ISO dates of the store's calendar, both included. */
  from: string;
  to: string;
}

/** The longest range a report covers, in days (both ends counted). */
export const MAX_REPORT_DAYS = 366;

/**
 * A preset's dates on the store's calendar at `nowMs`: today, yesterday, or
 * the last 7 days (today and the 6 before). Days are counted on the calendar,
 * not in 24-hour steps, so a daylight-saving change never shifts them.
 */
export function presetRange(preset: RangePreset, nowMs: number, timeZone: string | null | undefined): ReportRange {
  const today = civilDate(nowMs, timeZone);
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "yesterday": {
      const yesterday = addDays(today, -1);
      return { from: yesterday, to: yesterday };
    }
    case "week":
      return { from: addDays(today, -6), to: today };
  }
}

/** The preset a range is, at `nowMs`; null for a custom range. */
export function presetOf(range: ReportRange, nowMs: number, timeZone: string | null | undefined): RangePreset | null {
  for (const p of RANGE_PRESETS) {
    const r = presetRange(p, nowMs, timeZone);
    if (r.from === range.from && r.to === range.to) return p;
  }
  return null;
}

/** Days in a range, both ends counted. */
export function rangeDays(range: ReportRange): number {
  return daysBetween(range.from, range.to) + 1;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function realDate(date: string): boolean {
  if (!ISO_DATE.test(date)) return false;
  return addDays(date, 0) === date;
}

/** What is wrong with a custom range, if anything. */
export function rangeIssue(range: ReportRange, today: string): MessageKey | null {
  if (!realDate(range.from) || !realDate(range.to)) return "report_range_missing";
  if (range.to < range.from) return "report_range_order";
  if (range.from > today) return "report_range_future";
  if (rangeDays(range) > MAX_REPORT_DAYS) return "report_range_long";
  return null;
}

// ---- The per-hour chart ---------------------------------------------------------

/** The store's usual opening hours: the chart shows at least these (08:00–22:00). */
export const OPEN_HOURS = { from: 8, to: 22 } as const;

function active(h: HourTotals): boolean {
  return h.transactions > 0 || h.net_minor !== 0 || h.channels.some((c) => c.net_minor !== 0);
}

/**
 * The hours the chart shows, in order: the opening hours, widened to any hour
 * with activity before or after them.
 */
export function chartHours(hours: readonly HourTotals[], open: { from: number; to: number } = OPEN_HOURS): number[] {
  let first = open.from;
  let last = open.to - 1;
  for (const h of hours) {
    if (!active(h)) continue;
    first = Math.min(first, h.hour);
    last = Math.max(last, h.hour);
  }
  first = Math.max(0, first);
  last = Math.min(23, last);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** The channels of a report in its order, with any channel an hour or a day names that it does not. */
export function channelOrder(report: Pick<SalesReport, "channels" | "hours">): string[] {
  const order = report.channels.map((c) => c.channel);
  for (const h of report.hours) {
    for (const c of h.channels) if (!order.includes(c.channel)) order.push(c.channel);
  }
  return order;
}

/** One channel's part of a bar, in minor units: from `from` to `to` (from < to). */
export interface Segment {
  channel: string;
  from: number;
  to: number;
}

/**
 * Stacks an hour's nets by channel, in `order`: positive nets upward from 0,
 * negative ones (more returned than sold) downward from 0. Zero nets leave no
 * segment.
 */
export function stackHour(channels: readonly ChannelAmount[], order: readonly string[]): Segment[] {
  const rank = (c: string) => {
    const i = order.indexOf(c);
    return i < 0 ? order.length : i;
  };
  const sorted = [...channels].sort((a, b) => rank(a.channel) - rank(b.channel) || a.channel.localeCompare(b.channel));
  const out: Segment[] = [];
  let up = 0;
  let down = 0;
  for (const c of sorted) {
    if (c.net_minor > 0) {
      out.push({ channel: c.channel, from: up, to: up + c.net_minor });
      up += c.net_minor;
    } else if (c.net_minor < 0) {
      out.push({ channel: c.channel, from: down + c.net_minor, to: down });
      down += c.net_minor;
    }
  }
  return out;
}

export interface Scale {
  min: number;
  max: number;
  step: number;
  /** From min to max, every step; 0 is always one of them. */
  ticks: number[];
}

/** A round step (1, 2, 2.5 or 5 times a power of ten) that splits `span` in about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  // Minor units are whole: a step is never below 1.
  return Math.max(1, nice * magnitude);
}

/** A value axis from the lowest to the highest value, always through 0, on round ticks. */
export function niceScale(low: number, high: number, count = 4): Scale {
  const lo = Math.min(0, low);
  const hi = Math.max(0, high);
  if (lo === 0 && hi === 0) return { min: 0, max: 1, step: 1, ticks: [0, 1] };
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0, v = min; v <= max + step / 2; i++, v = min + i * step) ticks.push(Math.abs(v) < step / 2 ? 0 : v);
  return { min, max, step, ticks };
}

/** The scale for a set of stacked bars. */
export function stackScale(stacks: readonly (readonly Segment[])[], count = 4): Scale {
  let low = 0;
  let high = 0;
  for (const s of stacks) {
    for (const seg of s) {
      low = Math.min(low, seg.from);
      high = Math.max(high, seg.to);
    }
  }
  return niceScale(low, high, count);
}

/** Where a value sits on an axis `size` pixels tall, from `top` (the axis's max) down. */
export function valueToY(value: number, scale: Pick<Scale, "min" | "max">, top: number, size: number): number {
  const span = scale.max - scale.min || 1;
  return top + ((scale.max - value) / span) * size;
}

/** Each day's bar length, 0–1 of the largest net (by size) of the range. */
export function dayShares(days: readonly DayTotals[]): number[] {
  const most = Math.max(0, ...days.map((d) => Math.abs(d.net_minor)));
  return days.map((d) => (most > 0 ? Math.abs(d.net_minor) / most : 0));
}

/** An hour of the day as "08:00". */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}
