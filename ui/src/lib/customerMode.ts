// Customer mode: while the tablet is handed to a customer, only the customer
// screen may show. Pure rules (which screen, which keys are blocked) and the
// little that is remembered across a restart; App.svelte applies them.

/** Every route App.svelte can navigate to. */
export const ROUTE_NAMES = [
  "search",
  "product",
  "cart",
  "orders",
  "order",
  "appointments",
  "customers",
  "customer_profile",
  "manager",
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** Every screen App.svelte can render: the routes plus the app's own states. */
export const SCREENS = ["loading", "enroll", "first_sync", "sign_in", ...ROUTE_NAMES, "customer"] as const;
export type Screen = (typeof SCREENS)[number];

type Audience = "both" | "associate" | "customer";

// Who may see each screen. Typed over every Screen: a new screen must be
// placed here before it compiles.
const AUDIENCE: Record<Screen, Audience> = {
  // A spinner while the state is read: it shows nothing of the store's work.
  loading: "both",
  enroll: "associate",
  first_sync: "associate",
  // Nothing of the store's work shows until an associate gives their PIN.
  sign_in: "associate",
  search: "associate",
  product: "associate",
  cart: "associate",
  orders: "associate",
  order: "associate",
  // Customers' names, phones and the stylists' day: never for a customer's eyes.
  appointments: "associate",
  // Customers' contacts and purchase histories.
  customers: "associate",
  customer_profile: "associate",
  // The store's sales, lost demand and safety stock: for a signed-in manager, and
  // never with customer mode on, even while a manager's session is still open.
  manager: "associate",
  customer: "customer",
};

/** Whether a screen may render with customer mode on or off. */
export function screenAllowed(screen: Screen, customerModeOn: boolean): boolean {
  const who = AUDIENCE[screen];
  if (who === "both") return true;
  return customerModeOn ? who === "customer" : who === "associate";
}

/** Whether an associate route may render: never while customer mode is on. */
export function routeAllowed(route: RouteName, customerModeOn: boolean): boolean {
  return screenAllowed(route, customerModeOn);
}

export interface ScreenInput {
  /** The app state has been read. */
  loaded: boolean;
  enrolled: boolean;
  /** The first download of the catalogue is running. */
  firstSync: boolean;
  customerModeOn: boolean;
  /** An associate is signed in on the device. */
  signedIn: boolean;
  route: RouteName;
}

/** The one screen to render. Customer mode wins over everything once the state is known. */
export function screenFor(s: ScreenInput): Screen {
  if (!s.loaded) return "loading";
  if (s.customerModeOn) return "customer";
  if (!s.enrolled) return "enroll";
  if (s.firstSync) return "first_sync";
  if (!s.signedIn) return "sign_in";
  return routeAllowed(s.route, false) ? s.route : "search";
}

/** The screens where the associate works (orders load, the scanner opens products). */
export function isWorkScreen(screen: Screen): screen is RouteName {
  return (ROUTE_NAMES as readonly string[]).includes(screen);
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

// With Ctrl (Cmd on a Mac): select all, reload, address bar, print, find, close, new
// window or tab, open, save, view source, zoom, history back and forward.
const CTRL_KEYS = new Set(["a", "r", "l", "p", "f", "g", "w", "n", "t", "o", "s", "u", "h", "j", "+", "=", "-", "_", "0", "[", "]"]);
// With Ctrl+Shift: the developer tools.
const CTRL_SHIFT_KEYS = new Set(["i", "j", "c", "k", "m"]);
const ALWAYS = new Set([
  "Escape",
  "F1",
  "F3",
  "F5",
  "F6",
  "F7",
  "F11",
  "F12",
  "BrowserBack",
  "BrowserForward",
  "BrowserRefresh",
  "BrowserHome",
  "BrowserSearch",
  "BrowserFavorites",
  "BrowserStop",
  "ContextMenu",
]);

/**
 * True for a key whose browser default must not happen in customer mode:
 * navigating back or forward, reloading, the address bar, printing, zooming,
 * the context menu, leaving full screen. `editable` tells whether the focus is
 * in a text field (Backspace deletes there instead of going back).
 */
export function blockedKey(e: KeyLike, editable: boolean): boolean {
  if (ALWAYS.has(e.key)) return true;
  if (e.key === "Backspace" && !editable) return true;
  if (e.altKey && (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "F4")) return true;
  if (e.ctrlKey || e.metaKey) {
    const k = e.key.toLowerCase();
    if (e.shiftKey && CTRL_SHIFT_KEYS.has(k)) return true;
    if (CTRL_KEYS.has(k)) return true;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") return true;
  }
  return false;
}

/** Whether an event target is a field where typing edits text. */
export function isEditable(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return !target.readOnly && !target.disabled;
  if (target instanceof HTMLInputElement) {
    const textual = ["text", "search", "email", "tel", "url", "password", "number"].includes(target.type);
    return textual && !target.readOnly && !target.disabled;
  }
  return false;
}

// ---- Remembered across a restart -------------------------------------------

export const CUSTOMER_MODE_STORAGE_KEY = "vitrina.customerMode";

/** What the app notes when it hands the tablet over. */
export interface Handover {
  /** The associate's language, given back when the mode ends. */
  lang: "es" | "en";
  /** The colour shown when the mode started. */
  color: string | null;
}

type Storage = Pick<globalThis.Storage, "getItem" | "setItem" | "removeItem">;

function storage(s?: Storage | null): Storage | null {
  if (s !== undefined) return s;
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function saveHandover(h: Handover, s?: Storage | null): void {
  try {
    storage(s)?.setItem(CUSTOMER_MODE_STORAGE_KEY, JSON.stringify(h));
  } catch {
    // not kept across a restart; the mode still works
  }
}

/** The handover noted when the mode started, or null when none (or unreadable). */
export function readHandover(s?: Storage | null): Handover | null {
  let raw: string | null = null;
  try {
    raw = storage(s)?.getItem(CUSTOMER_MODE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (typeof v !== "object" || v === null) return null;
    if (v.lang !== "es" && v.lang !== "en") return null;
    const color = typeof v.color === "string" && v.color ? v.color : null;
    return { lang: v.lang, color };
  } catch {
    return null;
  }
}

export function clearHandover(s?: Storage | null): void {
  try {
    storage(s)?.removeItem(CUSTOMER_MODE_STORAGE_KEY);
  } catch {
    // nothing to forget
  }
}
