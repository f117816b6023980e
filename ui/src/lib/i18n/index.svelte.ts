// Reactive i18n: the current language and store drive t() and the
// formatting helpers, so templates re-render when either changes.
import type { UiError } from "../api";
import type { Money, StoreInfo } from "../bindings";
import type { MessageKey } from "./es";
import { promiseDateText } from "./dates";
import {
  civilDate,
  formatClock,
  formatDate,
  formatDateTime,
  formatLongDate,
  formatWeekday,
  formatKm,
  formatNumber,
  formatPercent,
  formatWhen,
  formatMoney,
  formatMoneyCompact,
  localeFor,
} from "./format";
import { errorMessageKey, isLang, translate, type Lang, type Params } from "./translate";

export type { Lang, MessageKey, Params };

export const LANG_STORAGE_KEY = "vitrina.lang";

function storedLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(LANG_STORAGE_KEY);
    if (isLang(v)) return v;
  } catch {
    // storage unavailable: keep the default
  }
  return "es";
}

const state = $state<{ lang: Lang; store: StoreInfo | null }>({ lang: storedLang(), store: null });

function applyDocumentLang(lang: Lang): void {
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}
applyDocumentLang(state.lang);

export function currentLang(): Lang {
  return state.lang;
}

export function setLang(lang: Lang): void {
  state.lang = lang;
  applyDocumentLang(lang);
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // not persisted; still switched for this session
  }
}

/** The enrolled store: its country picks the Spanish locale, its zone the clock. */
export function setStore(store: StoreInfo | null): void {
  state.store = store;
}

export function currentLocale(): string {
  return localeFor(state.lang, state.store?.country);
}

export function t(key: MessageKey, params?: Params): string {
  return translate(state.lang, key, params);
}

/** Picks the Spanish or English variant of a catalogue text. */
export function tr(textEs: string, textEn: string): string {
  return state.lang === "es" ? textEs || textEn : textEn || textEs;
}

export function errorText(err: UiError): string {
  const [key, params] = errorMessageKey(err);
  return t(key, params);
}

export function money(m: Money | null): string {
  return m ? formatMoney(m, currentLocale()) : t("price_none");
}

/** A short amount for chart axes: "$1,2 M". */
export function moneyShort(m: Money): string {
  return formatMoneyCompact(m, currentLocale());
}

export function num(n: number): string {
  return formatNumber(n, currentLocale());
}

export function percent(ratio: number): string {
  return formatPercent(ratio, currentLocale());
}

export function km(distance: number): string {
  return t("distance_km", { km: formatKm(distance, currentLocale()) });
}

/** "HH:MM" in the store's time zone (with the day when it is not today). */
export function when(iso: string, nowMs: number = Date.now()): string {
  return formatWhen(iso, currentLocale(), state.store?.time_zone, nowMs);
}

export function day(isoDate: string): string {
  return formatDate(isoDate, currentLocale());
}

/** A promise date: "mañana, martes 24 de noviembre" in the store's time zone. */
export function promiseDate(isoDate: string, nowMs: number = Date.now()): string {
  return promiseDateText(state.lang, currentLocale(), isoDate, state.store?.time_zone, nowMs);
}

/** Date and time of an instant in the store's time zone. */
export function dateTime(iso: string): string {
  return formatDateTime(iso, currentLocale(), state.store?.time_zone);
}

/** A store wall-clock time, from "HH:MM" or "YYYY-MM-DDTHH:MM": "10:15". */
export function clock(local: string): string {
  const at = local.indexOf("T");
  return formatClock(at >= 0 ? local.slice(at + 1, at + 6) : local, currentLocale());
}

/** A calendar date with its weekday: "martes 24 de noviembre" (the year when not this one). */
export function longDay(isoDate: string, nowMs: number = Date.now()): string {
  return formatLongDate(isoDate, currentLocale(), Number(civilDate(nowMs, state.store?.time_zone).slice(0, 4)));
}

/** The short weekday of a calendar date: "mar", "Tue". */
export function weekday(isoDate: string): string {
  return formatWeekday(isoDate, currentLocale(), "short");
}

/** The store's calendar date now ("YYYY-MM-DD"). */
export function storeToday(nowMs: number = Date.now()): string {
  return civilDate(nowMs, state.store?.time_zone);
}
