import { describe, expect, it } from "vitest";
import type { OrderLineView, OrderStatus, OrderSync, OrderView } from "./bindings";
import {
  attentionCount,
  canCancel,
  canReturn,
  isOpen,
  needsAttention,
  numberParts,
  returnLines,
  sortOrders,
  syncStepState,
} from "./orders";

const line = (sku: string, quantity: number, returned = 0): OrderLineView => ({
  sku,
  quantity,
  returned,
  product_name_es: sku,
  product_name_en: sku,
  color_name_es: "",
  color_name_en: "",
  size: "M",
  unit_price: null,
  source_location_id: "wh",
  source_name: "CD",
});

const order = (id: string, over: Partial<OrderView> = {}): OrderView => ({
  id,
  number: `store-DEV-${id}`,
  status: "confirmed",
  sync: "confirmed",
  customer_id: null,
  customer_name: null,
  lines: [line("A", 2), line("B", 1)],
  fulfilment: { mode: "ship_to_store", address: null, store_id: null, store_name: null },
  payment: { method: "at_till", reference: null },
  promise_date: null,
  total: null,
  created_at: "2026-11-23T12:00:00Z",
  rejection: null,
  cancel_requested: false,
  ...over,
});

describe("order list", () => {
  it("puts orders needing attention first, then newest first", () => {
    const list = [
      order("old", { created_at: "2026-11-20T10:00:00Z" }),
      order("new", { created_at: "2026-11-23T18:00:00Z" }),
      order("rejected", { created_at: "2026-11-21T10:00:00Z", status: "needs_attention", sync: "needs_attention" }),
      order("mid", { created_at: "2026-11-22T10:00:00-03:00" }),
      order("rejected-sync", { created_at: "2026-11-19T10:00:00Z", sync: "needs_attention", status: "pending" }),
    ];
    expect(sortOrders(list).map((o) => o.id)).toEqual(["rejected", "rejected-sync", "new", "mid", "old"]);
    expect(list[0].id).toBe("old"); // not sorted in place
    expect(attentionCount(list)).toBe(2);
  });

  it("compares instants, not their text", () => {
    const a = order("a", { created_at: "2026-11-23T21:30:00-03:00" }); // 00:30Z next day
    const b = order("b", { created_at: "2026-11-23T23:00:00Z" });
    expect(sortOrders([b, a]).map((o) => o.id)).toEqual(["a", "b"]);
  });
});

describe("what can be done with an order", () => {
  const statuses: OrderStatus[] = [
    "pending",
    "confirmed",
    "picking",
    "shipped",
    "ready_for_pickup",
    "delivered",
    "cancelled",
    "returned",
    "needs_attention",
  ];

  it("cancels only before it leaves, and returns only once it has", () => {
    const cancellable = statuses.filter((s) => canCancel(order("x", { status: s })));
    const returnable = statuses.filter((s) => canReturn(order("x", { status: s })));
    expect(cancellable).toEqual(["pending", "confirmed", "picking", "needs_attention"]);
    expect(returnable).toEqual(["shipped", "ready_for_pickup", "delivered"]);
    expect(statuses.filter((s) => isOpen({ status: s }))).toEqual([
      "pending",
      "confirmed",
      "picking",
      "shipped",
      "ready_for_pickup",
    ]);
  });

  it("cannot return an order whose units all came back", () => {
    expect(canReturn(order("x", { status: "delivered", lines: [line("A", 2, 2)] }))).toBe(false);
    expect(canReturn(order("x", { status: "delivered", lines: [line("A", 2, 1)] }))).toBe(true);
  });

  it("builds return lines capped at what is left, without zeros", () => {
    const o = order("x", { status: "delivered", lines: [line("A", 3, 1), line("B", 1), line("C", 2)] });
    expect(returnLines(o, { A: 5, B: "1", C: 0 })).toEqual([
      { sku: "A", quantity: 2 },
      { sku: "B", quantity: 1 },
    ]);
    expect(returnLines(o, { A: -1, B: "x", C: 1.8 })).toEqual([{ sku: "C", quantity: 1 }]);
    expect(returnLines(o, {})).toEqual([]);
  });
});

describe("sync steps", () => {
  const steps = (sync: OrderSync) =>
    (["saved_here", "sent", "confirmed"] as OrderSync[]).map((s) => syncStepState(sync, s));

  it("follows the order to the central", () => {
    expect(steps("saved_here")).toEqual(["current", "todo", "todo"]);
    expect(steps("sent")).toEqual(["done", "current", "todo"]);
    expect(steps("confirmed")).toEqual(["done", "done", "done"]);
    expect(steps("needs_attention")).toEqual(["done", "done", "failed"]);
    expect(needsAttention({ status: "confirmed", sync: "needs_attention" })).toBe(true);
  });
});

describe("order numbers", () => {
  it("splits off the counter read at the till", () => {
    expect(numberParts("cl-scl-providencia-AB12CD34-00042")).toEqual(["cl-scl-providencia-AB12CD34-", "00042"]);
    expect(numberParts("00042")).toEqual(["", "00042"]);
    expect(numberParts("trailing-")).toEqual(["", "trailing-"]);
  });
});
