import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { clearMocks, mockConvertFileSrc, mockIPC } from "@tauri-apps/api/mocks";
import {
  COMMANDS,
  appointmentSlots,
  bookAppointment,
  cancelOrder,
  createCustomer,
  customerProfile,
  customerSelection,
  dismissSelection,
  enterCustomerMode,
  exitCustomerMode,
  exportReportCsv,
  findBarcode,
  imageUrl,
  listAppointments,
  listOrders,
  listServices,
  lookupChainCustomer,
  managerDevices,
  revokeDevice,
  lostDemand,
  managerSession,
  managerSignIn,
  managerSignOut,
  normaliseError,
  onSignInRequired,
  signIn,
  signOut,
  associateSession,
  stillHere,
  orderDetail,
  placeOrder,
  productDetail,
  quoteOrder,
  recordLostDemand,
  resetDevice,
  regionStores,
  rescheduleAppointment,
  returnOrder,
  safetyRules,
  saveSelection,
  search,
  searchCustomers,
  setAppointmentStatus,
  setPick,
  setSafetyRule,
  setStylistSchedule,
  showcase,
  storeReport,
  stylistDays,
  stylistSchedule,
} from "./index";

describe("normaliseError", () => {
  it("keeps well-formed AppErrors", () => {
    expect(normaliseError({ code: "central_unreachable" })).toEqual({ code: "central_unreachable" });
    expect(normaliseError({ code: "invalid", field: "barcode", reason: "check_digit" })).toEqual({
      code: "invalid",
      field: "barcode",
      reason: "check_digit",
    });
    expect(normaliseError({ code: "protocol", detail: "x" })).toEqual({ code: "protocol", detail: "x" });
    expect(normaliseError({ code: "unsent_commands", count: 2 })).toEqual({ code: "unsent_commands", count: 2 });
  });

  it("keeps the customer-mode errors", () => {
    expect(normaliseError({ code: "customer_mode" })).toEqual({ code: "customer_mode" });
    expect(normaliseError({ code: "no_pins" })).toEqual({ code: "no_pins" });
    expect(normaliseError({ code: "wrong_pin", attempts_left: 2 })).toEqual({ code: "wrong_pin", attempts_left: 2 });
    expect(normaliseError({ code: "wrong_pin", attempts_left: 0 })).toEqual({ code: "wrong_pin", attempts_left: 0 });
    expect(normaliseError({ code: "pin_locked", retry_after_s: 30 })).toEqual({ code: "pin_locked", retry_after_s: 30 });
    expect(normaliseError({ code: "pin_locked", retry_after_s: 30, attempts_left: 0 })).toEqual({
      code: "pin_locked",
      retry_after_s: 30,
    });
  });

  it("keeps the manager's session ending", () => {
    expect(normaliseError({ code: "manager_required" })).toEqual({ code: "manager_required" });
    expect(normaliseError({ code: "manager_required", since: 300 })).toEqual({ code: "manager_required" });
    expect(normaliseError({ code: "Manager_Required" })).toEqual({ code: "internal" });
  });

  it("drops extra fields", () => {
    expect(normaliseError({ code: "not_found", extra: 1 })).toEqual({ code: "not_found" });
  });

  it("turns anything else into internal", () => {
    for (const e of [
      "boom",
      new Error("boom"),
      null,
      undefined,
      42,
      [],
      {},
      { code: "nope" },
      { code: 3 },
      { code: "invalid", field: "x" },
      { code: "protocol" },
      { code: "unsent_commands" },
      { code: "unsent_commands", count: "2" },
      { code: "unsent_commands", count: Number.NaN },
      { code: "wrong_pin" },
      { code: "wrong_pin", attempts_left: "2" },
      { code: "wrong_pin", attempts_left: -1 },
      { code: "wrong_pin", attempts_left: Number.POSITIVE_INFINITY },
      { code: "pin_locked" },
      { code: "pin_locked", retry_after_s: null },
      { code: "pin_locked", retry_after_s: Number.NaN },
      { code: "Customer_Mode" },
    ]) {
      expect(normaliseError(e)).toEqual({ code: "internal" });
    }
  });
});

describe("commands", () => {
  beforeAll(() => {
    // The mocks install themselves on `window`.
    (globalThis as { window?: unknown }).window ??= globalThis;
  });
  afterEach(() => clearMocks());

  it("lists every command once", () => {
    expect(new Set(COMMANDS).size).toBe(COMMANDS.length);
    expect([...COMMANDS].sort()).toEqual(
      [
        "app_state",
        "enroll",
        "find_barcode",
        "product_detail",
        "search",
        "sync_now",
        "sync_status",
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
      ].sort(),
    );
  });

  it("lists the unified-commerce and device commands after the schedule's, in the backend's order", () => {
    const at = COMMANDS.indexOf("set_stylist_schedule");
    expect(COMMANDS.slice(at + 1)).toEqual([
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
    ]);
  });

  it("passes snake_case arguments", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === "search" ? [] : {};
    });
    await search("jeans", 30);
    await productDetail("p1");
    expect(seen).toEqual([
      ["search", { query: "jeans", limit: 30 }],
      ["product_detail", { product_id: "p1" }],
    ]);
  });

  it("passes the order commands' arguments in snake_case", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === "search_customers" || cmd === "list_orders" || cmd === "region_stores" ? [] : {};
    });
    const lines = [{ sku: "CH-1001-NAV-M", quantity: 2 }];
    const customer = { name: "Ana", phone: "+56912345678", email: null, marketing_consent: false, chain_consent: true };
    await searchCustomers("9 1234");
    await createCustomer(customer);
    await regionStores();
    await quoteOrder(lines, { mode: "ship_to_home", address: "Av. Providencia 1234" });
    await placeOrder({
      customerId: "c1",
      lines,
      fulfilment: { mode: "pick_up_at", store_id: "s2" },
      payment: { method: "reference", reference: "B-77" },
    });
    await listOrders();
    await orderDetail("o1");
    await cancelOrder("o1");
    await returnOrder("o1", [{ sku: "CH-1001-NAV-M", quantity: 1 }]);
    expect(seen).toEqual([
      ["search_customers", { query: "9 1234" }],
      ["create_customer", { customer }],
      ["region_stores", {}],
      ["quote_order", { lines, fulfilment: { mode: "ship_to_home", address: "Av. Providencia 1234" } }],
      [
        "place_order",
        {
          customer_id: "c1",
          lines,
          fulfilment: { mode: "pick_up_at", store_id: "s2" },
          payment: { method: "reference", reference: "B-77" },
        },
      ],
      ["list_orders", {}],
      ["order_detail", { order_id: "o1" }],
      ["cancel_order", { order_id: "o1" }],
      ["return_order", { order_id: "o1", lines: [{ sku: "CH-1001-NAV-M", quantity: 1 }] }],
    ]);
  });

  it("rejects with a normalised AppError", async () => {
    mockIPC(() => {
      throw { code: "invalid", field: "barcode", reason: "check_digit" };
    });
    await expect(findBarcode("4006381333932")).rejects.toEqual({
      code: "invalid",
      field: "barcode",
      reason: "check_digit",
    });
    mockIPC(() => {
      throw "database is locked";
    });
    await expect(findBarcode("4006381333931")).rejects.toEqual({ code: "internal" });
  });

  it("passes the customer-mode commands' arguments in snake_case", async () => {
    const seen: [string, unknown][] = [];
    const session = { product_id: "p1", started_at: "2026-11-23T18:00:00Z", picks: [] };
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "enter_customer_mode" || cmd === "set_pick") return session;
      return null;
    });
    await expect(enterCustomerMode("p1")).resolves.toEqual(session);
    await showcase("p1");
    await setPick({ productId: "p1", colorCode: "NAV", size: null, wanted: false, on: true });
    await setPick({ productId: "p1", colorCode: "BLK", size: "M", wanted: true, on: true });
    await setPick({ productId: "p1", colorCode: "NAV", size: null, wanted: false, on: false });
    await expect(exitCustomerMode("1234")).resolves.toBeNull();
    await expect(customerSelection()).resolves.toBeNull();
    await dismissSelection();
    await saveSelection("cus-1");
    expect(seen).toEqual([
      ["enter_customer_mode", { product_id: "p1" }],
      ["showcase", { product_id: "p1" }],
      ["set_pick", { product_id: "p1", color_code: "NAV", size: null, wanted: false, on: true }],
      ["set_pick", { product_id: "p1", color_code: "BLK", size: "M", wanted: true, on: true }],
      ["set_pick", { product_id: "p1", color_code: "NAV", size: null, wanted: false, on: false }],
      ["exit_customer_mode", { pin: "1234" }],
      ["customer_selection", {}],
      ["dismiss_selection", {}],
      ["save_selection", { customer_id: "cus-1" }],
    ]);
  });

  it("passes the appointment commands' arguments in snake_case", async () => {
    const seen: [string, unknown][] = [];
    const view = { id: "ap-1", sync: "pending" };
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (["list_services", "stylist_days", "appointment_slots", "list_appointments"].includes(cmd)) return [];
      if (cmd === "set_appointment_status" && (args as { status?: string }).status === "cancelled") return null;
      return view;
    });
    await listServices();
    await stylistDays("2026-11-24");
    await appointmentSlots("SRV-IMAGEN", "2026-11-24", null);
    await appointmentSlots("SRV-IMAGEN", "2026-11-24", "CL-SCL-01-STY-1", "ap-1");
    await listAppointments("2026-11-23", "2026-11-29");
    await expect(
      bookAppointment({
        customerId: "cus-1",
        serviceId: "SRV-IMAGEN",
        stylistId: "CL-SCL-01-STY-1",
        start: "2026-11-24T13:15:00Z",
        items: [],
      }),
    ).resolves.toEqual(view);
    await rescheduleAppointment("ap-1", "CL-SCL-01-STY-2", "2026-11-24T15:15:00Z");
    await expect(setAppointmentStatus("ap-1", "checked_in")).resolves.toEqual(view);
    await expect(setAppointmentStatus("ap-1", "cancelled")).resolves.toBeNull();
    expect(seen).toEqual([
      ["list_services", {}],
      ["stylist_days", { date: "2026-11-24" }],
      ["appointment_slots", { service_id: "SRV-IMAGEN", date: "2026-11-24", stylist_id: null, except_id: null }],
      [
        "appointment_slots",
        { service_id: "SRV-IMAGEN", date: "2026-11-24", stylist_id: "CL-SCL-01-STY-1", except_id: "ap-1" },
      ],
      ["list_appointments", { from: "2026-11-23", to: "2026-11-29" }],
      [
        "book_appointment",
        {
          customer_id: "cus-1",
          service_id: "SRV-IMAGEN",
          stylist_id: "CL-SCL-01-STY-1",
          start: "2026-11-24T13:15:00Z",
          items: [],
        },
      ],
      ["reschedule_appointment", { appointment_id: "ap-1", stylist_id: "CL-SCL-01-STY-2", start: "2026-11-24T15:15:00Z" }],
      ["set_appointment_status", { appointment_id: "ap-1", status: "checked_in" }],
      ["set_appointment_status", { appointment_id: "ap-1", status: "cancelled" }],
    ]);
  });

  it("rejects a taken slot and an unchangeable appointment as invalid fields", async () => {
    mockIPC(() => {
      throw { code: "invalid", field: "start", reason: "slot_taken" };
    });
    await expect(rescheduleAppointment("ap-1", "s", "2026-11-24T15:15:00Z")).rejects.toEqual({
      code: "invalid",
      field: "start",
      reason: "slot_taken",
    });
    mockIPC(() => {
      throw { code: "invalid", field: "status", reason: "not_changeable" };
    });
    await expect(setAppointmentStatus("ap-1", "no_show")).rejects.toEqual({
      code: "invalid",
      field: "status",
      reason: "not_changeable",
    });
  });

  it("passes the schedule commands' arguments in snake_case", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return { stylist_id: "s1", name: "Antonia", weekly_hours: [], breaks: [], exceptions: [], pending: cmd === "set_stylist_schedule" };
    });
    const schedule = {
      weekly_hours: [{ weekday: "Mon", start: "10:00", end: "19:00" }],
      breaks: [{ weekday: "Mon", start: "14:00", end: "15:00" }],
      exceptions: [{ date: "2026-11-26", kind: "day_off", start: null, end: null }],
    };
    expect((await stylistSchedule("s1")).pending).toBe(false);
    expect((await setStylistSchedule("9999", "s1", schedule)).pending).toBe(true);
    expect(seen).toEqual([
      ["stylist_schedule", { stylist_id: "s1" }],
      ["set_stylist_schedule", { pin: "9999", stylist_id: "s1", schedule }],
    ]);
  });

  it("rejects a schedule change by someone who is not a manager, or with an end before its start", async () => {
    const input = { weekly_hours: [], breaks: [], exceptions: [] };
    mockIPC(() => {
      throw { code: "invalid", field: "pin", reason: "not_manager" };
    });
    await expect(setStylistSchedule("1234", "s1", input)).rejects.toEqual({ code: "invalid", field: "pin", reason: "not_manager" });
    mockIPC(() => {
      throw { code: "invalid", field: "weekly_hours", reason: "order" };
    });
    await expect(setStylistSchedule("9999", "s1", input)).rejects.toEqual({ code: "invalid", field: "weekly_hours", reason: "order" });
  });

  it("rejects a wrong PIN with the attempts left, and a locked pad with the wait", async () => {
    mockIPC(() => {
      throw { code: "wrong_pin", attempts_left: 2 };
    });
    await expect(exitCustomerMode("0000")).rejects.toEqual({ code: "wrong_pin", attempts_left: 2 });
    mockIPC(() => {
      throw { code: "pin_locked", retry_after_s: 45 };
    });
    await expect(exitCustomerMode("0000")).rejects.toEqual({ code: "pin_locked", retry_after_s: 45 });
    mockIPC(() => {
      throw { code: "no_pins" };
    });
    await expect(enterCustomerMode("p1")).rejects.toEqual({ code: "no_pins" });
  });

  it("passes the unified-commerce commands' arguments in snake_case", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "manager_session" || cmd === "manager_sign_out") return null;
      if (cmd === "export_report_csv") return "/data/exports/vitrina-s1-2026-11-23.csv";
      if (["safety_rules", "set_safety_rule", "lookup_chain_customer", "manager_devices", "revoke_device"].includes(cmd)) return [];
      return {};
    });
    const lost = { sku: "PL-0310-TER-M", product_id: null, text: null, reason: "not_anywhere" as const };
    await customerProfile("cus-1");
    await recordLostDemand(lost);
    await managerSignIn("9999");
    await expect(managerSession()).resolves.toBeNull();
    await storeReport("2026-11-17", "2026-11-23");
    await expect(exportReportCsv("2026-11-23", "2026-11-23")).resolves.toBe("/data/exports/vitrina-s1-2026-11-23.csv");
    await lostDemand(30);
    await safetyRules();
    await setSafetyRule("bestseller", 3);
    await managerSignOut();
    await lookupChainCustomer("+56 9 8765 4321");
    await managerDevices();
    await revokeDevice("d-2");
    expect(seen).toEqual([
      ["customer_profile", { customer_id: "cus-1" }],
      ["record_lost_demand", { input: lost }],
      ["manager_sign_in", { pin: "9999" }],
      ["manager_session", {}],
      ["store_report", { from: "2026-11-17", to: "2026-11-23" }],
      ["export_report_csv", { from: "2026-11-23", to: "2026-11-23" }],
      ["lost_demand", { days: 30 }],
      ["safety_rules", {}],
      ["set_safety_rule", { product_class: "bestseller", units: 3 }],
      ["manager_sign_out", {}],
      ["lookup_chain_customer", { query: "+56 9 8765 4321" }],
      ["manager_devices", {}],
      ["revoke_device", { device_id: "d-2" }],
    ]);
  });

  it("rejects the manager's commands once the session is over, and a report offline with nothing saved", async () => {
    mockIPC(() => {
      throw { code: "manager_required" };
    });
    await expect(storeReport("2026-11-23", "2026-11-23")).rejects.toEqual({ code: "manager_required" });
    await expect(setSafetyRule("core", 1)).rejects.toEqual({ code: "manager_required" });
    mockIPC(() => {
      throw { code: "central_unreachable" };
    });
    await expect(storeReport("2026-11-23", "2026-11-23")).rejects.toEqual({ code: "central_unreachable" });
    mockIPC(() => {
      throw { code: "invalid", field: "pin", reason: "not_manager" };
    });
    await expect(managerSignIn("1234")).rejects.toEqual({ code: "invalid", field: "pin", reason: "not_manager" });
  });

  it("passes the sign-in commands' arguments and tells the app when nobody is signed in any more", async () => {
    const seen: [string, unknown][] = [];
    const view = { associate_id: "s1-associate", name: "Ana", role: "associate", online: true, sign_out_after_s: 300 };
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      if (cmd === "search") throw { code: "sign_in_required" };
      return cmd === "sign_out" ? null : view;
    });
    let told = 0;
    onSignInRequired(() => told++);
    await expect(signIn("4821")).resolves.toEqual(view);
    await expect(stillHere()).resolves.toEqual(view);
    await expect(associateSession()).resolves.toEqual(view);
    await expect(signOut()).resolves.toBeNull();
    expect(told).toBe(0);
    await expect(search("camisa", 10)).rejects.toEqual({ code: "sign_in_required" });
    expect(told).toBe(1);
    onSignInRequired(() => {});
    expect(seen.slice(0, 4)).toEqual([
      ["sign_in", { pin: "4821" }],
      ["still_here", {}],
      ["associate_session", {}],
      ["sign_out", {}],
    ]);
  });

  it("serves images from the vimg scheme on every platform", () => {
    const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    mockConvertFileSrc("linux");
    expect(imageUrl(hash)).toBe(`vimg://localhost/${hash}`);
    mockConvertFileSrc("macos");
    expect(imageUrl(hash)).toBe(`vimg://localhost/${hash}`);
    mockConvertFileSrc("windows");
    expect(imageUrl(hash)).toBe(`http://vimg.localhost/${hash}`);
  });

  it("gives an address that fails to load when there is no shell", () => {
    clearMocks();
    expect(imageUrl("abc")).toBe("vimg://localhost/abc");
  });

  it("resets the device, or says how many commands are unsent", async () => {
    const forgotten = { enrolled: false, central_url: null, device_id: null, store: null, customer_mode: null };
    mockIPC((cmd) => (cmd === "reset_device" ? forgotten : null));
    await expect(resetDevice()).resolves.toEqual(forgotten);
    mockIPC(() => {
      throw { code: "unsent_commands", count: 3 };
    });
    await expect(resetDevice()).rejects.toEqual({ code: "unsent_commands", count: 3 });
  });
});
