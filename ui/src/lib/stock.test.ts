import { describe, expect, it } from "vitest";
import type { LocationStock, ProductDetail } from "./bindings";
import { colorTotals, cssColor, defaultColor, isLight, variantIndex } from "./stock";

const loc = (id: string, figures: [string, number, number][]): LocationStock => ({
  location: { id, kind: "store", name: id, city: "", country: "CL", distance_km: null },
  figures: figures.map(([sku, on_hand, atp]) => ({
    sku,
    on_hand,
    reserved: 0,
    safety: on_hand - atp,
    atp,
    in_transit: 0,
    transit_eta: null,
  })),
  total_on_hand: 0,
  total_atp: 0,
  as_of: null,
});

const product: ProductDetail = {
  product_id: "p",
  style_code: "S",
  name_es: "",
  name_en: "",
  description_es: "",
  description_en: "",
  category_es: "",
  category_en: "",
  price: null,
  colors: [
    { color_code: "RED", name_es: "Rojo", name_en: "Red", hex: "b3262b" },
    { color_code: "WHT", name_es: "Blanco", name_en: "White", hex: "#fafafa" },
  ],
  sizes: ["S", "M", "L"],
  variants: [
    { sku: "R-S", color_code: "RED", size: "S", gtin: "", price: null },
    { sku: "R-M", color_code: "RED", size: "M", gtin: "", price: null },
    { sku: "W-S", color_code: "WHT", size: "S", gtin: "", price: null },
    { sku: "W-L", color_code: "WHT", size: "L", gtin: "", price: null },
  ],
  here: loc("here", [
    ["R-S", 2, 0],
    ["W-L", 5, 4],
  ]),
  elsewhere: [],
};

describe("stock helpers", () => {
  it("sums a color's figures in size order, with zeros for missing figures", () => {
    const t = colorTotals(product, variantIndex(product), product.here, "WHT");
    expect(t.atp).toBe(4);
    expect(t.onHand).toBe(5);
    expect(t.sizes.map((s) => [s.size, s.atp])).toEqual([
      ["S", 0],
      ["L", 4],
    ]);
  });

  it("selects the first color with stock here by default", () => {
    expect(defaultColor(product)).toBe("WHT");
  });

  it("normalises swatch colors", () => {
    expect(cssColor("b3262b")).toBe("#b3262b");
    expect(cssColor("nonsense")).toBe("#cccccc");
    expect(isLight("#fafafa")).toBe(true);
    expect(isLight("#1b1b1d")).toBe(false);
  });
});
