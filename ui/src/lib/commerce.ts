// Unified commerce: how the sales channels, the kinds of transaction, the
// reasons a customer left without a product and the product classes are
// named and coloured on screen. Pure.
import { statusTone as appointmentTone, type Tone } from "./agenda";
import type { LostDemandReason } from "./api";
import type { ActivityView, Money, NewLostDemand, OrderStatus } from "./bindings";
import type { MessageKey } from "./i18n/es";
import { statusTone as orderTone } from "./orders";

/** The store's sales channels, in the order the reports list them. */
export const CHANNELS = ["pos", "endless_aisle", "ecommerce", "app", "social"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Where an appointment was booked: on a device of the store, or on the public web page. */
export const APPOINTMENT_CHANNELS = ["device", "public"] as const;

export interface ChannelStyle {
  /** The full name (tables, the chart's legend). */
  label: MessageKey;
  /** A word or two (badges). */
  short: MessageKey;
  /** Bars and dots. */
  color: string;
  /** Badge text, readable on `soft`. */
  ink: string;
  /** Badge background. */
  soft: string;
}

// A colour-blind-safe palette: each channel keeps its colour everywhere.
const STYLES: Record<Channel | (typeof APPOINTMENT_CHANNELS)[number], ChannelStyle> = {
  pos: { label: "channel_pos", short: "channel_pos_short", color: "#0b72a8", ink: "#08557d", soft: "#e2f0f8" },
  endless_aisle: {
    label: "channel_endless_aisle",
    short: "channel_endless_aisle_short",
    color: "#009e73",
    ink: "#00694d",
    soft: "#ddf3eb",
  },
  ecommerce: { label: "channel_ecommerce", short: "channel_ecommerce_short", color: "#e69f00", ink: "#7f5400", soft: "#fdf0d5" },
  app: { label: "channel_app", short: "channel_app_short", color: "#cc79a7", ink: "#883a64", soft: "#f8e6f0" },
  social: { label: "channel_social", short: "channel_social_short", color: "#d55e00", ink: "#9c4300", soft: "#fbe5d6" },
  device: { label: "channel_device", short: "channel_device_short", color: "#6b6d75", ink: "#46484f", soft: "#efeeea" },
  public: { label: "channel_public", short: "channel_public_short", color: "#6a4c9c", ink: "#54397f", soft: "#efeaf6" },
};

const OTHER: ChannelStyle = { label: "channel_other", short: "channel_other", color: "#9c9ea6", ink: "#4a4c55", soft: "#f1f0ed" };

export function isChannel(v: string): v is Channel {
  return (CHANNELS as readonly string[]).includes(v);
}

/** How a channel (or an appointment's booking channel) is named and coloured; any other, in grey. */
export function channelStyle(channel: string): ChannelStyle {
  return Object.prototype.hasOwnProperty.call(STYLES, channel) ? STYLES[channel as keyof typeof STYLES] : OTHER;
}

/** What an activity of the customer's history was. */
export const ACTIVITY_KINDS = ["sale", "order", "return", "cancellation", "appointment"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const KIND_KEYS: Record<ActivityKind, MessageKey> = {
  sale: "kind_sale",
  order: "kind_order",
  return: "kind_return",
  cancellation: "kind_cancellation",
  appointment: "kind_appointment",
};

export function kindKey(kind: string): MessageKey {
  return Object.prototype.hasOwnProperty.call(KIND_KEYS, kind) ? KIND_KEYS[kind as ActivityKind] : "kind_other";
}

/** Money back to the customer: a return or a cancellation counts against the sales. */
export function isRefund(kind: string): boolean {
  return kind === "return" || kind === "cancellation";
}

/** An amount in minor units with the sign its kind gives it (refunds negative). */
export function signedMinor(kind: string, minor: number): number {
  const size = Math.abs(minor);
  return isRefund(kind) ? -size : size;
}

/** The activity's amount as it counts for the store: negative for returns and cancellations. */
export function signedAmount(a: Pick<ActivityView, "kind" | "amount">): Money | null {
  return a.amount ? { minor: signedMinor(a.kind, a.amount.minor), currency: a.amount.currency } : null;
}

const ORDER_STATUS_KEYS: Record<string, MessageKey> = {
  pending: "status_pending",
  confirmed: "status_confirmed",
  picking: "status_picking",
  shipped: "status_shipped",
  ready_for_pickup: "status_ready_for_pickup",
  delivered: "status_delivered",
  cancelled: "status_cancelled",
  returned: "status_returned",
  needs_attention: "status_needs_attention",
};

const APPOINTMENT_STATUS_KEYS: Record<string, MessageKey> = {
  booked: "appt_status_booked",
  checked_in: "appt_status_checked_in",
  no_show: "appt_status_no_show",
  cancelled: "appt_status_cancelled",
};

/** The words for an order's or an appointment's state; null for one this UI does not know. */
export function activityStatusKey(kind: string, status: string | null): MessageKey | null {
  if (!status) return null;
  const keys = kind === "appointment" ? APPOINTMENT_STATUS_KEYS : ORDER_STATUS_KEYS;
  return Object.prototype.hasOwnProperty.call(keys, status) ? keys[status] : null;
}

/** The colour of an order's or an appointment's state. */
export function activityStatusTone(kind: string, status: string | null): Tone {
  if (!status || !activityStatusKey(kind, status)) return "muted";
  return kind === "appointment" ? appointmentTone(status) : orderTone(status as OrderStatus);
}

/** Newest first (by when it happened; the list's order among equals). */
export function newestFirst<T extends Pick<ActivityView, "occurred_at">>(list: readonly T[]): T[] {
  const at = (a: T) => {
    const ms = Date.parse(a.occurred_at);
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  return list
    .map((a, i) => ({ a, i }))
    .sort((x, y) => at(y.a) - at(x.a) || x.i - y.i)
    .map((x) => x.a);
}

/**
 * Whether a typed query can be asked of the chain: the backend looks customers
 * up there by exact phone number or email only.
 */
export function chainQuery(query: string): boolean {
  const q = query.trim();
  if (q.length < 5) return false;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q)) return true;
  return /^\+?[\d\s().-]+$/.test(q) && q.replace(/\D/g, "").length >= 7;
}

// ---- Lost demand ----------------------------------------------------------------

export const LOST_DEMAND_REASONS: readonly LostDemandReason[] = ["not_anywhere", "declined_wait", "not_in_catalog", "other"];

/** The reasons offered on a product (the catalogue has it, so "not in the catalogue" is left out). */
export const PRODUCT_REASONS: readonly LostDemandReason[] = ["not_anywhere", "declined_wait", "other"];

const REASON_KEYS: Record<LostDemandReason, MessageKey> = {
  not_anywhere: "lost_reason_not_anywhere",
  declined_wait: "lost_reason_declined_wait",
  not_in_catalog: "lost_reason_not_in_catalog",
  other: "lost_reason_other",
};

export function reasonKey(reason: string): MessageKey {
  return Object.prototype.hasOwnProperty.call(REASON_KEYS, reason) ? REASON_KEYS[reason as LostDemandReason] : "lost_reason_other";
}

/** The longest text the backend keeps for what a customer asked for. */
export const LOST_TEXT_MAX = 200;

/** A product the customer could not have: the exact variant when a size was chosen, else the product. */
export function productLostDemand(productId: string, sku: string | null, reason: LostDemandReason): NewLostDemand & { reason: LostDemandReason } {
  return sku ? { sku, product_id: null, text: null, reason } : { sku: null, product_id: productId, text: null, reason };
}

/** What a customer asked for that the catalogue does not have, in their words. */
export function askedLostDemand(text: string): (NewLostDemand & { reason: LostDemandReason }) | null {
  const words = text.trim().slice(0, LOST_TEXT_MAX).trim();
  return words ? { sku: null, product_id: null, text: words, reason: "not_in_catalog" } : null;
}

// ---- Safety stock --------------------------------------------------------------------

export const PRODUCT_CLASSES = ["bestseller", "core", "seasonal"] as const;

const CLASS_KEYS: Record<(typeof PRODUCT_CLASSES)[number], { name: MessageKey; hint: MessageKey }> = {
  bestseller: { name: "class_bestseller", hint: "class_bestseller_hint" },
  core: { name: "class_core", hint: "class_core_hint" },
  seasonal: { name: "class_seasonal", hint: "class_seasonal_hint" },
};

/** A product class's name and what it holds; null for a class this UI does not know (shown as is). */
export function classKeys(productClass: string): { name: MessageKey; hint: MessageKey } | null {
  return Object.prototype.hasOwnProperty.call(CLASS_KEYS, productClass)
    ? CLASS_KEYS[productClass as (typeof PRODUCT_CLASSES)[number]]
    : null;
}

/** The units a class may keep back, as the backend takes them. */
export const SAFETY_MIN = 0;
export const SAFETY_MAX = 1000;

export function clampUnits(n: number): number {
  if (!Number.isFinite(n)) return SAFETY_MIN;
  return Math.min(SAFETY_MAX, Math.max(SAFETY_MIN, Math.trunc(n)));
}

/** Why the central refused a safety-stock change. */
export function refusalKey(reason: string): MessageKey {
  return reason === "forbidden" ? "safety_refused_forbidden" : "safety_refused_invalid";
}
