import { describe, expect, it } from "vitest";
import {
  ACTIVITY_KINDS,
  APPOINTMENT_CHANNELS,
  CHANNELS,
  LOST_DEMAND_REASONS,
  PRODUCT_CLASSES,
  PRODUCT_REASONS,
  activityStatusKey,
  activityStatusTone,
  askedLostDemand,
  chainQuery,
  channelStyle,
  clampUnits,
  classKeys,
  isChannel,
  isRefund,
  kindKey,
  newestFirst,
  productLostDemand,
  reasonKey,
  refusalKey,
  signedAmount,
  signedMinor,
} from "./commerce";
import { en } from "./i18n/en";
import { es } from "./i18n/es";

describe("channels", () => {
  it("are the backend's five, in its order", () => {
    expect([...CHANNELS]).toEqual(["pos", "endless_aisle", "ecommerce", "app", "social"]);
    expect(isChannel("pos")).toBe(true);
    expect(isChannel("device")).toBe(false);
  });

  it("each have a name, a short name and a colour of their own", () => {
    const colors = new Set<string>();
    for (const c of [...CHANNELS, ...APPOINTMENT_CHANNELS]) {
      const s = channelStyle(c);
      expect(s.label, c).not.toBe("channel_other");
      expect(es[s.label].trim(), c).not.toBe("");
      expect(en[s.label].trim(), c).not.toBe("");
      expect(es[s.short].trim(), c).not.toBe("");
      expect(en[s.short].trim(), c).not.toBe("");
      expect(s.color, c).toMatch(/^#[0-9a-f]{6}$/);
      colors.add(s.color);
    }
    expect(colors.size).toBe(CHANNELS.length + APPOINTMENT_CHANNELS.length);
  });

  it("name endless-aisle orders as the store's own", () => {
    expect(es[channelStyle("endless_aisle").label]).toBe("Pedidos en tienda para entrega");
    expect(en[channelStyle("endless_aisle").label]).toBe("Orders placed in store");
  });

  it("show any other channel in grey rather than failing", () => {
    expect(channelStyle("kiosk").label).toBe("channel_other");
    expect(channelStyle("toString").label).toBe("channel_other");
    expect(channelStyle("kiosk").color).not.toBe(channelStyle("pos").color);
  });
});

describe("kinds and amounts", () => {
  it("name every kind of activity", () => {
    const keys = ACTIVITY_KINDS.map(kindKey);
    expect(new Set(keys).size).toBe(ACTIVITY_KINDS.length);
    expect(keys).not.toContain("kind_other");
    expect(kindKey("refund")).toBe("kind_other");
  });

  it("count returns and cancellations against the sales", () => {
    expect(signedMinor("sale", 24990)).toBe(24990);
    expect(signedMinor("order", 24990)).toBe(24990);
    expect(signedMinor("return", 24990)).toBe(-24990);
    expect(signedMinor("cancellation", 24990)).toBe(-24990);
    expect(signedMinor("appointment", 0)).toBe(0);
    // Whatever sign the amount came with, the kind decides.
    expect(signedMinor("return", -100)).toBe(-100);
    expect(signedMinor("sale", -100)).toBe(100);
    expect(isRefund("return")).toBe(true);
    expect(isRefund("order")).toBe(false);
  });

  it("keep the currency of the amount", () => {
    expect(signedAmount({ kind: "return", amount: { minor: 89950, currency: "MXN" } })).toEqual({ minor: -89950, currency: "MXN" });
    expect(signedAmount({ kind: "sale", amount: { minor: 129900, currency: "COP" } })).toEqual({ minor: 129900, currency: "COP" });
    expect(signedAmount({ kind: "appointment", amount: null })).toBeNull();
  });

  it("word an order's and an appointment's state", () => {
    expect(activityStatusKey("order", "shipped")).toBe("status_shipped");
    expect(activityStatusKey("sale", "delivered")).toBe("status_delivered");
    expect(activityStatusKey("appointment", "checked_in")).toBe("appt_status_checked_in");
    expect(activityStatusKey("appointment", "shipped")).toBeNull();
    expect(activityStatusKey("order", "teleported")).toBeNull();
    expect(activityStatusKey("order", null)).toBeNull();
    expect(activityStatusTone("order", "delivered")).toBe("ok");
    expect(activityStatusTone("appointment", "no_show")).toBe("bad");
    expect(activityStatusTone("order", "teleported")).toBe("muted");
  });

  it("sorts the history newest first, keeping equals in order", () => {
    const list = [
      { id: "a", occurred_at: "2026-11-20T10:00:00Z" },
      { id: "b", occurred_at: "2026-11-23T10:00:00Z" },
      { id: "c", occurred_at: "2026-11-20T10:00:00Z" },
      { id: "d", occurred_at: "not a date" },
    ];
    expect(newestFirst(list).map((x) => x.id)).toEqual(["b", "a", "c", "d"]);
  });
});

describe("the chain lookup", () => {
  it("asks the central only for a full phone number or email", () => {
    expect(chainQuery("+56 9 5551 2345")).toBe(true);
    expect(chainQuery("955512345")).toBe(true);
    expect(chainQuery("vrios@correo.cl")).toBe(true);
    expect(chainQuery("Valentina")).toBe(false);
    expect(chainQuery("9 55")).toBe(false);
    expect(chainQuery("vrios@")).toBe(false);
    expect(chainQuery("  ")).toBe(false);
  });
});

describe("lost demand", () => {
  it("names every reason", () => {
    expect([...LOST_DEMAND_REASONS]).toEqual(["not_anywhere", "declined_wait", "not_in_catalog", "other"]);
    expect(new Set(LOST_DEMAND_REASONS.map(reasonKey)).size).toBe(4);
    expect(es[reasonKey("not_anywhere")]).toBe("No hay en ninguna parte");
    expect(en[reasonKey("declined_wait")]).toBe("Didn't want to wait");
    expect(reasonKey("whatever")).toBe("lost_reason_other");
  });

  it("offers on a product the reasons that fit a product the catalogue has", () => {
    expect([...PRODUCT_REASONS]).toEqual(["not_anywhere", "declined_wait", "other"]);
  });

  it("records the variant when a size was chosen, else the product", () => {
    expect(productLostDemand("p-1", "PL-0310-TER-M", "not_anywhere")).toEqual({
      sku: "PL-0310-TER-M",
      product_id: null,
      text: null,
      reason: "not_anywhere",
    });
    expect(productLostDemand("p-1", null, "declined_wait")).toEqual({ sku: null, product_id: "p-1", text: null, reason: "declined_wait" });
  });

  it("records what was asked for in words, trimmed to what the backend keeps", () => {
    expect(askedLostDemand("  chaqueta de cuero  ")).toEqual({ sku: null, product_id: null, text: "chaqueta de cuero", reason: "not_in_catalog" });
    expect(askedLostDemand("   ")).toBeNull();
    expect(askedLostDemand("x".repeat(250))?.text).toHaveLength(200);
  });
});

describe("safety stock", () => {
  it("names the three product classes in both languages", () => {
    for (const c of PRODUCT_CLASSES) {
      const keys = classKeys(c);
      expect(keys, c).not.toBeNull();
      expect(es[keys!.name].trim()).not.toBe("");
      expect(en[keys!.name].trim()).not.toBe("");
    }
    expect(classKeys("outlet")).toBeNull();
  });

  it("keeps units between 0 and 1000, whole", () => {
    expect(clampUnits(-1)).toBe(0);
    expect(clampUnits(3.7)).toBe(3);
    expect(clampUnits(1001)).toBe(1000);
    expect(clampUnits(Number.NaN)).toBe(0);
  });

  it("explains a refusal", () => {
    expect(refusalKey("forbidden")).toBe("safety_refused_forbidden");
    expect(refusalKey("invalid")).toBe("safety_refused_invalid");
    expect(refusalKey("other")).toBe("safety_refused_invalid");
  });
});
