import { describe, expect, it } from "vitest";
import {
  CUSTOMER_MODE_STORAGE_KEY,
  ROUTE_NAMES,
  SCREENS,
  blockedKey,
  clearHandover,
  isWorkScreen,
  readHandover,
  routeAllowed,
  saveHandover,
  screenAllowed,
  screenFor,
  type KeyLike,
  type RouteName,
  type Screen,
} from "./customerMode";

// Written out by hand, so a route added to App.svelte without being listed in
// customerMode.ts (or the other way round) fails here.
const ASSOCIATE_ROUTES: RouteName[] = [
  "search",
  "product",
  "cart",
  "orders",
  "order",
  "appointments",
  "customers",
  "customer_profile",
  "manager",
];
const ASSOCIATE_SCREENS: Screen[] = ["enroll", "first_sync", "sign_in", ...ASSOCIATE_ROUTES];

describe("routes in customer mode", () => {
  it("knows every route of the app", () => {
    expect([...ROUTE_NAMES].sort()).toEqual([...ASSOCIATE_ROUTES].sort());
    expect([...SCREENS].sort()).toEqual(["loading", "customer", ...ASSOCIATE_SCREENS].sort());
  });

  it.each(ASSOCIATE_ROUTES)("refuses the associate route %s in customer mode", (route) => {
    expect(routeAllowed(route, true)).toBe(false);
    expect(routeAllowed(route, false)).toBe(true);
  });

  it.each(ASSOCIATE_SCREENS)("refuses the associate screen %s in customer mode", (screen) => {
    expect(screenAllowed(screen, true)).toBe(false);
    expect(screenAllowed(screen, false)).toBe(true);
  });

  it("shows the customer screen only in customer mode", () => {
    expect(screenAllowed("customer", true)).toBe(true);
    expect(screenAllowed("customer", false)).toBe(false);
    expect(screenAllowed("loading", true)).toBe(true);
    expect(screenAllowed("loading", false)).toBe(true);
  });

  it.each(ASSOCIATE_ROUTES)("renders the customer screen instead of %s, whatever else holds", (route) => {
    for (const enrolled of [true, false]) {
      for (const firstSync of [true, false]) {
        for (const signedIn of [true, false]) {
          expect(screenFor({ loaded: true, enrolled, firstSync, customerModeOn: true, signedIn, route })).toBe("customer");
        }
      }
    }
  });

  it("never picks a screen that is not allowed", () => {
    for (const route of ASSOCIATE_ROUTES) {
      for (const loaded of [true, false]) {
        for (const enrolled of [true, false]) {
          for (const firstSync of [true, false]) {
            for (const customerModeOn of [true, false]) {
              for (const signedIn of [true, false]) {
                const screen = screenFor({ loaded, enrolled, firstSync, customerModeOn, signedIn, route });
                expect(screenAllowed(screen, customerModeOn), `${route} ${loaded} ${enrolled} ${firstSync} ${customerModeOn}`).toBe(true);
              }
            }
          }
        }
      }
    }
  });

  it("keeps the associate flow when customer mode is off", () => {
    const base = { loaded: true, enrolled: true, firstSync: false, customerModeOn: false, signedIn: true };
    expect(screenFor({ ...base, loaded: false, route: "cart" })).toBe("loading");
    expect(screenFor({ ...base, enrolled: false, route: "cart" })).toBe("enroll");
    expect(screenFor({ ...base, firstSync: true, route: "cart" })).toBe("first_sync");
    expect(screenFor({ ...base, signedIn: false, route: "cart" })).toBe("sign_in");
    expect(screenFor({ ...base, signedIn: false, enrolled: false, route: "cart" })).toBe("enroll");
    for (const route of ASSOCIATE_ROUTES) expect(screenFor({ ...base, route })).toBe(route);
  });

  it("still shows the spinner before the state is read", () => {
    expect(
      screenFor({ loaded: false, enrolled: true, firstSync: false, customerModeOn: true, signedIn: false, route: "search" }),
    ).toBe("loading");
  });

  it("keeps the appointments agenda from customers", () => {
    expect(routeAllowed("appointments", true)).toBe(false);
    expect(screenAllowed("appointments", true)).toBe(false);
    expect(screenAllowed("appointments", false)).toBe(true);
    const base = { loaded: true, enrolled: true, firstSync: false, signedIn: true, route: "appointments" as const };
    expect(screenFor({ ...base, customerModeOn: true })).toBe("customer");
    expect(screenFor({ ...base, customerModeOn: false })).toBe("appointments");
    expect(screenFor({ ...base, customerModeOn: false, enrolled: false })).toBe("enroll");
    expect(screenFor({ ...base, customerModeOn: false, firstSync: true })).toBe("first_sync");
    expect(isWorkScreen("appointments")).toBe(true);
  });

  it.each(["customers", "customer_profile", "manager"] as const)("keeps %s from customers", (route) => {
    expect(routeAllowed(route, true)).toBe(false);
    expect(screenAllowed(route, true)).toBe(false);
    expect(screenAllowed(route, false)).toBe(true);
    const base = { loaded: true, enrolled: true, firstSync: false, signedIn: true, route };
    expect(screenFor({ ...base, customerModeOn: true })).toBe("customer");
    expect(screenFor({ ...base, customerModeOn: false })).toBe(route);
    expect(screenFor({ ...base, customerModeOn: false, enrolled: false })).toBe("enroll");
    expect(screenFor({ ...base, customerModeOn: false, firstSync: true })).toBe("first_sync");
    expect(isWorkScreen(route)).toBe(true);
  });

  it("counts only the associate routes as work screens", () => {
    for (const route of ASSOCIATE_ROUTES) expect(isWorkScreen(route)).toBe(true);
    for (const s of ["loading", "enroll", "first_sync", "customer"] as Screen[]) expect(isWorkScreen(s)).toBe(false);
  });
});

describe("blocked keys", () => {
  const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
    key: k,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  });

  it("blocks navigation, reloading and leaving", () => {
    const blocked: KeyLike[] = [
      key("Escape"),
      key("F5"),
      key("F11"),
      key("BrowserBack"),
      key("BrowserRefresh"),
      key("ArrowLeft", { altKey: true }),
      key("ArrowRight", { altKey: true }),
      key("r", { ctrlKey: true }),
      key("R", { ctrlKey: true, shiftKey: true }),
      key("l", { ctrlKey: true }),
      key("r", { metaKey: true }),
      key("l", { metaKey: true }),
      key("p", { ctrlKey: true }),
      key("+", { ctrlKey: true }),
      key("I", { ctrlKey: true, shiftKey: true }),
      key("[", { metaKey: true }),
      key("ContextMenu"),
    ];
    for (const e of blocked) expect(blockedKey(e, false), JSON.stringify(e)).toBe(true);
  });

  it("blocks Backspace outside text fields only", () => {
    expect(blockedKey(key("Backspace"), false)).toBe(true);
    expect(blockedKey(key("Backspace"), true)).toBe(false);
  });

  it("lets ordinary keys through", () => {
    const free: KeyLike[] = [
      key("ArrowLeft"),
      key("ArrowRight"),
      key("Enter"),
      key("Tab"),
      key("Tab", { shiftKey: true }),
      key(" "),
      key("1"),
      key("0"),
      key("r"),
      key("l"),
      key("c", { ctrlKey: true }),
    ];
    for (const e of free) expect(blockedKey(e, false), JSON.stringify(e)).toBe(false);
  });
});

describe("handover", () => {
  function memory(): Storage & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
      removeItem: (k: string) => void data.delete(k),
      clear: () => data.clear(),
      key: () => null,
      length: 0,
    };
  }

  it("remembers the associate's language and the colour", () => {
    const s = memory();
    expect(readHandover(s)).toBeNull();
    saveHandover({ lang: "en", color: "NAV" }, s);
    expect(readHandover(s)).toEqual({ lang: "en", color: "NAV" });
    clearHandover(s);
    expect(readHandover(s)).toBeNull();
  });

  it("ignores what it cannot read", () => {
    const s = memory();
    for (const raw of ["{", "null", "[]", '{"lang":"fr","color":"NAV"}', '"es"']) {
      s.data.set(CUSTOMER_MODE_STORAGE_KEY, raw);
      expect(readHandover(s), raw).toBeNull();
    }
    s.data.set(CUSTOMER_MODE_STORAGE_KEY, '{"lang":"es","color":3}');
    expect(readHandover(s)).toEqual({ lang: "es", color: null });
  });

  it("works without storage", () => {
    expect(() => saveHandover({ lang: "es", color: null }, null)).not.toThrow();
    expect(readHandover(null)).toBeNull();
  });
});
