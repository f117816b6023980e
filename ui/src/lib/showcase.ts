// Pure rules of the customer screen and of the selection it leaves for the
// associate: moving between colours, what a size chip says, what "I'd like
// this one" needs, the picks, and the picture shown when a colour has none.
import type { PickView, SizeAvailability } from "./bindings";
import type { MessageKey } from "./i18n/es";
import type { Params } from "./i18n/translate";
import { cssColor, isLight } from "./stock";

/** `i` brought into 0…n-1, wrapping around both ends. */
export function wrapIndex(i: number, n: number): number {
  if (n <= 0) return 0;
  return ((i % n) + n) % n;
}

/** The position of a colour, or the first colour when it is not there. */
export function colorIndex(colors: readonly { color_code: string }[], code: string | null | undefined): number {
  if (!code) return 0;
  const at = colors.findIndex((c) => c.color_code === code);
  return at < 0 ? 0 : at;
}

export function isSelectable(s: SizeAvailability): boolean {
  return s.state !== "sold_out";
}

/** What a size chip says under the size. */
export function sizeLabel(s: SizeAvailability, formatDay: (isoDate: string) => string): [MessageKey, Params | undefined] {
  switch (s.state) {
    case "in_store":
      return ["cm_size_in_store", undefined];
    case "orderable":
      return s.arrives ? ["cm_size_orderable", { date: formatDay(s.arrives) }] : ["cm_size_orderable_nodate", undefined];
    case "sold_out":
      return ["cm_size_sold_out", undefined];
  }
}

/** A single size ("talla única") needs no choice. */
export function isOneSize(sizes: readonly SizeAvailability[]): boolean {
  return sizes.length === 1;
}

/**
 * The size to keep selected when another colour is shown: the same size when
 * the colour has it and it can be had, the only size of a one-size item,
 * else none.
 */
export function carrySize(sizes: readonly SizeAvailability[], chosen: string | null): string | null {
  if (chosen !== null) {
    const same = sizes.find((s) => s.size === chosen);
    if (same && isSelectable(same)) return chosen;
  }
  if (isOneSize(sizes) && isSelectable(sizes[0])) return sizes[0].size;
  return null;
}

export type WantDecision =
  | { kind: "ok"; size: string }
  /** Several sizes and none chosen: ask for one first. */
  | { kind: "choose_size" }
  /** Nothing of this colour can be had. */
  | { kind: "unavailable" };

/** What tapping "I'd like this one" does with the sizes and the chosen one. */
export function wantDecision(sizes: readonly SizeAvailability[], chosen: string | null): WantDecision {
  const available = sizes.filter(isSelectable);
  if (available.length === 0) return { kind: "unavailable" };
  if (chosen !== null && available.some((s) => s.size === chosen)) return { kind: "ok", size: chosen };
  if (isOneSize(sizes)) return { kind: "ok", size: sizes[0].size };
  return { kind: "choose_size" };
}

/** The pick of a colour (picks are unique per product and colour). */
export function pickFor(picks: readonly PickView[], productId: string, colorCode: string): PickView | null {
  return picks.find((p) => p.product_id === productId && p.color_code === colorCode) ?? null;
}

/** The size to select on arriving at a colour: the one the customer wanted there, else the carried one. */
export function sizeOnArrival(
  sizes: readonly SizeAvailability[],
  pick: PickView | null,
  carried: string | null,
): string | null {
  if (pick?.wanted && pick.size !== null) {
    const s = sizes.find((x) => x.size === pick.size);
    if (s && isSelectable(s)) return pick.size;
  }
  return carrySize(sizes, carried);
}

/** Wanted picks first, then favourites, each in the order they were made. */
export function sortPicks(picks: readonly PickView[]): PickView[] {
  return [...picks.filter((p) => p.wanted), ...picks.filter((p) => !p.wanted)];
}

function channels(hex: string): [number, number, number] {
  let h = cssColor(hex).slice(1);
  if (h.length === 3) h = h.replace(/./g, "$&$&");
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** The colour mixed with white: 0 gives white, 1 the colour itself. */
export function tint(hex: string, amount: number): string {
  const a = Math.min(1, Math.max(0, amount));
  const mixed = channels(hex).map((c) => Math.round(255 + (c - 255) * a));
  return `#${mixed.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Words in lines of at most `width` characters (a longer word gets its own line), at most `maxLines`. */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  for (const w of words) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + w.length <= width) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]}…`;
  return kept;
}

/**
 * A picture for a colour with no photo (or one that did not load): a panel in
 * the colour with the product's name. An SVG data URL, so it goes wherever an
 * image does.
 */
export function fallbackImage(opts: { hex: string; title: string; subtitle: string }): string {
  const base = cssColor(opts.hex);
  const light = isLight(base);
  const ink = light ? "#1c1d21" : "#ffffff";
  const soft = light ? "rgba(28,29,33,0.62)" : "rgba(255,255,255,0.78)";
  const lines = wrapWords(opts.title, 16, 3);
  const size = 84;
  const lineHeight = 100;
  const top = 625 - ((lines.length - 1) * lineHeight) / 2 - 30;
  const title = lines
    .map((l, i) => `<text x="500" y="${top + i * lineHeight}" font-size="${size}" font-weight="700">${escapeXml(l)}</text>`)
    .join("");
  const subtitleY = top + lines.length * lineHeight + 10;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1250" width="1000" height="1250">` +
    `<defs><radialGradient id="g" cx="50%" cy="38%" r="75%">` +
    `<stop offset="0" stop-color="${tint(base, 0.78)}"/><stop offset="1" stop-color="${base}"/></radialGradient></defs>` +
    `<rect width="1000" height="1250" fill="${base}"/><rect width="1000" height="1250" fill="url(#g)" opacity="0.55"/>` +
    `<g fill="${ink}" text-anchor="middle" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif">` +
    title +
    `<text x="500" y="${subtitleY}" font-size="48" fill="${soft}">${escapeXml(opts.subtitle)}</text></g></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
