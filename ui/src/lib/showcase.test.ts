import { describe, expect, it } from "vitest";
import type { PickView, SizeAvailability, SizeState } from "./bindings";
import { translate } from "./i18n/translate";
import {
  carrySize,
  colorIndex,
  escapeXml,
  fallbackImage,
  isOneSize,
  pickFor,
  sizeLabel,
  sizeOnArrival,
  sortPicks,
  tint,
  wantDecision,
  wrapIndex,
  wrapWords,
} from "./showcase";

const size = (s: string, state: SizeState, arrives: string | null = null): SizeAvailability => ({
  sku: `X-${s}`,
  size: s,
  state,
  in_store: state === "in_store" ? 2 : 0,
  arrives,
});

const pick = (color: string, wanted: boolean, sz: string | null = null, product = "p1"): PickView => ({
  product_id: product,
  name_es: "Polera",
  name_en: "Tee",
  color_code: color,
  color_es: color,
  color_en: color,
  hex: "#123456",
  thumb: null,
  size: sz,
  sku: sz ? `X-${sz}` : null,
  wanted,
  price: null,
});

describe("moving between colours", () => {
  it("wraps around both ends", () => {
    expect(wrapIndex(3, 3)).toBe(0);
    expect(wrapIndex(-1, 3)).toBe(2);
    expect(wrapIndex(7, 3)).toBe(1);
    expect(wrapIndex(-4, 3)).toBe(2);
    expect(wrapIndex(1, 0)).toBe(0);
  });

  it("starts at the colour asked for, else the first", () => {
    const colors = [{ color_code: "A" }, { color_code: "B" }];
    expect(colorIndex(colors, "B")).toBe(1);
    expect(colorIndex(colors, "Z")).toBe(0);
    expect(colorIndex(colors, null)).toBe(0);
  });
});

describe("size chips", () => {
  const day = (iso: string) => `<${iso}>`;

  it("says which label each state gets", () => {
    expect(sizeLabel(size("M", "in_store"), day)).toEqual(["cm_size_in_store", undefined]);
    expect(sizeLabel(size("M", "orderable", "2026-11-25"), day)).toEqual(["cm_size_orderable", { date: "<2026-11-25>" }]);
    expect(sizeLabel(size("M", "orderable"), day)).toEqual(["cm_size_orderable_nodate", undefined]);
    expect(sizeLabel(size("M", "sold_out"), day)).toEqual(["cm_size_sold_out", undefined]);
  });

  it("reads naturally in both languages", () => {
    const s = size("M", "orderable", "2026-11-25");
    expect(translate("es", ...sizeLabel(s, () => "25 nov"))).toBe("Se puede pedir · llega el 25 nov");
    expect(translate("en", ...sizeLabel(s, () => "Nov 25"))).toBe("Can be ordered · arrives Nov 25");
    expect(translate("es", ...sizeLabel(size("M", "in_store"), day))).toBe("En tienda ahora");
    expect(translate("en", ...sizeLabel(size("M", "sold_out"), day))).toBe("Sold out");
  });
});

describe("choosing a size", () => {
  const sizes = [size("S", "in_store"), size("M", "orderable", "2026-11-25"), size("L", "sold_out")];

  it("keeps the chosen size on another colour when it can be had there", () => {
    expect(carrySize(sizes, "M")).toBe("M");
    expect(carrySize(sizes, "L")).toBeNull();
    expect(carrySize(sizes, "XL")).toBeNull();
    expect(carrySize(sizes, null)).toBeNull();
  });

  it("selects the only size of a one-size item", () => {
    expect(isOneSize([size("U", "in_store")])).toBe(true);
    expect(carrySize([size("U", "in_store")], null)).toBe("U");
    expect(carrySize([size("U", "sold_out")], null)).toBeNull();
  });

  it("selects on arrival the size the customer wanted in that colour", () => {
    expect(sizeOnArrival(sizes, pick("A", true, "S"), "M")).toBe("S");
    expect(sizeOnArrival(sizes, pick("A", false), "M")).toBe("M");
    expect(sizeOnArrival(sizes, pick("A", true, "L"), null)).toBeNull();
    expect(sizeOnArrival(sizes, null, "S")).toBe("S");
  });
});

describe("I'd like this one", () => {
  it("needs a size when there are several", () => {
    const sizes = [size("S", "in_store"), size("M", "in_store")];
    expect(wantDecision(sizes, null)).toEqual({ kind: "choose_size" });
    expect(wantDecision(sizes, "M")).toEqual({ kind: "ok", size: "M" });
  });

  it("asks again when the chosen size cannot be had", () => {
    expect(wantDecision([size("S", "in_store"), size("M", "sold_out")], "M")).toEqual({ kind: "choose_size" });
  });

  it("needs no choice for a one-size item", () => {
    expect(wantDecision([size("U", "orderable", "2026-11-25")], null)).toEqual({ kind: "ok", size: "U" });
  });

  it("is not possible when every size is sold out, or there are none", () => {
    expect(wantDecision([size("S", "sold_out"), size("M", "sold_out")], "S")).toEqual({ kind: "unavailable" });
    expect(wantDecision([size("U", "sold_out")], null)).toEqual({ kind: "unavailable" });
    expect(wantDecision([], null)).toEqual({ kind: "unavailable" });
  });
});

describe("picks", () => {
  it("finds the pick of a colour of a product", () => {
    const picks = [pick("A", false), pick("B", true, "M"), pick("A", false, null, "p2")];
    expect(pickFor(picks, "p1", "B")?.wanted).toBe(true);
    expect(pickFor(picks, "p2", "A")?.product_id).toBe("p2");
    expect(pickFor(picks, "p1", "C")).toBeNull();
  });

  it("lists wanted picks before favourites, keeping their order", () => {
    const sorted = sortPicks([pick("A", false), pick("B", true, "M"), pick("C", false), pick("D", true, "S")]);
    expect(sorted.map((p) => p.color_code)).toEqual(["B", "D", "A", "C"]);
  });
});

describe("fallback picture", () => {
  it("mixes a colour with white", () => {
    expect(tint("#000000", 0)).toBe("#ffffff");
    expect(tint("#000000", 1)).toBe("#000000");
    expect(tint("#1f2f4d", 0.5)).toBe("#8f97a6");
    expect(tint("f00", 0.5)).toBe("#ff8080");
  });

  it("wraps the product name in a few lines", () => {
    expect(wrapWords("Chaqueta acolchada liviana", 16, 3)).toEqual(["Chaqueta", "acolchada", "liviana"]);
    expect(wrapWords("Polera básica de algodón", 16, 3)).toEqual(["Polera básica de", "algodón"]);
    expect(wrapWords("a b c d e f", 1, 2)).toEqual(["a", "b…"]);
    expect(wrapWords("   ", 10, 2)).toEqual([]);
  });

  it("escapes what would break the SVG", () => {
    expect(escapeXml(`Tom & Jerry <"x"> 'y'`)).toBe("Tom &amp; Jerry &lt;&quot;x&quot;&gt; &apos;y&apos;");
  });

  it("paints the colour with the name in a readable ink", () => {
    const dark = decodeURIComponent(fallbackImage({ hex: "#1f2f4d", title: "Jeans <slim>", subtitle: "Azul marino" }).split(",")[1]);
    expect(dark).toContain('fill="#1f2f4d"');
    expect(dark).toContain('fill="#ffffff"');
    expect(dark).toContain("Jeans &lt;slim&gt;");
    expect(dark).toContain("Azul marino");
    expect(dark).not.toContain("<slim>");
    const light = fallbackImage({ hex: "#f8f8f6", title: "Polera", subtitle: "Blanco" });
    expect(light.startsWith("data:image/svg+xml;charset=utf-8,")).toBe(true);
    expect(decodeURIComponent(light)).toContain('fill="#1c1d21"');
  });
});
