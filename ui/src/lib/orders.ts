// Pure rules the order screens share: ordering, what can be done with an
// order, and how its state is shown.
import type { CartLine, OrderStatus, OrderSync, OrderView } from "./bindings";

export function needsAttention(o: Pick<OrderView, "status" | "sync">): boolean {
  return o.status === "needs_attention" || o.sync === "needs_attention";
}

/** Needs-attention orders first, then newest first (ties by number, highest first). */
export function compareOrders(a: OrderView, b: OrderView): number {
  const attention = Number(needsAttention(b)) - Number(needsAttention(a));
  if (attention !== 0) return attention;
  const ta = Date.parse(a.created_at);
  const tb = Date.parse(b.created_at);
  const byTime = (Number.isNaN(tb) ? 0 : tb) - (Number.isNaN(ta) ? 0 : ta);
  if (byTime !== 0) return byTime;
  return b.number.localeCompare(a.number);
}

export function sortOrders(orders: readonly OrderView[]): OrderView[] {
  return [...orders].sort(compareOrders);
}

export function attentionCount(orders: readonly OrderView[]): number {
  return orders.filter(needsAttention).length;
}

const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(["pending", "confirmed", "picking", "needs_attention"]);
const RETURNABLE: ReadonlySet<OrderStatus> = new Set(["delivered", "shipped", "ready_for_pickup"]);

const OPEN: ReadonlySet<OrderStatus> = new Set(["pending", "confirmed", "picking", "shipped", "ready_for_pickup"]);

/** Still on its way to the customer: its promise date matters. */
export function isOpen(o: Pick<OrderView, "status">): boolean {
  return OPEN.has(o.status);
}

export function canCancel(o: OrderView): boolean {
  // Once a cancellation is asked for, the warehouse decides: asking again changes nothing.
  return CANCELLABLE.has(o.status) && !o.cancel_requested;
}

/** Units of each line that can still be returned. */
export function returnable(o: OrderView): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of o.lines) out.set(l.sku, (out.get(l.sku) ?? 0) + Math.max(0, l.quantity - l.returned));
  return out;
}

export function canReturn(o: OrderView): boolean {
  return RETURNABLE.has(o.status) && [...returnable(o).values()].some((n) => n > 0);
}

/**
 * The lines of a return from the quantities typed per SKU: whole numbers,
 * capped at what can be returned, zero lines left out.
 */
export function returnLines(o: OrderView, typed: Record<string, number | string>): CartLine[] {
  const left = returnable(o);
  const lines: CartLine[] = [];
  for (const [sku, max] of left) {
    const raw = Number(typed[sku] ?? 0);
    const n = Number.isFinite(raw) ? Math.min(max, Math.max(0, Math.trunc(raw))) : 0;
    if (n > 0) lines.push({ sku, quantity: n });
  }
  return lines;
}

export function unitsOf(o: OrderView): number {
  return o.lines.reduce((n, l) => n + l.quantity, 0);
}

export type Tone = "ok" | "busy" | "warn" | "bad" | "muted";

export function statusTone(status: OrderStatus): Tone {
  switch (status) {
    case "needs_attention":
      return "bad";
    case "delivered":
    case "ready_for_pickup":
      return "ok";
    case "cancelled":
    case "returned":
      return "muted";
    case "pending":
      return "warn";
    default:
      return "busy";
  }
}

export function syncTone(sync: OrderSync): Tone {
  switch (sync) {
    case "saved_here":
      return "warn";
    case "sent":
      return "busy";
    case "confirmed":
      return "ok";
    case "needs_attention":
      return "bad";
  }
}

/** The steps of the order's journey to the central, with where it stands. */
export const SYNC_STEPS: readonly OrderSync[] = ["saved_here", "sent", "confirmed"];

export function syncStepState(sync: OrderSync, step: OrderSync): "done" | "current" | "todo" | "failed" {
  if (sync === "needs_attention") return step === "confirmed" ? "failed" : "done";
  const at = SYNC_STEPS.indexOf(sync);
  const i = SYNC_STEPS.indexOf(step);
  if (i < at) return "done";
  if (i === at) return sync === "confirmed" ? "done" : "current";
  return "todo";
}

/**
 * An order number split for reading: "cl-scl-providencia-AB12CD34-" and
 * "00042" (the device's counter, the part said aloud at the till).
 */
export function numberParts(number: string): [string, string] {
  const at = number.lastIndexOf("-");
  if (at <= 0 || at === number.length - 1) return ["", number];
  return [number.slice(0, at + 1), number.slice(at + 1)];
}

/** The order's amount: its total, or the sum of its priced lines. */
export function linesTotal(o: Pick<OrderView, "lines">): number | null {
  let sum = 0;
  for (const l of o.lines) {
    if (!l.unit_price) return null;
    sum += l.unit_price.minor * l.quantity;
  }
  return sum;
}
