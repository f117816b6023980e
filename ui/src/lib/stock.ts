// Pure helpers that shape ProductDetail figures for the screens.
import type { LocationStock, ProductDetail, StockFigure, VariantView } from "./bindings";

export const EMPTY_FIGURE: Omit<StockFigure, "sku"> = {
  on_hand: 0,
  reserved: 0,
  safety: 0,
  atp: 0,
  in_transit: 0,
  transit_eta: null,
};

/** variant lookup: color code → size → variant */
export function variantIndex(p: ProductDetail): Map<string, Map<string, VariantView>> {
  const index = new Map<string, Map<string, VariantView>>();
  for (const v of p.variants) {
    let bySize = index.get(v.color_code);
    if (!bySize) index.set(v.color_code, (bySize = new Map()));
    bySize.set(v.size, v);
  }
  return index;
}

export function figuresBySku(stock: LocationStock): Map<string, StockFigure> {
  return new Map(stock.figures.map((f) => [f.sku, f]));
}

/** The figure for a SKU at a location, zeros when the location has none. */
export function figureFor(figures: Map<string, StockFigure>, sku: string): StockFigure {
  return figures.get(sku) ?? { sku, ...EMPTY_FIGURE };
}

export interface ColorTotals {
  atp: number;
  onHand: number;
  /** ATP per size, in the product's size order, only sizes the color has. */
  sizes: { size: string; sku: string; atp: number; onHand: number }[];
}

/** Totals of one color at one location. */
export function colorTotals(
  p: ProductDetail,
  index: Map<string, Map<string, VariantView>>,
  stock: LocationStock,
  colorCode: string,
): ColorTotals {
  const figures = figuresBySku(stock);
  const bySize = index.get(colorCode);
  const totals: ColorTotals = { atp: 0, onHand: 0, sizes: [] };
  if (!bySize) return totals;
  for (const size of p.sizes) {
    const v = bySize.get(size);
    if (!v) continue;
    const f = figureFor(figures, v.sku);
    totals.atp += f.atp;
    totals.onHand += f.on_hand;
    totals.sizes.push({ size, sku: v.sku, atp: f.atp, onHand: f.on_hand });
  }
  return totals;
}

/** The first color with stock here, else the first color. */
export function defaultColor(p: ProductDetail): string | null {
  const index = variantIndex(p);
  for (const c of p.colors) {
    if (colorTotals(p, index, p.here, c.color_code).atp > 0) return c.color_code;
  }
  return p.colors[0]?.color_code ?? null;
}

/** "#rrggbb" for a swatch hex given with or without the leading #. */
export function cssColor(hex: string): string {
  const h = hex.trim();
  if (/^#?[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(h)) return h.startsWith("#") ? h : `#${h}`;
  return "#cccccc";
}

/** Perceived lightness, to outline very light swatches. */
export function isLight(hex: string): boolean {
  let h = cssColor(hex).slice(1);
  if (h.length === 3) h = h.replace(/./g, "$&$&");
  const r = parseInt(h.slice(0, 2), 16);
  const g = parseInt(h.slice(2, 4), 16);
  const b = parseInt(h.slice(4, 6), 16);
  return 0.299 * r + 0.587 * g + 0.114 * b > 215;
}
