import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import {
  COMMANDS,
  cancelOrder,
  createCustomer,
  findBarcode,
  listOrders,
  normaliseError,
  orderDetail,
  placeOrder,
  productDetail,
  quoteOrder,
  resetDevice,
  regionStores,
  returnOrder,
  search,
  searchCustomers,
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
      ].sort(),
    );
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
    const customer = { name: "Ana", phone: "+56912345678", email: null, marketing_consent: false };
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

  it("resets the device, or says how many commands are unsent", async () => {
    const forgotten = { enrolled: false, central_url: null, device_id: null, store: null };
    mockIPC((cmd) => (cmd === "reset_device" ? forgotten : null));
    await expect(resetDevice()).resolves.toEqual(forgotten);
    mockIPC(() => {
      throw { code: "unsent_commands", count: 3 };
    });
    await expect(resetDevice()).rejects.toEqual({ code: "unsent_commands", count: 3 });
  });
});
