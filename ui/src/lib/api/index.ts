// The only module that talks to the Rust side. Screens import these typed
// functions and get plain values back; every failure rejects with a UiError.
import { convertFileSrc, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AppError,
  AppState,
  AppointmentView,
  AssociateView,
  BarcodeHit,
  CartLine,
  CustomerProfile,
  CustomerSession,
  CustomerView,
  FulfilmentChoice,
  LocationView,
  LostDemandSummary,
  LostDemandView,
  ManagerView,
  NewCustomer,
  NewLostDemand,
  OrderQuote,
  OrderView,
  PaymentRecord,
  ProductDetail,
  ReportView,
  SafetyRuleView,
  DeviceView,
  ScheduleInput,
  SearchHit,
  Selection,
  ServiceView,
  Showcase,
  SlotView,
  StylistDay,
  StylistSchedule,
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
  "enter_customer_mode",
  "showcase",
  "set_pick",
  "exit_customer_mode",
  "customer_selection",
  "dismiss_selection",
  "save_selection",
  "list_services",
  "stylist_days",
  "appointment_slots",
  "list_appointments",
  "book_appointment",
  "reschedule_appointment",
  "set_appointment_status",
  "stylist_schedule",
  "set_stylist_schedule",
  "customer_profile",
  "record_lost_demand",
  "manager_sign_in",
  "manager_sign_out",
  "manager_session",
  "store_report",
  "export_report_csv",
  "lost_demand",
  "safety_rules",
  "set_safety_rule",
  "lookup_chain_customer",
  "manager_devices",
  "revoke_device",
  "sign_in",
  "sign_out",
  "associate_session",
  "still_here",
] as const;

/**
 * Every error a command can reject with. The union repeats the variants the
 * UI relies on, so it stays valid whether or not the generated AppError
 * already lists them.
 */
export type UiError =
  | AppError
  | { code: "unsent_commands"; count: number }
  | { code: "customer_mode" }
  | { code: "no_pins" }
  | { code: "wrong_pin"; attempts_left: number }
  | { code: "pin_locked"; retry_after_s: number }
  | { code: "manager_required" }
  | { code: "sign_in_required" }
  | { code: "cache_diverged" }
  | { code: "device_revoked" };

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
  "customer_mode",
  "no_pins",
  "manager_required",
  "sign_in_required",
  "cache_diverged",
  "device_revoked",
  "internal",
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
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
  if (code === "wrong_pin" && isCount(err.attempts_left)) {
    return { code, attempts_left: err.attempts_left };
  }
  if (code === "pin_locked" && isCount(err.retry_after_s)) {
    return { code, retry_after_s: err.retry_after_s };
  }
  return { code: "internal" };
}

/** True when the value already has the shape of a UiError. */
export function isAppError(v: unknown): v is UiError {
  return isRecord(v) && typeof v.code === "string" && normaliseError(v).code === v.code;
}

/** Called whenever a command is refused because nobody is signed in (any more). */
let signInRequired: () => void = () => {};

/** The app's one handler of `sign_in_required`: it shows the sign-in screen. */
export function onSignInRequired(handler: () => void): void {
  signInRequired = handler;
}

async function call<T>(cmd: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    const error = normaliseError(err);
    if (error.code === "sign_in_required") signInRequired();
    throw error;
  }
}

/**
 * Signs in whoever the PIN belongs to (in place of whoever was signed in).
 * Refused with `wrong_pin`, `pin_locked`, or `no_pins` while no associate of
 * the store has reached the device.
 */
export function signIn(pin: string): Promise<AssociateView> {
  return call<AssociateView>("sign_in", { pin });
}

/** Signs the associate out; the sign-in screen follows. */
export function signOut(): Promise<null> {
  return call<null>("sign_out");
}

/** The associate signed in, or null (nobody, or idle too long). */
export function associateSession(): Promise<AssociateView | null> {
  return call<AssociateView | null>("associate_session");
}

/** Someone is using the screen: the session's idle clock restarts. Null once it has ended. */
export function stillHere(): Promise<AssociateView | null> {
  return call<AssociateView | null>("still_here");
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

// ---- Customer mode ---------------------------------------------------------

/**
 * Hands the tablet to a customer on this product. While the mode is on the
 * backend refuses every associate command with `customer_mode`. Refused with
 * `no_pins` while no associate PIN exists on this device (the mode could not
 * be left).
 */
export function enterCustomerMode(productId: string): Promise<CustomerSession> {
  return call<CustomerSession>("enter_customer_mode", { product_id: productId });
}

/** Every colour of a product with its images and what each size can be had as. */
export function showcase(productId: string): Promise<Showcase> {
  return call<Showcase>("showcase", { product_id: productId });
}

export interface PickRequest {
  productId: string;
  colorCode: string;
  /** The chosen size; null for a favourite. */
  size: string | null;
  /** "I'd like this one" (with a size) rather than a favourite. */
  wanted: boolean;
  /** false removes the colour's pick. */
  on: boolean;
}

/** Records (or with `on: false` removes) the customer's pick of a colour; one pick per colour. */
export function setPick(req: PickRequest): Promise<CustomerSession> {
  return call<CustomerSession>("set_pick", {
    product_id: req.productId,
    color_code: req.colorCode,
    size: req.size,
    wanted: req.wanted,
    on: req.on,
  });
}

/**
 * Ends customer mode with an associate's PIN. Resolves to what the customer
 * picked (null when nothing); refused with `wrong_pin` or `pin_locked`.
 */
export function exitCustomerMode(pin: string): Promise<Selection | null> {
  return call<Selection | null>("exit_customer_mode", { pin });
}

/** The customer's selection still waiting for the associate, if any. */
export function customerSelection(): Promise<Selection | null> {
  return call<Selection | null>("customer_selection");
}

/** Forgets the waiting selection. */
export function dismissSelection(): Promise<null> {
  return call<null>("dismiss_selection");
}

/** Saves the waiting selection to a customer's profile (it syncs to the central). */
export function saveSelection(customerId: string): Promise<null> {
  return call<null>("save_selection", { customer_id: customerId });
}

// ---- Stylist appointments ----------------------------------------------------

/** The services a stylist can be booked for. */
export function listServices(): Promise<ServiceView[]> {
  return call<ServiceView[]>("list_services");
}

/** Each stylist's working periods and breaks on a store-local date ("YYYY-MM-DD"). */
export function stylistDays(date: string): Promise<StylistDay[]> {
  return call<StylistDay[]>("stylist_days", { date });
}

/**
 * Free slots for a service on a store-local date, for one stylist or (null)
 * any who can perform it. Computed on the device: offline too.
 */
/**
 * Free slots for a service on a store-local date, for one stylist or any.
 * `exceptId`: an appointment being moved, whose own time counts as free.
 */
export function appointmentSlots(
  serviceId: string,
  date: string,
  stylistId: string | null,
  exceptId: string | null = null,
): Promise<SlotView[]> {
  return call<SlotView[]>("appointment_slots", { service_id: serviceId, date, stylist_id: stylistId, except_id: exceptId });
}

/** Appointments between two store-local dates, both included (at most 42 days apart). */
export function listAppointments(from: string, to: string): Promise<AppointmentView[]> {
  return call<AppointmentView[]>("list_appointments", { from, to });
}

export interface BookAppointmentRequest {
  customerId: string;
  serviceId: string;
  stylistId: string;
  /** The chosen slot's `start` (RFC 3339, UTC). */
  start: string;
  items: string[];
}

/**
 * Books a stylist: shown at once, pending until the central confirms it.
 * Refused with `invalid` start/slot_taken when this device already knows the
 * slot is taken.
 */
export function bookAppointment(req: BookAppointmentRequest): Promise<AppointmentView> {
  return call<AppointmentView>("book_appointment", {
    customer_id: req.customerId,
    service_id: req.serviceId,
    stylist_id: req.stylistId,
    start: req.start,
    items: req.items,
  });
}

/** Moves an appointment to a stylist and a start (RFC 3339, UTC). */
export function rescheduleAppointment(appointmentId: string, stylistId: string, start: string): Promise<AppointmentView> {
  return call<AppointmentView>("reschedule_appointment", { appointment_id: appointmentId, stylist_id: stylistId, start });
}

export type AppointmentStatusChange = "checked_in" | "no_show" | "cancelled";

/**
 * Checks in, marks a no-show or cancels. Resolves to null when a booking the
 * central refused was cancelled: it is simply dropped.
 */
export function setAppointmentStatus(appointmentId: string, status: AppointmentStatusChange): Promise<AppointmentView | null> {
  return call<AppointmentView | null>("set_appointment_status", { appointment_id: appointmentId, status });
}

/** A stylist's weekly hours, breaks and exceptions, for a manager to edit. */
export function stylistSchedule(stylistId: string): Promise<StylistSchedule> {
  return call<StylistSchedule>("stylist_schedule", { stylist_id: stylistId });
}

/**
 * A manager changes a stylist's schedule with their PIN. Queued for the
 * central: the agenda shows it once the central has taken it (`pending`
 * meanwhile). Refused with `wrong_pin`, `pin_locked`, `invalid` pin/not_manager
 * (a correct PIN, not a manager's) or `invalid` weekly_hours|exceptions/order
 * (an end not after its start).
 */
export function setStylistSchedule(pin: string, stylistId: string, schedule: ScheduleInput): Promise<StylistSchedule> {
  return call<StylistSchedule>("set_stylist_schedule", { pin, stylist_id: stylistId, schedule });
}

// ---- Unified commerce ----------------------------------------------------------

/** A customer with their sales, orders, returns and appointments from every channel. */
export function customerProfile(customerId: string): Promise<CustomerProfile> {
  return call<CustomerProfile>("customer_profile", { customer_id: customerId });
}

/** The reasons an associate can give for a customer leaving without what they wanted. */
export type LostDemandReason = "not_anywhere" | "declined_wait" | "not_in_catalog" | "other";

export interface LostDemandInput extends NewLostDemand {
  reason: LostDemandReason;
}

/**
 * Records what a customer wanted and could not have (a SKU, a product or what
 * they asked for in words). Saved here and queued for the central: works offline.
 */
export function recordLostDemand(input: LostDemandInput): Promise<LostDemandView> {
  return call<LostDemandView>("record_lost_demand", { input });
}

/**
 * Opens the manager's screens with a manager's PIN. Refused with `wrong_pin`,
 * `pin_locked` or `invalid` pin/not_manager (an associate's PIN).
 */
export function managerSignIn(pin: string): Promise<ManagerView> {
  return call<ManagerView>("manager_sign_in", { pin });
}

export function managerSignOut(): Promise<null> {
  return call<null>("manager_sign_out");
}

/** The manager signed in on this device, or null (none, or idle too long). */
export function managerSession(): Promise<ManagerView | null> {
  return call<ManagerView | null>("manager_session");
}

/**
 * The store's sales report over two dates of its calendar, both included (at
 * most 366 days). `live: false` is the last report fetched for that range.
 * Refused with `manager_required`, or `central_unreachable` when offline with
 * nothing saved for the range.
 */
export function storeReport(from: string, to: string): Promise<ReportView> {
  return call<ReportView>("store_report", { from, to });
}

/** Writes the report of a range (fetched before) to a CSV file; resolves to its path. */
export function exportReportCsv(from: string, to: string): Promise<string> {
  return call<string>("export_report_csv", { from, to });
}

/** The store's lost demand over the last `days` days (managers). */
export function lostDemand(days: number): Promise<LostDemandSummary> {
  return call<LostDemandSummary>("lost_demand", { days });
}

/** The units each product class keeps back for walk-in customers (managers). */
/** The store's devices, newest first (a manager signed in at the central). */
export function managerDevices(): Promise<DeviceView[]> {
  return call<DeviceView[]>("manager_devices");
}

/** Revokes another device of the store; answers the devices after. */
export function revokeDevice(deviceId: string): Promise<DeviceView[]> {
  return call<DeviceView[]>("revoke_device", { device_id: deviceId });
}

export function safetyRules(): Promise<SafetyRuleView[]> {
  return call<SafetyRuleView[]>("safety_rules");
}

/** Changes a class's safety stock (0–1000 units); queued for the central. */
export function setSafetyRule(productClass: string, units: number): Promise<SafetyRuleView[]> {
  return call<SafetyRuleView[]>("set_safety_rule", { product_class: productClass, units });
}

/**
 * Customers of other stores who agreed to one profile across the chain (and
 * this store's own), by exact phone or email, asked of the central: online
 * only. Refused with `invalid` query/too_short below 5 characters.
 */
export function lookupChainCustomer(query: string): Promise<CustomerProfile[]> {
  return call<CustomerProfile[]>("lookup_chain_customer", { query });
}

/** The scheme the Rust side serves catalogue images from, by content hash. */
export const IMAGE_SCHEME = "vimg";

/** A URL the webview can load for an image's content hash. */
export function imageUrl(hash: string): string {
  try {
    return convertFileSrc(hash, IMAGE_SCHEME);
  } catch {
    // No desktop shell (nor the dev backend): an address that fails to load,
    // so the screens show their fallback.
    return `${IMAGE_SCHEME}://localhost/${encodeURIComponent(hash)}`;
  }
}

/**
 * Calls `handler` with every sync-status event. Resolves to a function that
 * stops listening.
 */
export async function onSyncStatus(handler: (status: SyncStatus) => void): Promise<() => void> {
  return listen<SyncStatus>(SYNC_STATUS_EVENT, (e) => handler(e.payload));
}
