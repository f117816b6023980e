// Pure translation helpers (no global state), used by the reactive t() and
// by tests.
import type { UiError } from "../api";
import { en } from "./en";
import { formatCountdown } from "./format";
import { es, type Dictionary, type MessageKey } from "./es";

export type Lang = "es" | "en";
export const LANGS: readonly Lang[] = ["es", "en"];
export type Params = Record<string, string | number>;

export const dictionaries: Record<Lang, Dictionary> = { es, en };

export function isLang(v: unknown): v is Lang {
  return v === "es" || v === "en";
}

/** Replaces each {name} with params.name; unknown placeholders are left as is. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const dict = dictionaries[lang] ?? es;
  return interpolate(dict[key] ?? es[key] ?? key, params);
}

/** The message key (and its parameters) that explains an error of a command. */
export function errorMessageKey(err: UiError): [MessageKey, Params | undefined] {
  switch (err.code) {
    case "central_unreachable":
      return ["error_central_unreachable", undefined];
    case "bad_enrollment_code":
      return ["error_bad_enrollment_code", undefined];
    case "unauthorized":
      return ["error_unauthorized", undefined];
    case "device_revoked":
      return ["error_device_revoked", undefined];
    case "not_enrolled":
      return ["error_not_enrolled", undefined];
    case "already_enrolled":
      return ["error_already_enrolled", undefined];
    case "not_found":
      return ["error_not_found", undefined];
    case "invalid":
      if (err.field === "central_url") return ["error_invalid_url", undefined];
      if (err.field === "code" && err.reason === "empty") return ["error_invalid_code_empty", undefined];
      return invalidFieldKey(err.field, err.reason) ?? ["error_invalid_field", { field: err.field }];
    case "protocol":
      return ["error_protocol", { detail: err.detail }];
    case "unsent_commands":
      return err.count === 1
        ? ["error_unsent_commands_one", undefined]
        : ["error_unsent_commands", { count: err.count }];
    case "customer_mode":
      return ["error_customer_mode", undefined];
    case "no_pins":
      return ["error_no_pins", undefined];
    case "wrong_pin":
      if (err.attempts_left <= 0) return ["error_wrong_pin_last", undefined];
      if (err.attempts_left === 1) return ["error_wrong_pin_one", undefined];
      return ["error_wrong_pin", { count: err.attempts_left }];
    case "pin_locked":
      return ["error_pin_locked", { time: formatCountdown(err.retry_after_s) }];
    case "manager_required":
      return ["error_manager_required", undefined];
    case "sign_in_required":
      return ["error_sign_in_required", undefined];
    case "cache_diverged":
      return ["error_cache_diverged", undefined];
    case "internal":
      return ["error_internal", undefined];
  }
}

const FIELD_REASON_KEYS: Record<string, MessageKey> = {
  "name:empty": "error_name_empty",
  "phone:empty": "error_phone_empty",
  "phone:invalid_characters": "error_phone_invalid_characters",
  "phone:wrong_length": "error_phone_wrong_length",
  "phone:unknown_country_code": "error_phone_unknown_country_code",
  "phone:invalid_number": "error_phone_invalid_number",
  "email:format": "error_email_format",
  "address:too_short": "error_address_too_short",
  "start:slot_taken": "error_slot_taken",
  "status:not_changeable": "error_not_changeable",
  "pin:not_manager": "error_not_manager",
  "weekly_hours:order": "schedule_error_order",
  "breaks:order": "schedule_error_order",
  "exceptions:order": "schedule_error_order",
  "text:empty": "error_lost_demand_empty",
  "text:too_long": "error_lost_demand_too_long",
  "sku:unknown": "error_lost_demand_unknown",
  "product_id:unknown": "error_lost_demand_unknown",
  "units:invalid": "error_safety_units",
  "product_class:invalid": "error_safety_class",
  "from:date": "error_report_date",
  "to:date": "error_report_date",
  "to:range": "error_report_range",
  "query:too_short": "error_chain_query_short",
};

// Any other reason for these fields still gets a message in the associate's words.
const FIELD_FALLBACK_KEYS: Record<string, MessageKey> = {
  name: "error_name_empty",
  phone: "error_phone_invalid_number",
  email: "error_email_format",
  address: "error_address_too_short",
  quantity: "error_quantity",
  start: "error_appt_start",
  customer_id: "error_appt_customer",
};

function invalidFieldKey(field: string, reason: string): [MessageKey, undefined] | null {
  const key = FIELD_REASON_KEYS[`${field}:${reason}`] ?? FIELD_FALLBACK_KEYS[field];
  return key ? [key, undefined] : null;
}
