// Pure locale-aware formatting helpers built on Intl.
import type { Money } from "../bindings";
import type { Lang } from "./translate";

const SPANISH_LOCALES: Record<string, string> = {
  CL: "es-CL",
  CO: "es-CO",
  MX: "es-MX",
};

/** BCP 47 locale for a UI language and the store's country (ISO 3166 alpha-2). */
export function localeFor(lang: Lang, country?: string | null): string {
  if (lang === "en") return "en-US";
  return SPANISH_LOCALES[(country ?? "").toUpperCase()] ?? "es";
}

// Minor-unit exponents agreed with the backend. They win over the runtime's
// data because ICU versions disagree about some currencies (e.g. COP).
const KNOWN_FRACTION_DIGITS: Record<string, number> = { CLP: 0, COP: 0, MXN: 2 };

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** Number of decimals the currency's minor unit represents. */
export function fractionDigits(currency: string): number {
  const code = currency.toUpperCase();
  const known = KNOWN_FRACTION_DIGITS[code];
  if (known !== undefined) return known;
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

export function formatMoney(money: Money, locale: string): string {
  const currency = money.currency.toUpperCase();
  const digits = fractionDigits(currency);
  const amount = money.minor / 10 ** digits;
  try {
    return numberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${currency} ${amount.toFixed(digits)}`;
  }
}

/** A short amount for an axis or a tight cell: "$1,2 M", "CLP 250K", "MX$1.5K". */
export function formatMoneyCompact(money: Money, locale: string): string {
  const currency = money.currency.toUpperCase();
  const amount = money.minor / 10 ** fractionDigits(currency);
  try {
    return numberFormat(locale, {
      style: "currency",
      currency,
      notation: "compact",
      maximumFractionDigits: Math.abs(amount) < 1000 ? fractionDigits(currency) : 1,
    }).format(amount);
  } catch {
    return formatMoney(money, locale);
  }
}

export function formatNumber(n: number, locale: string, maxDecimals = 0): string {
  return numberFormat(locale, { maximumFractionDigits: maxDecimals }).format(n);
}

/** Kilometres with one decimal below 10 km and none from 10 km up. */
export function formatKm(km: number, locale: string): string {
  const decimals = km < 10 ? 1 : 0;
  return numberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(km);
}

export function formatPercent(ratio: number, locale: string): string {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(ratio);
}

/** "HH:MM" of an RFC 3339 instant in the given IANA time zone. */
export function formatTime(iso: string, locale: string, timeZone?: string | null): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const options: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: timeZone || undefined }).format(d);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(d);
  }
}

/**
 * Time of an instant, prefixed with the date when it is not on the same
 * calendar day as `nowMs` in that time zone.
 */
export function formatWhen(
  iso: string,
  locale: string,
  timeZone: string | null | undefined,
  nowMs: number,
): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const dayOptions: Intl.DateTimeFormatOptions = { day: "numeric", month: "short" };
  let tz = timeZone || undefined;
  try {
    new Intl.DateTimeFormat(locale, { timeZone: tz });
  } catch {
    tz = undefined;
  }
  const day = new Intl.DateTimeFormat(locale, { ...dayOptions, timeZone: tz });
  const time = formatTime(iso, locale, tz);
  if (day.format(d) === day.format(new Date(nowMs))) return time;
  return `${day.format(d)} ${time}`;
}

/** A calendar date given as "YYYY-MM-DD" (no time zone shift). */
export function formatDate(isoDate: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

export const STALE_AFTER_MS = 15 * 60 * 1000;

/** True when the instant is older than `maxAgeMs` (or missing/unparseable). */
export function isStale(iso: string | null, nowMs: number, maxAgeMs = STALE_AFTER_MS): boolean {
  if (!iso) return true;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return true;
  return nowMs - t > maxAgeMs;
}

function validZone(timeZone: string | null | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** The calendar date ("YYYY-MM-DD") of an instant in an IANA time zone. */
export function civilDate(nowMs: number, timeZone?: string | null): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: validZone(timeZone),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(nowMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
}

function utcDay(isoDate: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * Days from the store's today to a calendar date: 0 today, 1 tomorrow, -1
 * yesterday; null when the date cannot be read.
 */
export function daysFromToday(isoDate: string, timeZone: string | null | undefined, nowMs: number): number | null {
  const target = utcDay(isoDate);
  const today = utcDay(civilDate(nowMs, timeZone));
  if (!target || !today) return null;
  return Math.round((target.getTime() - today.getTime()) / 86_400_000);
}

/**
 * A calendar date with its weekday: "martes 24 de noviembre", "Tuesday
 * November 24"; the year is added when it is not `currentYear`.
 */
export function formatLongDate(isoDate: string, locale: string, currentYear?: number): string {
  const d = utcDay(isoDate);
  if (!d) return isoDate;
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(d);
  const withYear = currentYear !== undefined && d.getUTCFullYear() !== currentYear;
  const date = new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "long",
    year: withYear ? "numeric" : undefined,
    timeZone: "UTC",
  }).format(d);
  return `${weekday} ${date}`;
}

/** A wall-clock time "HH:MM" (already on the store's clock) in the locale, 24-hour. */
export function formatClock(hhmm: string, locale: string): string {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) return hhmm;
  const d = new Date(Date.UTC(2000, 0, 1, Number(m[1]) % 24, Number(m[2])));
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" }).format(d);
}

/** The weekday of a calendar date: "lun", "Mon" (short) or "lunes", "Monday" (long). */
export function formatWeekday(isoDate: string, locale: string, width: "short" | "long" = "short"): string {
  const d = utcDay(isoDate);
  if (!d) return isoDate;
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: "UTC" }).format(d);
}

/** Date and time of an instant in the store's time zone: "23 nov 2026, 21:00". */
export function formatDateTime(iso: string, locale: string, timeZone?: string | null): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: validZone(timeZone),
  }).format(d);
}

/** A wait in seconds as a clock: "0:42", "5:00", "1:02:03" (rounded up). */
export function formatCountdown(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, Math.ceil(seconds)) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}
