// The only module that talks to the Rust side. Screens import these typed
// functions and get plain values back; every failure rejects with a UiError.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AppError,
  AppState,
  BarcodeHit,
  CartLine,
  CustomerView,
  FulfilmentChoice,
  LocationView,
  NewCustomer,
  OrderQuote,
  OrderView,
  PaymentRecord,
  ProductDetail,
  SearchHit,
  SyncStatus,
} from "../bindings";

/** Every command this UI invokes (compared against the registered handlers). */
export const COMMANDS = [
  "app_state",
  "enroll",
  "sync_status",
  "sync_now",
  "search",
  "find_barcode",
  "product_detail",
  "search_customers",
  "create_customer",
  "region_stores",
  "quote_order",
  "place_order",
  "list_orders",
  "order_detail",
  "cancel_order",
  "return_order",
  "reset_device",
] as const;

/**
 * Every error a command can reject with. The union repeats the variants the
 * UI relies on, so it stays valid whether or not the generated AppError
 * already lists them.
 */
export type UiError = AppError | { code: "unsent_commands"; count: number };

export type CommandName = (typeof COMMANDS)[number];

/** Event emitted by the backend whenever the sync status changes. */
export const SYNC_STATUS_EVENT = "sync-status";

const SIMPLE_CODES = new Set<string>([
  "central_unreachable",
  "bad_enrollment_code",
  "unauthorized",
  "not_enrolled",
  "already_enrolled",
  "not_found",
  "internal",
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Turns whatever a rejected invoke produced into a UiError. Anything that is
 * not a well-formed error (a string, an Error, an unknown code, a missing
 * field) becomes `{ code: "internal" }`.
 */
export function normaliseError(err: unknown): UiError {
  if (!isRecord(err) || typeof err.code !== "string") return { code: "internal" };
  const code = err.code;
  if (SIMPLE_CODES.has(code)) return { code } as UiError;
  if (code === "invalid" && typeof err.field === "string" && typeof err.reason === "string") {
    return { code, field: err.field, reason: err.reason };
  }
  if (code === "protocol" && typeof err.detail === "string") {
    return { code, detail: err.detail };
  }
  if (code === "unsent_commands" && typeof err.count === "number" && Number.isFinite(err.count)) {
    return { code, count: err.count };
  }
  return { code: "internal" };
}

/** True when the value already has the shape of a UiError. */
export function isAppError(v: unknown): v is UiError {
  return isRecord(v) && typeof v.code === "string" && normaliseError(v).code === v.code;
}

async function call<T>(cmd: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw normaliseError(err);
  }
}

export function appState(): Promise<AppState> {
  return call<AppState>("app_state");
}

export function enroll(centralUrl: string, code: string): Promise<AppState> {
  return call<AppState>("enroll", { central_url: centralUrl, code });
}

export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_status");
}

export function syncNow(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_now");
}

export function search(query: string, limit: number): Promise<SearchHit[]> {
  return call<SearchHit[]>("search", { query, limit });
}

export function findBarcode(code: string): Promise<BarcodeHit> {
  return call<BarcodeHit>("find_barcode", { code });
}

export function productDetail(productId: string): Promise<ProductDetail> {
  return call<ProductDetail>("product_detail", { product_id: productId });
}

/** Customers by phone (any format), email or name; an empty query answers []. */
export function searchCustomers(query: string): Promise<CustomerView[]> {
  return call<CustomerView[]>("search_customers", { query });
}

export function createCustomer(customer: NewCustomer): Promise<CustomerView> {
  return call<CustomerView>("create_customer", { customer });
}

/** The other stores of the region, nearest first (for pick-up). */
export function regionStores(): Promise<LocationView[]> {
  return call<LocationView[]>("region_stores");
}

export function quoteOrder(lines: CartLine[], fulfilment: FulfilmentChoice): Promise<OrderQuote> {
  return call<OrderQuote>("quote_order", { lines, fulfilment });
}

export interface PlaceOrderRequest {
  customerId: string | null;
  lines: CartLine[];
  fulfilment: FulfilmentChoice;
  payment: PaymentRecord;
}

export function placeOrder(req: PlaceOrderRequest): Promise<OrderView> {
  return call<OrderView>("place_order", {
    customer_id: req.customerId,
    lines: req.lines,
    fulfilment: req.fulfilment,
    payment: req.payment,
  });
}

export function listOrders(): Promise<OrderView[]> {
  return call<OrderView[]>("list_orders");
}

export function orderDetail(orderId: string): Promise<OrderView> {
  return call<OrderView>("order_detail", { order_id: orderId });
}

export function cancelOrder(orderId: string): Promise<OrderView> {
  return call<OrderView>("cancel_order", { order_id: orderId });
}

/** Returns the given quantity of each SKU (only lines with a quantity above 0). */
export function returnOrder(orderId: string, lines: CartLine[]): Promise<OrderView> {
  return call<OrderView>("return_order", { order_id: orderId, lines });
}

/**
 * Forgets this device's enrollment and everything cached, to enroll it again.
 * Refused with `unsent_commands` while commands made here have not reached
 * the central.
 */
export function resetDevice(): Promise<AppState> {
  return call<AppState>("reset_device");
}

/**
 * Calls `handler` with every sync-status event. Resolves to a function that
 * stops listening.
 */
export async function onSyncStatus(handler: (status: SyncStatus) => void): Promise<() => void> {
  return listen<SyncStatus>(SYNC_STATUS_EVENT, (e) => handler(e.payload));
}
