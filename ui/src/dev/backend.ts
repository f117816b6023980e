// A stand-in backend for trying the screens in a plain browser
// (`npm run dev`, opened outside the desktop shell). Dev builds only.
//
// URL switches: ?enrolled (skip enrollment), ?offline (no connection),
// ?error (sync error), ?stale (old figures), ?soldout (the central rejects
// every order placed: sold out, with alternatives), ?unsent (two changes the
// central has not answered yet: resetting the device is refused until a sync
// sends them).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { civilDate } from "../lib/i18n/format";
import type {
  AlternativeView,
  AppState,
  CartLine,
  CustomerView,
  FulfilmentChoice,
  FulfilmentView,
  LocationStock,
  LocationView,
  NewCustomer,
  OrderQuote,
  OrderView,
  PaymentRecord,
  ProductDetail,
  QuoteLine,
  SearchHit,
  StockFigure,
  StoreInfo,
  Swatch,
  SyncStatus,
  VariantView,
} from "../lib/bindings";

const params = new URLSearchParams(location.search);

const STORE: StoreInfo = {
  id: "cl-scl-providencia",
  name: "Providencia",
  city: "Santiago",
  country: "CL",
  currency: "CLP",
  time_zone: "America/Santiago",
};

const COLORS: Record<string, Swatch> = {
  NAV: { color_code: "NAV", name_es: "Azul marino", name_en: "Navy", hex: "#1f2f4d" },
  BLK: { color_code: "BLK", name_es: "Negro", name_en: "Black", hex: "#1b1b1d" },
  WHT: { color_code: "WHT", name_es: "Blanco", name_en: "White", hex: "#f8f8f6" },
  OLV: { color_code: "OLV", name_es: "Oliva", name_en: "Olive", hex: "#6b6b3a" },
  TER: { color_code: "TER", name_es: "Terracota", name_en: "Terracotta", hex: "#b5583a" },
  SND: { color_code: "SND", name_es: "Arena", name_en: "Sand", hex: "#d8c7a6" },
  DEN: { color_code: "DEN", name_es: "Denim claro", name_en: "Light denim", hex: "#7d9cc0" },
  RED: { color_code: "RED", name_es: "Rojo", name_en: "Red", hex: "#b3262b" },
  GRY: { color_code: "GRY", name_es: "Gris jaspeado", name_en: "Heather grey", hex: "#a7a9ad" },
};

interface Seed {
  id: string;
  style: string;
  es: string;
  en: string;
  catEs: string;
  catEn: string;
  price: number;
  colors: string[];
  sizes: string[];
}

const SEEDS: Seed[] = [
  { id: "p-1001", style: "CH-1001", es: "Chaqueta acolchada liviana", en: "Lightweight padded jacket", catEs: "Chaquetas", catEn: "Jackets", price: 59990, colors: ["NAV", "BLK", "OLV", "SND"], sizes: ["XS", "S", "M", "L", "XL"] },
  { id: "p-1002", style: "JN-2040", es: "Jeans slim tiro medio", en: "Mid-rise slim jeans", catEs: "Jeans", catEn: "Jeans", price: 34990, colors: ["DEN", "BLK", "NAV"], sizes: ["36", "38", "40", "42", "44", "46"] },
  { id: "p-1003", style: "PL-0310", es: "Polera básica de algodón", en: "Basic cotton tee", catEs: "Poleras", catEn: "T-shirts", price: 9990, colors: ["WHT", "BLK", "NAV", "OLV", "TER", "SND", "DEN", "RED", "GRY"], sizes: ["XS", "S", "M", "L", "XL", "XXL"] },
  { id: "p-1004", style: "SW-5521", es: "Polerón con capucha", en: "Hooded sweatshirt", catEs: "Polerones", catEn: "Sweatshirts", price: 27990, colors: ["GRY", "BLK"], sizes: ["S", "M", "L", "XL"] },
  { id: "p-1005", style: "VS-7788", es: "Vestido midi de lino", en: "Linen midi dress", catEs: "Vestidos", catEn: "Dresses", price: 44990, colors: ["SND", "TER"], sizes: ["XS", "S", "M", "L"] },
];

const HERE: LocationView = { id: STORE.id, kind: "store", name: STORE.name, city: STORE.city, country: "CL", distance_km: 0 };
const ELSEWHERE: LocationView[] = [
  { id: "cl-scl-costanera", kind: "store", name: "Costanera Center", city: "Santiago", country: "CL", distance_km: 2.4 },
  { id: "cl-scl-florida", kind: "store", name: "Plaza Vespucio", city: "La Florida", country: "CL", distance_km: 14.8 },
  { id: "cl-vap-vina", kind: "store", name: "Viña Shopping", city: "Viña del Mar", country: "CL", distance_km: 112.6 },
  { id: "cl-wh-pudahuel", kind: "warehouse", name: "CD Pudahuel", city: "Pudahuel", country: "CL", distance_km: null },
  { id: "cl-online", kind: "online", name: "Tienda online", city: "", country: "CL", distance_km: null },
];

function rnd(seed: number): number {
  const x = Math.sin(seed) * 10000;
  return x - Math.floor(x);
}

function gtin13(n: number): string {
  const body = String(7800000000000 + n).slice(0, 12);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + ((10 - (sum % 10)) % 10);
}

function variants(s: Seed): VariantView[] {
  const out: VariantView[] = [];
  s.colors.forEach((c, ci) =>
    s.sizes.forEach((size, si) => {
      if (ci === 1 && si === s.sizes.length - 1 && s.colors.length > 2) return; // a size not made in this color
      out.push({
        sku: `${s.style}-${c}-${size}`,
        color_code: c,
        size,
        gtin: gtin13(Number(s.style.replace(/\D/g, "")) * 1000 + ci * 20 + si),
        price: { minor: s.price, currency: "CLP" },
      });
    }),
  );
  return out;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function stockAt(s: Seed, loc: LocationView, li: number): LocationStock {
  const figures: StockFigure[] = variants(s).map((v, vi) => {
    const r = rnd(li * 97 + vi * 13 + s.price);
    const onHand = r < 0.22 ? 0 : Math.floor(r * (loc.kind === "warehouse" ? 60 : 9));
    const reserved = onHand > 2 && r > 0.7 ? 1 : 0;
    const safety = loc.kind === "online" ? 0 : onHand > 3 ? 1 : 0;
    const inTransit = r > 0.8 ? 6 : 0;
    return {
      sku: v.sku,
      on_hand: onHand,
      reserved,
      safety,
      atp: Math.max(0, onHand - reserved - safety),
      in_transit: inTransit,
      transit_eta: inTransit ? "2026-11-25" : null,
    };
  });
  return {
    location: loc,
    figures,
    total_on_hand: figures.reduce((a, f) => a + f.on_hand, 0),
    total_atp: figures.reduce((a, f) => a + f.atp, 0),
    as_of: minutesAgo(params.has("stale") ? 95 : li === 3 ? 22 : 3 + li),
  };
}

function detail(s: Seed): ProductDetail {
  return {
    product_id: s.id,
    style_code: s.style,
    name_es: s.es,
    name_en: s.en,
    description_es: "Corte regular, tela suave y resistente. Lavar a máquina en frío.",
    description_en: "Regular fit, soft and durable fabric. Machine wash cold.",
    category_es: s.catEs,
    category_en: s.catEn,
    price: { minor: s.price, currency: "CLP" },
    colors: s.colors.map((c) => COLORS[c]),
    sizes: s.sizes,
    variants: variants(s),
    here: stockAt(s, HERE, 0),
    elsewhere: ELSEWHERE.map((l, i) => stockAt(s, l, i + 1)),
  };
}

function hit(s: Seed): SearchHit {
  const d = detail(s);
  return {
    product_id: s.id,
    style_code: s.style,
    name_es: s.es,
    name_en: s.en,
    category_es: s.catEs,
    category_en: s.catEn,
    price: d.price,
    swatches: d.colors,
    available_here: d.here.total_atp,
  };
}

const devHooks: { setOnline?: (online: boolean) => void } = {};

const fold = (x: string) => x.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// ---- Orders for customers (endless aisle) ----------------------------------

const STORES_OF_REGION = ELSEWHERE.filter((l) => l.kind === "store");
const WAREHOUSE = ELSEWHERE.find((l) => l.kind === "warehouse")!;

function skuInfo(sku: string): { seed: Seed; variant: VariantView } | null {
  for (const s of SEEDS) {
    if (!sku.startsWith(`${s.style}-`)) continue;
    const v = variants(s).find((x) => x.sku === sku);
    if (v) return { seed: s, variant: v };
  }
  return null;
}

/** ATP of a SKU at each location of the region (the device's store first). */
function atpBySku(seed: Seed, sku: string): { loc: LocationView; atp: number }[] {
  return [HERE, ...ELSEWHERE].map((loc, li) => ({
    loc,
    atp: stockAt(seed, loc, li).figures.find((f) => f.sku === sku)?.atp ?? 0,
  }));
}

function addDays(isoDate: string, n: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

const todayHere = () => civilDate(Date.now(), STORE.time_zone);

const DEV_CUSTOMERS: CustomerView[] = [
  { id: "cus-001", name: "Camila Rojas Vergara", phone: "+56987654321", email: "camila.rojas@correo.cl", marketing_consent: true, pending: false },
  { id: "cus-002", name: "Ignacio Fuentes", phone: "+56912345678", email: null, marketing_consent: false, pending: false },
  { id: "cus-003", name: "María José Soto", phone: null, email: "mjsoto@gmail.com", marketing_consent: false, pending: false },
  { id: "cus-004", name: "Tomás Muñoz Pérez", phone: "+56222334455", email: "tmunoz@empresa.cl", marketing_consent: true, pending: false },
];

type Invalid = { code: "invalid"; field: string; reason: string };
const invalid = (field: string, reason: string): Invalid => ({ code: "invalid", field, reason });

/** A Chilean-store reading of a typed phone number, like the real rule (simplified). */
function devPhone(input: string): string | Invalid {
  const typed = input.trim();
  if (!typed) return invalid("phone", "empty");
  if (!/^\+?[\d\s().-]+$/.test(typed)) return invalid("phone", "invalid_characters");
  let digits = typed.replace(/\D/g, "");
  if (typed.startsWith("+") || digits.startsWith("00")) {
    digits = digits.replace(/^00/, "");
    if (digits.startsWith("56")) digits = digits.slice(2);
    else if (/^(57|52|34|1)/.test(digits)) return invalid("phone", "invalid_number");
    else return invalid("phone", "unknown_country_code");
  } else if (digits.length === 11 && digits.startsWith("56")) {
    digits = digits.slice(2);
  }
  digits = digits.replace(/^0/, "");
  if (digits.length !== 9) return invalid("phone", "wrong_length");
  if (!/^[2-9]/.test(digits)) return invalid("phone", "invalid_number");
  return `+56${digits}`;
}

function ordersSim(env: { online: () => boolean; changed: (pending: number) => void }) {
  const customers = [...DEV_CUSTOMERS];
  const orders: OrderView[] = [];
  let counter = 1040;
  const soldOut = params.has("soldout");

  const pendingCount = () => orders.filter((o) => o.sync === "saved_here" || o.sync === "sent").length;

  function quote(lines: CartLine[], fulfilment: FulfilmentChoice): OrderQuote | Invalid {
    if (fulfilment.mode === "ship_to_home" && fulfilment.address.trim().length < 10) return invalid("address", "too_short");
    if (lines.some((l) => !Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 99)) return invalid("quantity", "range");
    let days = 0;
    let total = 0;
    let priced = true;
    const quoted: QuoteLine[] = lines.map((l) => {
      const info = skuInfo(l.sku);
      if (!info) {
        priced = false;
        return { sku: l.sku, quantity: l.quantity, product_name_es: l.sku, product_name_en: l.sku, color_name_es: "", color_name_en: "", size: "", unit_price: null, source: null, alternatives: [] };
      }
      const { seed, variant } = info;
      const stock = atpBySku(seed, l.sku).filter((x) => x.atp >= l.quantity);
      const at = (id: string) => stock.find((x) => x.loc.id === id)?.loc ?? null;
      const toStore = fulfilment.mode !== "ship_to_home";
      const source =
        (fulfilment.mode === "pick_up_at" ? at(fulfilment.store_id) : null) ??
        at(WAREHOUSE.id) ??
        (fulfilment.mode === "ship_to_store" ? at(HERE.id) : null) ??
        stock.find((x) => x.loc.kind === "store" && x.loc.id !== HERE.id)?.loc ??
        stock[0]?.loc ??
        null;
      if (source) {
        const sameStore = toStore && (source.id === HERE.id || (fulfilment.mode === "pick_up_at" && source.id === fulfilment.store_id));
        days = Math.max(days, sameStore ? 0 : source.kind === "store" ? 2 : fulfilment.mode === "ship_to_home" ? 2 : 1);
      }
      if (variant.price) total += variant.price.minor * l.quantity;
      else priced = false;
      const color = COLORS[variant.color_code];
      return {
        sku: l.sku,
        quantity: l.quantity,
        product_name_es: seed.es,
        product_name_en: seed.en,
        color_name_es: color.name_es,
        color_name_en: color.name_en,
        size: variant.size,
        unit_price: variant.price,
        source,
        alternatives: stock.map((x) => x.loc).filter((loc) => loc.id !== source?.id),
      };
    });
    const can = quoted.length > 0 && quoted.every((q) => q.source !== null);
    return {
      lines: quoted,
      promise_date: can ? addDays(todayHere(), Math.max(1, days)) : null,
      total: priced && quoted.length ? { minor: total, currency: STORE.currency } : null,
      can_place: can,
    };
  }

  function fulfilmentView(f: FulfilmentChoice): FulfilmentView {
    if (f.mode === "ship_to_home") return { mode: f.mode, address: f.address, store_id: null, store_name: null };
    if (f.mode === "ship_to_store") return { mode: f.mode, address: null, store_id: HERE.id, store_name: HERE.name };
    const store = STORES_OF_REGION.find((s) => s.id === f.store_id);
    return { mode: f.mode, address: null, store_id: f.store_id, store_name: store?.name ?? f.store_id };
  }

  function build(q: OrderQuote, customer: CustomerView | null, f: FulfilmentChoice, payment: PaymentRecord, createdAt: string): OrderView {
    counter += 1;
    return {
      id: `ord-${counter}-${Math.random().toString(36).slice(2, 8)}`,
      number: `${STORE.id}-DEV0A1B2-${String(counter).padStart(5, "0")}`,
      status: "pending",
      sync: "saved_here",
      customer_id: customer?.id ?? null,
      customer_name: customer?.name ?? null,
      lines: q.lines.map((l) => ({
        sku: l.sku,
        quantity: l.quantity,
        returned: 0,
        product_name_es: l.product_name_es,
        product_name_en: l.product_name_en,
        color_name_es: l.color_name_es,
        color_name_en: l.color_name_en,
        size: l.size,
        unit_price: l.unit_price,
        source_location_id: l.source?.id ?? "",
        source_name: l.source?.name ?? "",
      })),
      fulfilment: fulfilmentView(f),
      payment,
      promise_date: q.promise_date,
      total: q.total,
      created_at: createdAt,
      rejection: null,
      cancel_requested: false,
    };
  }

  function rejectSoldOut(o: OrderView): void {
    const line = o.lines[0];
    const info = skuInfo(line.sku);
    const alternatives: AlternativeView[] = info
      ? atpBySku(info.seed, line.sku)
          .filter((x) => x.atp >= line.quantity && x.loc.id !== line.source_location_id && x.loc.id !== HERE.id)
          .map((x) => ({ sku: line.sku, location_id: x.loc.id, location_name: x.loc.name, atp: x.atp }))
      : [];
    o.status = "needs_attention";
    o.sync = "needs_attention";
    o.rejection = { reason: "sold_out", sku: line.sku, alternatives };
  }

  // What the central does with a command, a moment after it is sent.
  function deliver(o: OrderView, then: (o: OrderView) => void): void {
    if (!env.online()) return;
    setTimeout(() => {
      if (!env.online() || o.sync !== "saved_here") return;
      o.sync = "sent";
      env.changed(pendingCount());
      setTimeout(() => {
        then(o);
        env.changed(pendingCount());
      }, 1800);
    }, 700);
  }

  const confirmPlaced = (o: OrderView) => {
    if (soldOut) rejectSoldOut(o);
    else {
      o.sync = "confirmed";
      o.status = "confirmed";
    }
  };
  const confirmChange = (o: OrderView) => {
    o.sync = "confirmed";
  };
  const queued = new Map<string, (o: OrderView) => void>();

  function send(o: OrderView, then: (o: OrderView) => void): void {
    o.sync = "saved_here";
    queued.set(o.id, then);
    deliver(o, (x) => {
      queued.delete(x.id);
      then(x);
    });
  }

  // A few orders so the lists are not empty.
  function seed(): void {
    const mk = (minutesAgo: number, lines: CartLine[], f: FulfilmentChoice, customer: CustomerView, payment: PaymentRecord) => {
      const q = quote(lines, f) as OrderQuote;
      const o = build(q, customer, f, payment, new Date(Date.now() - minutesAgo * 60_000).toISOString());
      o.sync = "confirmed";
      o.status = "confirmed";
      // The promise counted from the day it was placed.
      if (o.promise_date) o.promise_date = addDays(civilDate(Date.parse(o.created_at), STORE.time_zone), daysOut(o));
      orders.push(o);
      return o;
    };
    const delivered = mk(4 * 24 * 60, [{ sku: "JN-2040-DEN-40", quantity: 1 }, { sku: "PL-0310-WHT-M", quantity: 2 }], { mode: "ship_to_home", address: "Av. Italia 1450, depto. 302, Ñuñoa" }, customers[3], { method: "payment_link", reference: "PL-88213" });
    delivered.status = "delivered";
    const shipped = mk(26 * 60, [{ sku: "SW-5521-GRY-L", quantity: 1 }], { mode: "pick_up_at", store_id: "cl-scl-costanera" }, customers[1], { method: "at_till", reference: null });
    shipped.status = "ready_for_pickup";
    const cancelled = mk(3 * 24 * 60, [{ sku: "VS-7788-SND-S", quantity: 1 }], { mode: "ship_to_store" }, customers[2], { method: "at_till", reference: null });
    cancelled.status = "cancelled";
    mk(50, [{ sku: "CH-1001-OLV-M", quantity: 1 }], { mode: "ship_to_home", address: "Los Leones 2210, Providencia" }, customers[0], { method: "reference", reference: "0045127" });
    const rejected = mk(12, [{ sku: "CH-1001-NAV-L", quantity: 2 }], { mode: "ship_to_store" }, customers[1], { method: "at_till", reference: null });
    rejectSoldOut(rejected);
    if (params.has("unsent")) {
      // Saved here while the central was not answering: sent by the next sync.
      const waiting = [
        mk(6, [{ sku: "PL-0310-NAV-S", quantity: 3 }], { mode: "ship_to_store" }, customers[2], { method: "at_till", reference: null }),
        mk(2, [{ sku: "JN-2040-BLK-38", quantity: 1 }], { mode: "ship_to_home", address: "Av. Apoquindo 3000, Las Condes" }, customers[0], { method: "reference", reference: "0045188" }),
      ];
      for (const o of waiting) {
        o.sync = "saved_here";
        o.status = "pending";
        queued.set(o.id, confirmPlaced);
      }
    }
  }

  function daysOut(o: OrderView): number {
    return o.fulfilment.mode === "ship_to_home" ? 2 : 1;
  }

  function placeNew(args: Record<string, unknown>): OrderView | Invalid {
    const lines = (args.lines ?? []) as CartLine[];
    const f = args.fulfilment as FulfilmentChoice;
    const q = quote(lines, f);
    if ("code" in q) return q;
    if (!q.can_place) return invalid("lines", "no_source");
    const customer = customers.find((c) => c.id === args.customer_id) ?? null;
    const o = build(q, customer, f, args.payment as PaymentRecord, new Date().toISOString());
    orders.push(o);
    send(o, confirmPlaced);
    return o;
  }

  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  return {
    seed,
    pendingCount,
    /** Forgets every customer and order (the device was reset). */
    clear(): void {
      orders.length = 0;
      queued.clear();
      customers.splice(0, customers.length, ...DEV_CUSTOMERS.map((c) => ({ ...c })));
    },
    /** Sends what waited for the connection. */
    flush(): void {
      for (const o of orders) {
        const then = queued.get(o.id);
        if (o.sync === "saved_here" && then) {
          deliver(o, (x) => {
            queued.delete(x.id);
            then(x);
          });
        }
      }
      for (const c of customers) c.pending = false;
    },
    handle(cmd: string, args: Record<string, unknown>): { ok: unknown } | { err: unknown } | null {
      switch (cmd) {
        case "search_customers": {
          const q = String(args.query ?? "").trim();
          if (!q) return { ok: [] };
          const digits = q.replace(/\D/g, "").replace(/^0+/, "");
          const words = fold(q).split(/\s+/).filter(Boolean);
          const found = customers.filter((c) => {
            if (digits.length >= 3 && /^[\d\s()+.-]+$/.test(q)) return (c.phone ?? "").includes(digits);
            const text = fold(`${c.name} ${c.email ?? ""}`);
            return words.every((w) => text.includes(w));
          });
          return { ok: copy(found.slice(0, 8)) };
        }
        case "create_customer": {
          const c = (args.customer ?? {}) as NewCustomer;
          const name = String(c.name ?? "").trim();
          if (!name) return { err: invalid("name", "empty") };
          let phone: string | null = null;
          if (c.phone !== null && c.phone !== undefined) {
            const p = devPhone(String(c.phone));
            if (typeof p !== "string") return { err: p };
            phone = p;
          }
          const email = c.email === null || c.email === undefined ? null : String(c.email).trim();
          if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { err: invalid("email", "format") };
          const created: CustomerView = {
            id: `cus-${Math.random().toString(36).slice(2, 10)}`,
            name,
            phone,
            email: email ? email.toLowerCase() : null,
            marketing_consent: !!c.marketing_consent,
            pending: true,
          };
          customers.push(created);
          if (env.online()) setTimeout(() => (created.pending = false), 2500);
          return { ok: copy(created) };
        }
        case "region_stores":
          return { ok: copy(STORES_OF_REGION) };
        case "quote_order": {
          const q = quote((args.lines ?? []) as CartLine[], args.fulfilment as FulfilmentChoice);
          return "code" in q ? { err: q } : { ok: q };
        }
        case "place_order": {
          const o = placeNew(args);
          if ("code" in o) return { err: o };
          env.changed(pendingCount());
          return { ok: copy(o) };
        }
        case "list_orders":
          return { ok: copy(orders) };
        case "order_detail": {
          const o = orders.find((x) => x.id === args.order_id);
          return o ? { ok: copy(o) } : { err: { code: "not_found" } };
        }
        case "cancel_order": {
          const o = orders.find((x) => x.id === args.order_id);
          if (!o) return { err: { code: "not_found" } };
          if (!["pending", "confirmed", "picking", "needs_attention"].includes(o.status)) return { err: invalid("order", "not_cancellable") };
          const wasRejected = o.status === "needs_attention";
          o.status = "cancelled";
          o.rejection = null;
          if (wasRejected) {
            // Nothing was reserved at the central: cancelling is only local.
            o.sync = "confirmed";
          } else {
            send(o, confirmChange);
          }
          env.changed(pendingCount());
          return { ok: copy(o) };
        }
        case "return_order": {
          const o = orders.find((x) => x.id === args.order_id);
          if (!o) return { err: { code: "not_found" } };
          if (!["delivered", "shipped", "ready_for_pickup"].includes(o.status)) return { err: invalid("order", "not_returnable") };
          for (const r of (args.lines ?? []) as CartLine[]) {
            const line = o.lines.find((l) => l.sku === r.sku);
            if (!line || r.quantity < 1 || r.quantity > line.quantity - line.returned) return { err: invalid("quantity", "range") };
          }
          for (const r of (args.lines ?? []) as CartLine[]) {
            const line = o.lines.find((l) => l.sku === r.sku)!;
            line.returned += r.quantity;
          }
          if (o.lines.every((l) => l.returned >= l.quantity)) o.status = "returned";
          send(o, confirmChange);
          env.changed(pendingCount());
          return { ok: copy(o) };
        }
        default:
          return null;
      }
    },
  };
}

export function installDevBackend(): void {
  clearMocks();
  const preEnrolled =
    params.has("enrolled") || params.has("offline") || params.has("error") || params.has("stale") || params.has("unsent");
  let state: AppState = preEnrolled
    ? { enrolled: true, central_url: "http://127.0.0.1:8787", device_id: "dev-device", store: STORE }
    : { enrolled: false, central_url: null, device_id: null, store: null };
  let status: SyncStatus = {
    phase: params.has("error") ? "error" : params.has("offline") ? "offline" : "idle",
    online: !params.has("offline"),
    progress: null,
    last_synced_at: preEnrolled ? minutesAgo(4) : null,
    error: params.has("error") ? { code: "central_unreachable" } : null,
    pending: 0,
  };

  const publish = (s: SyncStatus) => {
    status = s;
    void emit("sync-status", s);
  };

  const orders = ordersSim({
    online: () => status.online,
    // Each answer of the central is a pull: the screens refresh on it.
    changed: (pending) =>
      publish({ ...status, pending, last_synced_at: status.online ? new Date().toISOString() : status.last_synced_at }),
  });
  if (preEnrolled) orders.seed();
  status = { ...status, pending: orders.pendingCount() };

  // For trying the offline flow: ?demo=…,online or offline.
  devHooks.setOnline = (online: boolean) => {
    publish({
      ...status,
      online,
      phase: online ? "idle" : "offline",
      error: null,
      last_synced_at: online ? new Date().toISOString() : status.last_synced_at,
    });
    if (online) orders.flush();
  };

  function firstSync(): void {
    const total = 1840;
    let done = 0;
    publish({ ...status, phase: "first_sync", progress: { done, total } });
    const timer = setInterval(() => {
      done = Math.min(total, done + 137);
      if (done < total) {
        publish({ ...status, phase: "first_sync", progress: { done, total } });
      } else {
        clearInterval(timer);
        orders.seed();
        publish({ phase: "idle", online: true, progress: null, last_synced_at: new Date().toISOString(), error: null, pending: 0 });
      }
    }, 250);
  }

  const delay = <T>(ms: number, v: () => T) => new Promise<T>((res) => setTimeout(() => res(v()), ms));
  const fail = (ms: number, err: unknown) => new Promise((_, rej) => setTimeout(() => rej(err), ms));

  mockIPC(
    (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      switch (cmd) {
        case "app_state":
          return state;
        case "sync_status":
          return status;
        case "enroll": {
          const url = String(args.central_url ?? "");
          const code = String(args.code ?? "").trim();
          if (!/^https?:\/\/[^\s/]+/.test(url)) return fail(200, { code: "invalid", field: "central_url", reason: "url" });
          if (!code) return fail(200, { code: "invalid", field: "code", reason: "empty" });
          if (url.includes(":9999")) return fail(900, { code: "central_unreachable" });
          if (code.toUpperCase() === "USED") return fail(600, { code: "bad_enrollment_code" });
          state = { enrolled: true, central_url: url, device_id: "dev-device", store: STORE };
          setTimeout(firstSync, 50);
          return delay(700, () => state);
        }
        case "sync_now":
          if (!status.online) return fail(400, { code: "central_unreachable" });
          orders.flush();
          publish({ ...status, phase: "syncing" });
          return delay(900, () => {
            publish({ ...status, phase: "idle", last_synced_at: new Date().toISOString(), error: null });
            return status;
          });
        case "reset_device": {
          // Like the real command: refused while changes made here are unsent.
          if (status.pending > 0) return fail(300, { code: "unsent_commands", count: status.pending });
          orders.clear();
          state = { enrolled: false, central_url: null, device_id: null, store: null };
          // The sync task idles, offline and empty, until the next enrollment.
          return delay(600, () => {
            publish({ phase: "idle", online: false, progress: null, last_synced_at: null, error: null, pending: 0 });
            return state;
          });
        }
        case "search": {
          const q = fold(String(args.query ?? "").trim());
          const words = q.split(/\s+/).filter(Boolean);
          const found = SEEDS.filter((s) => {
            const text = fold(`${s.es} ${s.en} ${s.style} ${s.catEs} ${s.catEn}`);
            return words.every((w) => text.includes(w));
          });
          return delay(30 + Math.random() * 80, () => found.slice(0, Number(args.limit ?? 50)).map(hit));
        }
        case "find_barcode": {
          const code = String(args.code ?? "");
          for (const s of SEEDS) {
            const v = variants(s).find((x) => x.gtin === code);
            if (v) return { product_id: s.id, sku: v.sku, color_code: v.color_code, size: v.size };
          }
          return fail(80, { code: "not_found" });
        }
        case "product_detail": {
          const s = SEEDS.find((x) => x.id === args.product_id);
          return s ? delay(60, () => detail(s)) : fail(50, { code: "not_found" });
        }
        default: {
          const answer = orders.handle(cmd, args);
          if (!answer) return fail(0, `unknown command ${cmd}`);
          return "ok" in answer ? delay(40 + Math.random() * 120, () => answer.ok) : fail(150, answer.err);
        }
      }
    },
    { shouldMockEvents: true },
  );

  // For trying the scanner by hand: the GTINs of the first product.
  console.info("dev backend: sample barcodes", variants(SEEDS[0]).slice(0, 3).map((v) => v.gtin));
}

// ?demo=STEP,STEP… drives the UI for screenshots: type:TEXT, click:TESTID,
// clickn:TESTID:N, fill:TESTID:VALUE, select:TESTID:VALUE, lang:en, wait:MS,
// scan:DIGITS, enter, escape, online, offline.
async function runDemo(script: string): Promise<void> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const byId = (id: string) => document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`);
  await sleep(400);
  for (const step of script.split(",")) {
    // The value of fill and select may itself hold colons (an address).
    const [op, a = "", ...rest] = step.split(":");
    const b = rest.length > 0 ? rest.join(":") : "0";
    if (op === "type" || op === "fill") {
      const input = byId(op === "type" ? "search-input" : a)[0] as HTMLInputElement | undefined;
      if (input) {
        input.value = op === "type" ? a : b;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      await sleep(400);
    } else if (op === "enter" || op === "escape") {
      const key = op === "enter" ? "Enter" : "Escape";
      (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
      await sleep(400);
    } else if (op === "click" || op === "clickn") {
      byId(a)[op === "clickn" ? Number(b) : 0]?.click();
      await sleep(400);
    } else if (op === "lang") {
      byId(`lang-${a}`)[0]?.click();
      await sleep(100);
    } else if (op === "scan") {
      // Like a keyboard-wedge scanner: keydown, then the character lands in
      // the focused field.
      for (const k of [...a, "Enter"]) {
        const target = document.activeElement ?? document.body;
        const go = target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
        if (go && k !== "Enter" && target instanceof HTMLInputElement) {
          target.value += k;
          target.dispatchEvent(new Event("input", { bubbles: true }));
        }
        await sleep(5);
      }
      await sleep(400);
    } else if (op === "select") {
      const select = byId(a)[0] as HTMLSelectElement | undefined;
      if (select) {
        select.value = b;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      await sleep(400);
    } else if (op === "online" || op === "offline") {
      devHooks.setOnline?.(op === "online");
      await sleep(400);
    } else if (op === "wait") {
      await sleep(Number(a));
    }
  }
}

const demo = params.get("demo");
if (demo) void runDemo(demo);
