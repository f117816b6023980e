// The cart of an order for a customer, and the checks before placing it.
// Pure: the screens keep the state and call these.
import type {
  CartLine,
  FulfilmentChoice,
  FulfilmentView,
  Money,
  OrderQuote,
  OrderView,
  PaymentMethod,
  PaymentRecord,
} from "./bindings";

export const MAX_QUANTITY = 99;
/** The central refuses shorter ship-to-home addresses (`address` / `too_short`). */
export const MIN_ADDRESS_LENGTH = 10;

/** A cart line with what the screens show before any quote arrives. */
export interface CartItem {
  sku: string;
  quantity: number;
  productId: string;
  nameEs: string;
  nameEn: string;
  colorCode: string;
  colorEs: string;
  colorEn: string;
  size: string;
  unitPrice: Money | null;
}

export function clampQuantity(n: number): number {
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_QUANTITY, Math.max(1, Math.trunc(n)));
}

export type CartAction =
  | { type: "add"; item: CartItem }
  | { type: "remove"; sku: string }
  | { type: "set_quantity"; sku: string; quantity: number }
  | { type: "replace"; items: CartItem[] }
  | { type: "clear" };

/** The cart after an action; never mutates `items`. Adding a SKU already there adds to its quantity. */
export function cartReducer(items: readonly CartItem[], action: CartAction): CartItem[] {
  switch (action.type) {
    case "add": {
      const quantity = clampQuantity(action.item.quantity);
      const at = items.findIndex((i) => i.sku === action.item.sku);
      if (at < 0) return [...items, { ...action.item, quantity }];
      return items.map((i, n) => (n === at ? { ...i, quantity: clampQuantity(i.quantity + quantity) } : i));
    }
    case "remove":
      return items.filter((i) => i.sku !== action.sku);
    case "set_quantity":
      return items.map((i) => (i.sku === action.sku ? { ...i, quantity: clampQuantity(action.quantity) } : i));
    case "replace":
      return action.items.map((i) => ({ ...i, quantity: clampQuantity(i.quantity) }));
    case "clear":
      return [];
  }
}

/** Units in the cart, all lines together. */
export function unitCount(items: readonly CartItem[]): number {
  return items.reduce((n, i) => n + i.quantity, 0);
}

export function cartLines(items: readonly CartItem[]): CartLine[] {
  return items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
}

function isMoney(v: unknown): v is Money {
  const m = v as Money;
  return typeof v === "object" && v !== null && typeof m.minor === "number" && typeof m.currency === "string";
}

/** Reads a stored cart back; anything malformed is dropped. */
export function parseCart(raw: string | null): CartItem[] {
  if (!raw) return [];
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const text = ["sku", "productId", "nameEs", "nameEn", "colorCode", "colorEs", "colorEn", "size"] as const;
  const out: CartItem[] = [];
  for (const v of data) {
    if (typeof v !== "object" || v === null) continue;
    const r = v as Record<string, unknown>;
    if (!text.every((k) => typeof r[k] === "string") || typeof r.quantity !== "number") continue;
    if (r.unitPrice !== null && !isMoney(r.unitPrice)) continue;
    out.push({ ...(r as unknown as CartItem), quantity: clampQuantity(r.quantity) });
  }
  return cartReducer([], { type: "replace", items: out });
}

export type FulfilmentMode = FulfilmentChoice["mode"];

/** What the associate has filled in so far for the delivery. */
export interface FulfilmentDraft {
  mode: FulfilmentMode | null;
  address: string;
  storeId: string;
}

/** The fulfilment to quote and place, or null while it is incomplete. */
export function fulfilmentChoice(draft: FulfilmentDraft): FulfilmentChoice | null {
  switch (draft.mode) {
    case "ship_to_home": {
      const address = draft.address.trim();
      return address.length >= MIN_ADDRESS_LENGTH ? { mode: "ship_to_home", address } : null;
    }
    case "ship_to_store":
      return { mode: "ship_to_store" };
    case "pick_up_at":
      return draft.storeId ? { mode: "pick_up_at", store_id: draft.storeId } : null;
    default:
      return null;
  }
}

/** The reference field is shown for these methods; required for a paid reference. */
export function needsReference(method: PaymentMethod): "required" | "optional" | "none" {
  if (method === "reference") return "required";
  if (method === "payment_link") return "optional";
  return "none";
}

/** How the order is paid, or null while a required reference is missing. */
export function paymentRecord(method: PaymentMethod, reference: string): PaymentRecord | null {
  const need = needsReference(method);
  const ref = reference.trim();
  if (need === "none") return { method, reference: null };
  if (need === "required" && !ref) return null;
  return { method, reference: ref || null };
}

export type Missing = "customer" | "fulfilment" | "address" | "store" | "reference" | "source";

/** What still stops the order from being placed, in the order of the form. */
export function missingForOrder(input: {
  customerId: string | null;
  draft: FulfilmentDraft;
  payment: PaymentRecord | null;
  quote: OrderQuote | null;
}): Missing[] {
  const missing: Missing[] = [];
  if (!input.customerId) missing.push("customer");
  if (!input.draft.mode) missing.push("fulfilment");
  if (input.draft.mode === "ship_to_home" && !fulfilmentChoice(input.draft)) missing.push("address");
  if (input.draft.mode === "pick_up_at" && !input.draft.storeId) missing.push("store");
  if (!input.payment) missing.push("reference");
  if (input.quote && input.quote.lines.some((l) => l.source === null)) missing.push("source");
  return missing;
}

/** True when everything is there and the latest quote allows placing. */
export function canPlaceOrder(input: {
  items: readonly CartItem[];
  customerId: string | null;
  draft: FulfilmentDraft;
  payment: PaymentRecord | null;
  quote: OrderQuote | null;
}): boolean {
  return (
    input.items.length > 0 &&
    fulfilmentChoice(input.draft) !== null &&
    input.quote !== null &&
    input.quote.can_place &&
    missingForOrder(input).length === 0
  );
}

/** The cart lines of an order, to place it again (another source, same customer). */
export function itemsFromOrder(o: OrderView): CartItem[] {
  return cartReducer(
    [],
    {
      type: "replace",
      items: o.lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        productId: "",
        nameEs: l.product_name_es,
        nameEn: l.product_name_en,
        colorCode: "",
        colorEs: l.color_name_es,
        colorEn: l.color_name_en,
        size: l.size,
        unitPrice: l.unit_price,
      })),
    },
  );
}

/** The delivery of an order as a draft to edit. */
export function draftFromOrder(f: FulfilmentView): FulfilmentDraft {
  return { mode: f.mode, address: f.address ?? "", storeId: f.store_id ?? "" };
}
