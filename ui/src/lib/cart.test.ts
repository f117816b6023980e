import { describe, expect, it } from "vitest";
import type { OrderQuote, OrderView } from "./bindings";
import {
  canPlaceOrder,
  cartLines,
  cartReducer,
  clampQuantity,
  draftFromOrder,
  fulfilmentChoice,
  itemsFromOrder,
  missingForOrder,
  needsReference,
  parseCart,
  paymentRecord,
  unitCount,
  type CartItem,
  type FulfilmentDraft,
} from "./cart";

const item = (sku: string, quantity = 1): CartItem => ({
  sku,
  quantity,
  productId: "p-1",
  nameEs: "Chaqueta",
  nameEn: "Jacket",
  colorCode: "NAV",
  colorEs: "Azul marino",
  colorEn: "Navy",
  size: "M",
  unitPrice: { minor: 59990, currency: "CLP" },
});

const quote = (over: Partial<OrderQuote> = {}): OrderQuote => ({
  lines: [
    {
      sku: "A",
      quantity: 1,
      product_name_es: "Chaqueta",
      product_name_en: "Jacket",
      color_name_es: "Azul marino",
      color_name_en: "Navy",
      size: "M",
      unit_price: null,
      source: { id: "wh", kind: "warehouse", name: "CD", city: "", country: "CL", distance_km: null },
      alternatives: [],
    },
  ],
  promise_date: "2026-11-24",
  total: null,
  can_place: true,
  ...over,
});

const store: FulfilmentDraft = { mode: "ship_to_store", address: "", storeId: "" };

describe("cart reducer", () => {
  it("adds a new SKU and merges a repeated one", () => {
    let cart = cartReducer([], { type: "add", item: item("A", 2) });
    cart = cartReducer(cart, { type: "add", item: item("B") });
    cart = cartReducer(cart, { type: "add", item: item("A", 3) });
    expect(cart.map((i) => [i.sku, i.quantity])).toEqual([
      ["A", 5],
      ["B", 1],
    ]);
    expect(unitCount(cart)).toBe(6);
    expect(cartLines(cart)).toEqual([
      { sku: "A", quantity: 5 },
      { sku: "B", quantity: 1 },
    ]);
  });

  it("never mutates the cart it is given", () => {
    const before = [item("A")];
    const after = cartReducer(before, { type: "set_quantity", sku: "A", quantity: 4 });
    expect(before[0].quantity).toBe(1);
    expect(after[0].quantity).toBe(4);
  });

  it("keeps quantities between 1 and 99", () => {
    expect(clampQuantity(0)).toBe(1);
    expect(clampQuantity(-3)).toBe(1);
    expect(clampQuantity(2.7)).toBe(2);
    expect(clampQuantity(500)).toBe(99);
    expect(clampQuantity(Number.NaN)).toBe(1);
    const cart = cartReducer([item("A", 98)], { type: "add", item: item("A", 5) });
    expect(cart[0].quantity).toBe(99);
    expect(cartReducer(cart, { type: "set_quantity", sku: "A", quantity: 0 })[0].quantity).toBe(1);
  });

  it("removes a line and clears", () => {
    const cart = [item("A"), item("B")];
    expect(cartReducer(cart, { type: "remove", sku: "A" }).map((i) => i.sku)).toEqual(["B"]);
    expect(cartReducer(cart, { type: "remove", sku: "zzz" })).toHaveLength(2);
    expect(cartReducer(cart, { type: "clear" })).toEqual([]);
  });

  it("reads a stored cart back and drops malformed lines", () => {
    const good = item("A", 2);
    expect(parseCart(JSON.stringify([good]))).toEqual([good]);
    expect(parseCart(null)).toEqual([]);
    expect(parseCart("not json")).toEqual([]);
    expect(parseCart("{}")).toEqual([]);
    const bad = [{ sku: "X" }, { ...good, sku: "B", unitPrice: "free" }, { ...good, sku: "C", quantity: 400 }];
    expect(parseCart(JSON.stringify(bad)).map((i) => [i.sku, i.quantity])).toEqual([["C", 99]]);
  });
});

describe("fulfilment", () => {
  it("needs an address of at least 10 characters to ship home", () => {
    expect(fulfilmentChoice({ mode: "ship_to_home", address: "  Calle 1 ", storeId: "" })).toBeNull();
    expect(fulfilmentChoice({ mode: "ship_to_home", address: " Av. Italia 1450 ", storeId: "" })).toEqual({
      mode: "ship_to_home",
      address: "Av. Italia 1450",
    });
  });

  it("needs a store to pick up at another store", () => {
    expect(fulfilmentChoice({ mode: "pick_up_at", address: "", storeId: "" })).toBeNull();
    expect(fulfilmentChoice({ mode: "pick_up_at", address: "", storeId: "s2" })).toEqual({
      mode: "pick_up_at",
      store_id: "s2",
    });
  });

  it("ships to this store without more data, and needs a choice", () => {
    expect(fulfilmentChoice(store)).toEqual({ mode: "ship_to_store" });
    expect(fulfilmentChoice({ mode: null, address: "", storeId: "" })).toBeNull();
  });
});

describe("payment", () => {
  it("asks a reference only where it means something", () => {
    expect(needsReference("at_till")).toBe("none");
    expect(needsReference("reference")).toBe("required");
    expect(needsReference("payment_link")).toBe("optional");
    expect(paymentRecord("at_till", "ignored")).toEqual({ method: "at_till", reference: null });
    expect(paymentRecord("reference", "  ")).toBeNull();
    expect(paymentRecord("reference", " 0045127 ")).toEqual({ method: "reference", reference: "0045127" });
    expect(paymentRecord("payment_link", "")).toEqual({ method: "payment_link", reference: null });
  });
});

describe("placing an order", () => {
  const base = {
    items: [item("A")],
    customerId: "c1",
    draft: store,
    payment: paymentRecord("at_till", ""),
    quote: quote(),
  };

  it("is allowed with a customer, a valid delivery, a payment and a placeable quote", () => {
    expect(canPlaceOrder(base)).toBe(true);
    expect(missingForOrder(base)).toEqual([]);
  });

  it("says what is missing, in the order of the form", () => {
    const input = {
      ...base,
      customerId: null,
      draft: { mode: "ship_to_home" as const, address: "corta", storeId: "" },
      payment: paymentRecord("reference", ""),
    };
    expect(canPlaceOrder(input)).toBe(false);
    expect(missingForOrder(input)).toEqual(["customer", "address", "reference"]);
    expect(missingForOrder({ ...base, draft: { mode: null, address: "", storeId: "" } })).toEqual(["fulfilment"]);
    expect(missingForOrder({ ...base, draft: { mode: "pick_up_at", address: "", storeId: "" } })).toEqual(["store"]);
  });

  it("is refused without a quote, when the quote says no, or with an empty cart", () => {
    expect(canPlaceOrder({ ...base, quote: null })).toBe(false);
    expect(canPlaceOrder({ ...base, quote: quote({ can_place: false }) })).toBe(false);
    expect(canPlaceOrder({ ...base, items: [] })).toBe(false);
    const noSource = quote();
    noSource.lines[0].source = null;
    expect(missingForOrder({ ...base, quote: noSource })).toEqual(["source"]);
  });
});

describe("retrying an order", () => {
  const order: OrderView = {
    id: "o1",
    number: "cl-scl-providencia-AB12CD34-00042",
    status: "needs_attention",
    sync: "needs_attention",
    customer_id: "c1",
    customer_name: "Ana",
    lines: [
      {
        sku: "A",
        quantity: 2,
        returned: 0,
        product_name_es: "Chaqueta",
        product_name_en: "Jacket",
        color_name_es: "Azul marino",
        color_name_en: "Navy",
        size: "L",
        unit_price: { minor: 59990, currency: "CLP" },
        source_location_id: "wh",
        source_name: "CD",
      },
    ],
    fulfilment: { mode: "pick_up_at", address: null, store_id: "s2", store_name: "Costanera" },
    payment: { method: "at_till", reference: null },
    promise_date: null,
    total: null,
    created_at: "2026-11-23T18:00:00Z",
    rejection: null,
    cancel_requested: false,
  };

  it("puts the same lines and delivery back", () => {
    expect(itemsFromOrder(order).map((i) => [i.sku, i.quantity, i.size, i.nameEs])).toEqual([["A", 2, "L", "Chaqueta"]]);
    expect(draftFromOrder(order.fulfilment)).toEqual({ mode: "pick_up_at", address: "", storeId: "s2" });
    expect(
      draftFromOrder({ mode: "ship_to_home", address: "Av. Italia 1450", store_id: null, store_name: null }),
    ).toEqual({ mode: "ship_to_home", address: "Av. Italia 1450", storeId: "" });
  });
});
