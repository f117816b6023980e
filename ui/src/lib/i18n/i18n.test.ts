import { describe, expect, it } from "vitest";
import type { UiError } from "../api";
import { en } from "./en";
import { es, type MessageKey } from "./es";
import { promiseDateText } from "./dates";
import {
  civilDate,
  daysFromToday,
  formatClock,
  formatDate,
  formatLongDate,
  formatKm,
  formatMoney,
  formatMoneyCompact,
  formatTime,
  formatWeekday,
  fractionDigits,
  isStale,
  localeFor,
} from "./format";
import { errorMessageKey, interpolate, translate } from "./translate";

// Compile-time: both dictionaries have exactly the same keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<keyof typeof en, keyof typeof es> = true;

// Normalise the various spaces Intl may use so assertions stay readable.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("dictionaries", () => {
  it("have the same keys in both languages", () => {
    expect(sameKeys).toBe(true);
    expect(Object.keys(en).sort()).toEqual(Object.keys(es).sort());
  });

  it("have no empty messages and the same placeholders", () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(es) as MessageKey[]) {
      expect(es[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(en[key]), key).toEqual(placeholders(es[key]));
    }
  });
});

describe("translate", () => {
  it("interpolates params", () => {
    expect(translate("es", "available_here", { count: 3 })).toBe("3 aquí");
    expect(translate("en", "available_here", { count: 3 })).toBe("3 here");
    expect(translate("en", "first_sync_count", { done: 5, total: 20 })).toBe("5 of 20");
  });

  it("leaves unknown placeholders untouched", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(interpolate("no params")).toBe("no params");
  });

  it("maps every AppError to a message", () => {
    const errors: UiError[] = [
      { code: "central_unreachable" },
      { code: "bad_enrollment_code" },
      { code: "unauthorized" },
      { code: "not_enrolled" },
      { code: "already_enrolled" },
      { code: "not_found" },
      { code: "invalid", field: "central_url", reason: "url" },
      { code: "invalid", field: "code", reason: "empty" },
      { code: "invalid", field: "other", reason: "x" },
      { code: "invalid", field: "name", reason: "empty" },
      { code: "invalid", field: "phone", reason: "empty" },
      { code: "invalid", field: "phone", reason: "invalid_characters" },
      { code: "invalid", field: "phone", reason: "wrong_length" },
      { code: "invalid", field: "phone", reason: "unknown_country_code" },
      { code: "invalid", field: "phone", reason: "invalid_number" },
      { code: "invalid", field: "email", reason: "format" },
      { code: "invalid", field: "address", reason: "too_short" },
      { code: "invalid", field: "quantity", reason: "range" },
      { code: "invalid", field: "start", reason: "slot_taken" },
      { code: "invalid", field: "status", reason: "not_changeable" },
      { code: "protocol", detail: "bad json" },
      { code: "unsent_commands", count: 2 },
      { code: "unsent_commands", count: 1 },
      { code: "customer_mode" },
      { code: "no_pins" },
      { code: "wrong_pin", attempts_left: 3 },
      { code: "wrong_pin", attempts_left: 1 },
      { code: "wrong_pin", attempts_left: 0 },
      { code: "pin_locked", retry_after_s: 90 },
      { code: "manager_required" },
      { code: "sign_in_required" },
      { code: "cache_diverged" },
      { code: "invalid", field: "text", reason: "empty" },
      { code: "invalid", field: "sku", reason: "unknown" },
      { code: "invalid", field: "units", reason: "invalid" },
      { code: "invalid", field: "to", reason: "range" },
      { code: "internal" },
    ];
    for (const e of errors) {
      const [key, params] = errorMessageKey(e);
      expect(translate("en", key, params)).not.toMatch(/\{\w+\}/);
    }
    expect(errorMessageKey({ code: "invalid", field: "central_url", reason: "url" })[0]).toBe(
      "error_invalid_url",
    );
    expect(translate("en", ...errorMessageKey({ code: "central_unreachable" }))).toMatch(
      /check the address and the network/i,
    );
    expect(translate("es", ...errorMessageKey({ code: "unsent_commands", count: 2 }))).toBe(
      "Hay 2 cambios sin enviar. Conéctate para enviarlos antes de reiniciar el equipo.",
    );
    expect(translate("es", ...errorMessageKey({ code: "unsent_commands", count: 1 }))).toMatch(/^Hay 1 cambio sin enviar/);
    expect(translate("en", ...errorMessageKey({ code: "unsent_commands", count: 3 }))).toMatch(/^There are 3 unsent changes/);
  });
});

describe("locale", () => {
  it("follows the store country in Spanish and is en-US in English", () => {
    expect(localeFor("es", "CL")).toBe("es-CL");
    expect(localeFor("es", "co")).toBe("es-CO");
    expect(localeFor("es", "MX")).toBe("es-MX");
    expect(localeFor("es", "PE")).toBe("es");
    expect(localeFor("es", null)).toBe("es");
    expect(localeFor("en", "CL")).toBe("en-US");
  });
});

describe("money", () => {
  it("uses the minor-unit exponent of each currency", () => {
    expect(fractionDigits("CLP")).toBe(0);
    expect(fractionDigits("COP")).toBe(0);
    expect(fractionDigits("MXN")).toBe(2);
    expect(fractionDigits("USD")).toBe(2);
  });

  it("formats CLP in es-CL without decimals", () => {
    expect(plain(formatMoney({ minor: 24990, currency: "CLP" }, "es-CL"))).toBe("$24.990");
  });

  it("formats COP in es-CO without decimals", () => {
    const s = plain(formatMoney({ minor: 129900, currency: "COP" }, "es-CO"));
    expect(s).toMatch(/^\$ ?129\.900$/);
  });

  it("formats MXN in es-MX with 2 decimals from minor units", () => {
    expect(plain(formatMoney({ minor: 89950, currency: "MXN" }, "es-MX"))).toBe("$899.50");
  });

  it("formats in English", () => {
    expect(plain(formatMoney({ minor: 24990, currency: "CLP" }, "en-US"))).toMatch(/^CLP 24,990$/);
    expect(plain(formatMoney({ minor: 89950, currency: "MXN" }, "en-US"))).toBe("MX$899.50");
  });
});

describe("dates, times and distances", () => {
  it("formats HH:MM in the store time zone", () => {
    expect(formatTime("2026-11-20T15:05:00Z", "es-CL", "America/Santiago")).toBe("12:05");
    expect(formatTime("2026-11-20T15:05:00Z", "en-US", "America/Bogota")).toBe("10:05");
    expect(formatTime("2026-11-20T15:05:00Z", "es-MX", "America/Mexico_City")).toBe("09:05");
  });

  it("formats a calendar date without shifting it", () => {
    expect(formatDate("2026-11-25", "en-US")).toBe("Nov 25");
    expect(formatDate("2026-11-25", "es-CL")).toMatch(/^25 nov/);
  });

  it("uses one decimal below 10 km", () => {
    expect(formatKm(3.456, "es-CL")).toBe("3,5");
    expect(formatKm(3, "en-US")).toBe("3.0");
    expect(formatKm(12.6, "en-US")).toBe("13");
  });

  it("marks figures older than 15 minutes as stale", () => {
    const now = Date.parse("2026-11-20T15:30:00Z");
    expect(isStale("2026-11-20T15:20:00Z", now)).toBe(false);
    expect(isStale("2026-11-20T15:10:00Z", now)).toBe(true);
    expect(isStale(null, now)).toBe(true);
  });
});

describe("customer-mode errors", () => {
  it("tell the associate what to do", () => {
    expect(translate("es", ...errorMessageKey({ code: "no_pins" }))).toMatch(/PIN de personal.*jefe de tienda/);
    expect(translate("en", ...errorMessageKey({ code: "no_pins" }))).toMatch(/no staff PIN.*store manager/);
    expect(translate("en", ...errorMessageKey({ code: "customer_mode" }))).toMatch(/enter their PIN/);
  });

  it("count the attempts left and the wait", () => {
    expect(errorMessageKey({ code: "wrong_pin", attempts_left: 4 })).toEqual(["error_wrong_pin", { count: 4 }]);
    expect(errorMessageKey({ code: "wrong_pin", attempts_left: 1 })[0]).toBe("error_wrong_pin_one");
    expect(errorMessageKey({ code: "wrong_pin", attempts_left: 0 })[0]).toBe("error_wrong_pin_last");
    expect(translate("es", ...errorMessageKey({ code: "pin_locked", retry_after_s: 90 }))).toBe(
      "Demasiados intentos. Vuelve a intentarlo en 1:30.",
    );
    expect(translate("en", ...errorMessageKey({ code: "pin_locked", retry_after_s: 4.2 }))).toBe(
      "Too many attempts. Try again in 0:05.",
    );
  });
});

describe("customer and order errors", () => {
  it("explain each field and reason in the associate's words", () => {
    const key = (field: string, reason: string) => errorMessageKey({ code: "invalid", field, reason })[0];
    expect(key("name", "empty")).toBe("error_name_empty");
    expect(key("phone", "wrong_length")).toBe("error_phone_wrong_length");
    expect(key("phone", "unknown_country_code")).toBe("error_phone_unknown_country_code");
    expect(key("phone", "something_new")).toBe("error_phone_invalid_number");
    expect(key("email", "format")).toBe("error_email_format");
    expect(key("address", "too_short")).toBe("error_address_too_short");
    expect(key("quantity", "range")).toBe("error_quantity");
    expect(translate("es", key("phone", "invalid_characters"))).toMatch(/solo puede tener números/);
    expect(translate("en", key("address", "too_short"))).toMatch(/too short/);
  });
});

describe("manager errors", () => {
  it("say the session ended and how to get back in", () => {
    expect(errorMessageKey({ code: "manager_required" })[0]).toBe("error_manager_required");
    expect(translate("es", ...errorMessageKey({ code: "manager_required" }))).toMatch(/solo un encargado/);
    expect(translate("en", ...errorMessageKey({ code: "manager_required" }))).toMatch(/Only a store manager/);
    expect(errorMessageKey({ code: "sign_in_required" })[0]).toBe("error_sign_in_required");
    expect(translate("es", ...errorMessageKey({ code: "sign_in_required" }))).toMatch(/Ingresa tu PIN/);
  });
});

describe("compact money", () => {
  it("shortens large amounts and keeps the currency's decimals on small ones", () => {
    expect(plain(formatMoneyCompact({ minor: 1_234_567, currency: "CLP" }, "es-CL"))).toBe("$1,2 M");
    expect(plain(formatMoneyCompact({ minor: 0, currency: "CLP" }, "es-CL"))).toBe("$0");
    expect(plain(formatMoneyCompact({ minor: 125_050, currency: "MXN" }, "es-MX"))).toMatch(/^\$1\.3 ?k$/i);
    expect(plain(formatMoneyCompact({ minor: -250_000, currency: "CLP" }, "en-US"))).toMatch(/^-CLP 250K$/);
  });
});

describe("promise dates", () => {
  // 2026-11-23 15:00 in Santiago (UTC−3 in summer).
  const monday = Date.parse("2026-11-23T18:00:00Z");

  it("knows the store's today across the UTC date line", () => {
    // 22:30 in Santiago is already the 24th in UTC.
    const late = Date.parse("2026-11-24T01:30:00Z");
    expect(civilDate(late, "America/Santiago")).toBe("2026-11-23");
    expect(civilDate(late, "Europe/Madrid")).toBe("2026-11-24");
    expect(daysFromToday("2026-11-24", "America/Santiago", late)).toBe(1);
    expect(daysFromToday("2026-11-24", "Europe/Madrid", late)).toBe(0);
    expect(daysFromToday("not a date", "America/Santiago", late)).toBeNull();
  });

  it("counts days over a daylight-saving change", () => {
    // Chile moves its clocks forward on the first Sunday of September.
    const sat = Date.parse("2026-09-05T12:00:00-04:00");
    expect(daysFromToday("2026-09-07", "America/Santiago", sat)).toBe(2);
  });

  it("says today and tomorrow in words", () => {
    expect(promiseDateText("es", "es-CL", "2026-11-24", "America/Santiago", monday)).toBe(
      "mañana, martes 24 de noviembre",
    );
    expect(promiseDateText("en", "en-US", "2026-11-24", "America/Santiago", monday)).toBe(
      "tomorrow, Tuesday November 24",
    );
    expect(promiseDateText("es", "es-CL", "2026-11-23", "America/Santiago", monday)).toBe(
      "hoy, lunes 23 de noviembre",
    );
    expect(promiseDateText("en", "en-US", "2026-11-23", "America/Santiago", monday)).toBe(
      "today, Monday November 23",
    );
  });

  it("gives other days with their weekday, and the year only when it differs", () => {
    expect(promiseDateText("es", "es-CL", "2026-11-26", "America/Santiago", monday)).toBe("jueves 26 de noviembre");
    expect(promiseDateText("en", "en-US", "2026-11-26", "America/Santiago", monday)).toBe("Thursday November 26");
    expect(formatLongDate("2027-01-04", "es-CL", 2026)).toBe("lunes 4 de enero de 2027");
    expect(formatLongDate("2027-01-04", "en-US", 2026)).toBe("Monday January 4, 2027");
  });
});

describe("appointment errors and times", () => {
  it("say a slot was taken or an appointment cannot change, in the associate's words", () => {
    const key = (field: string, reason: string) => errorMessageKey({ code: "invalid", field, reason })[0];
    expect(key("start", "slot_taken")).toBe("error_slot_taken");
    expect(translate("es", key("start", "slot_taken"))).toBe("Ese horario ya no está disponible. Elige otro.");
    expect(translate("en", key("start", "slot_taken"))).toMatch(/no longer available/);
    expect(key("status", "not_changeable")).toBe("error_not_changeable");
    expect(translate("es", key("status", "not_changeable"))).toMatch(/ya no se puede cambiar/);
    expect(key("customer_id", "invalid")).toBe("error_appt_customer");
    expect(key("start", "invalid")).toBe("error_appt_start");
  });

  it("shows wall-clock times in 24 hours and weekdays in the store's language", () => {
    expect(formatClock("09:05", "es-CL")).toBe("09:05");
    expect(formatClock("14:30", "es-CL")).toBe("14:30");
    expect(formatClock("14:30", "en-US")).toBe("14:30");
    expect(formatClock("nope", "es-CL")).toBe("nope");
    expect(formatWeekday("2026-11-24", "es-CL")).toMatch(/^mar/);
    expect(formatWeekday("2026-11-24", "en-US")).toBe("Tue");
    expect(formatWeekday("2026-11-24", "es-CL", "long")).toBe("martes");
  });
});
