// Promise dates in words: relative for today and tomorrow, in the store's
// time zone (pure: the clock is a parameter).
import { civilDate, daysFromToday, formatLongDate } from "./format";
import { translate, type Lang } from "./translate";

/**
 * "mañana, martes 24 de noviembre" / "tomorrow, Tuesday November 24"; other
 * days just "jueves 26 de noviembre".
 */
export function promiseDateText(
  lang: Lang,
  locale: string,
  isoDate: string,
  timeZone: string | null | undefined,
  nowMs: number,
): string {
  const year = Number(civilDate(nowMs, timeZone).slice(0, 4));
  const date = formatLongDate(isoDate, locale, year);
  const offset = daysFromToday(isoDate, timeZone, nowMs);
  if (offset === 0) return translate(lang, "date_today", { date });
  if (offset === 1) return translate(lang, "date_tomorrow", { date });
  return date;
}
