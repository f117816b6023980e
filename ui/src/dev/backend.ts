// A stand-in backend for trying the screens in a plain browser
// (`npm run dev`, opened outside the desktop shell). Dev builds only.
//
// URL switches: ?enrolled (skip enrollment), ?offline (no connection),
// ?error (sync error), ?stale (old figures), ?soldout (the central rejects
// every order placed: sold out, with alternatives), ?unsent (two changes the
// central has not answered yet: resetting the device is refused until a sync
// sends them), ?customer (the tablet starts in customer mode on the basic
// tee, as after a restart), ?selection (a customer's selection is waiting for
// the associate), ?nopins (no staff PIN on this device: customer mode is
// refused), ?apptreject (the central refuses every booking and move: the slot
// was taken, with the nearest free ones). The staff PIN is 1234 (an
// associate's) or 9999 (the store manager's, who alone can change a stylist's
// schedule and open the manager's screens); five wrong tries lock the pad for
// 30 s. ?manageridle ends a manager's session after 30 s without use instead
// of 5 min. An enrolled tablet starts with the associate signed in
// (?signedout: on the sign-in screen); ?idle signs out after 30 s untouched.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { civilDate } from "../lib/i18n/format";
import { clockMinutes, joinLocal, localToUtc, parseClock, weekdayIndex } from "../lib/agenda";
import { toWeekday, WEEKDAYS } from "../lib/schedule";
import type {
  ActivityView,
  AlternativeView,
  AppState,
  AppointmentView,
  AssociateView,
  CartLine,
  ChannelAmount,
  ChannelTotals,
  CustomerProfile,
  CustomerSession,
  CustomerView,
  DayTotals,
  FulfilmentChoice,
  FulfilmentView,
  LocationStock,
  LocationView,
  LostDemandView,
  ManagerView,
  DeviceView,
  NewCustomer,
  NewLostDemand,
  OrderQuote,
  OrderView,
  PaymentRecord,
  PickView,
  ProductDetail,
  QuoteLine,
  SafetyRuleView,
  SalesReport,
  ScheduleException,
  ScheduleInput,
  SearchHit,
  Selection,
  ServiceView,
  Showcase,
  ShowcaseColor,
  SizeAvailability,
  SlotView,
  StockFigure,
  StoreInfo,
  StylistDay,
  StylistSchedule,
  Swatch,
  SyncStatus,
  Totals,
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
  { id: "p-1006", style: "AC-0905", es: "Bufanda de lana merino", en: "Merino wool scarf", catEs: "Accesorios", catEn: "Accessories", price: 19990, colors: ["TER", "GRY"], sizes: ["U"] },
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
  { id: "cus-001", name: "Camila Rojas Vergara", phone: "+56987654321", email: "camila.rojas@correo.cl", marketing_consent: true, pending: false, chain_consent: true },
  { id: "cus-002", name: "Ignacio Fuentes", phone: "+56912345678", email: null, marketing_consent: false, pending: false, chain_consent: false },
  { id: "cus-003", name: "María José Soto", phone: null, email: "mjsoto@gmail.com", marketing_consent: false, pending: false, chain_consent: true },
  { id: "cus-004", name: "Tomás Muñoz Pérez", phone: "+56222334455", email: "tmunoz@empresa.cl", marketing_consent: true, pending: false, chain_consent: false },
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
    /** The customers this device knows. */
    customers: () => customers,
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
            chain_consent: !!c.chain_consent,
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

// ---- Stylist appointments ----------------------------------------------------------

interface DevService extends ServiceView {
  before: number;
  after: number;
}

const DEV_SERVICES: DevService[] = [
  {
    id: "SRV-IMAGEN",
    name_es: "Asesoría de imagen",
    name_en: "Personal styling",
    description_es: "Una hora con un estilista para armar looks con lo que ya tienes y lo nuevo.",
    description_en: "An hour with a stylist to put together looks from what you own and what is new.",
    duration_minutes: 60,
    price: { minor: 0, currency: "CLP" },
    required_specialty: "imagen",
    before: 10,
    after: 10,
  },
  {
    id: "SRV-EVENTO",
    name_es: "Look para evento",
    name_en: "Event look",
    description_es: "Para un matrimonio, una graduación o una entrevista: el look completo, probado.",
    description_en: "For a wedding, a graduation or an interview: the whole look, tried on.",
    duration_minutes: 90,
    price: { minor: 0, currency: "CLP" },
    required_specialty: "eventos",
    before: 15,
    after: 15,
  },
  {
    id: "SRV-AJUSTE",
    name_es: "Prueba y ajuste",
    name_en: "Fitting and alterations",
    description_es: "Medidas y ajustes de basta, manga o cintura con nuestra sastra.",
    description_en: "Measurements and hem, sleeve or waist adjustments with our tailor.",
    duration_minutes: 30,
    price: { minor: 4990, currency: "CLP" },
    required_specialty: "sastreria",
    before: 5,
    after: 10,
  },
];

interface DevStylist {
  id: string;
  name: string;
  specialties: string[];
  /** Hours by weekday, Monday = 0. */
  hours: Record<number, [string, string]>;
  /** Breaks by weekday, Monday = 0. */
  breaks: Record<number, [string, string]>;
  exceptions: ScheduleException[];
  /** A change made here the central has not taken yet. */
  pending: ScheduleInput | null;
}

interface DevAppointment {
  view: AppointmentView;
  busyFrom: number;
  busyUntil: number;
  /** Ever confirmed by the central. */
  taken: boolean;
}

function appointmentsSim(env: { online: () => boolean; changed: () => void; pins: PinGuard }) {
  const tz = STORE.time_zone;
  const weekdays: Record<number, [string, string]> = { 0: ["10:00", "19:00"], 1: ["10:00", "19:00"], 2: ["10:00", "19:00"], 3: ["10:00", "19:00"], 4: ["10:00", "19:00"], 5: ["10:00", "19:00"] };
  const lunch = Object.fromEntries(Object.keys(weekdays).map((d) => [d, ["14:00", "15:00"]])) as Record<number, [string, string]>;
  const stylists: DevStylist[] = [
    {
      id: `${STORE.id}-STY-1`,
      name: "Antonia Reyes",
      specialties: ["imagen", "eventos"],
      hours: { ...weekdays, 6: ["11:00", "17:00"] },
      breaks: { ...lunch },
      exceptions: [],
      pending: null,
    },
    {
      id: `${STORE.id}-STY-2`,
      name: "Martín Valdés",
      specialties: ["imagen", "sastreria"],
      hours: { ...weekdays },
      breaks: { ...lunch },
      exceptions: [{ date: addDays(todayHere(), 3), kind: "day_off", start: null, end: null }],
      pending: null,
    },
  ];
  const list: DevAppointment[] = [];
  const reject = params.has("apptreject");
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const localOf = (ms: number) => joinLocal(civilDate(ms, tz), clockMinutes(ms, tz));

  function dayOf(s: DevStylist, date: string): StylistDay {
    const exceptions = s.exceptions.filter((e) => e.date === date);
    const off = exceptions.some((e) => e.kind === "day_off");
    const special = exceptions.flatMap((e) => (e.kind === "hours" && e.start && e.end ? [{ start: e.start, end: e.end }] : []));
    const hours = s.hours[weekdayIndex(date)];
    const rest = s.breaks[weekdayIndex(date)];
    const periods = off ? [] : special.length > 0 ? special : hours ? [{ start: hours[0], end: hours[1] }] : [];
    return {
      id: s.id,
      name: s.name,
      specialties: s.specialties,
      periods,
      breaks: !off && rest ? [{ start: rest[0], end: rest[1] }] : [],
      day_off: off,
    };
  }

  function scheduleOf(s: DevStylist): StylistSchedule {
    const days = (byDay: Record<number, [string, string]>) =>
      WEEKDAYS.flatMap((weekday, i) => (byDay[i] ? [{ weekday, start: byDay[i][0], end: byDay[i][1] }] : []));
    return {
      stylist_id: s.id,
      name: s.name,
      weekly_hours: days(s.hours),
      breaks: days(s.breaks),
      exceptions: copy(s.exceptions).sort((a, b) => a.date.localeCompare(b.date)),
      pending: s.pending !== null,
    };
  }

  /** Like the real check: every end after its start, known weekdays, readable dates. */
  function scheduleInvalid(input: ScheduleInput): Invalid | null {
    const ordered = (start: string | null, end: string | null) => {
      const a = parseClock(start ?? "");
      const b = parseClock(end ?? "");
      return a !== null && b !== null && a < b;
    };
    const days = [...(input.weekly_hours ?? []), ...(input.breaks ?? [])];
    if (days.some((d) => toWeekday(d.weekday) === null || !ordered(d.start, d.end))) return invalid("weekly_hours", "order");
    const exceptionOk = (e: ScheduleException) =>
      /^\d{4}-\d{2}-\d{2}$/.test(e.date) && (e.kind === "day_off" || (e.kind === "hours" && ordered(e.start, e.end)));
    if (!(input.exceptions ?? []).every(exceptionOk)) return invalid("exceptions", "order");
    return null;
  }

  /** The central takes a schedule change: the agenda shows it from then on. */
  function applySchedule(s: DevStylist): void {
    const input = s.pending;
    if (!input) return;
    const byDay = (list: ScheduleInput["weekly_hours"]) =>
      Object.fromEntries(list.map((d) => [WEEKDAYS.indexOf(toWeekday(d.weekday) ?? "Mon"), [d.start, d.end]])) as Record<number, [string, string]>;
    s.hours = byDay(input.weekly_hours);
    s.breaks = byDay(input.breaks);
    s.exceptions = copy(input.exceptions);
    s.pending = null;
  }

  function deliverSchedule(s: DevStylist): void {
    if (!env.online()) return;
    setTimeout(() => {
      if (!env.online() || !s.pending) return;
      applySchedule(s);
      env.changed();
    }, 2200);
  }

  const holdsTime = (a: DevAppointment) =>
    (a.view.status === "booked" || a.view.status === "checked_in") && a.view.sync !== "rejected";

  function slots(serviceId: string, date: string, stylistId: string | null, except: string | null = null): SlotView[] {
    const service = DEV_SERVICES.find((x) => x.id === serviceId);
    if (!service) return [];
    const out: SlotView[] = [];
    for (const s of stylists) {
      if (stylistId && s.id !== stylistId) continue;
      if (service.required_specialty && !s.specialties.includes(service.required_specialty)) continue;
      const d = dayOf(s, date);
      for (const p of d.periods) {
        const from = parseClock(p.start) ?? 0;
        const to = parseClock(p.end) ?? 0;
        for (let m = from; m + service.duration_minutes <= to; m += 15) {
          if (m - service.before < from || m + service.duration_minutes + service.after > to) continue;
          const inBreak = d.breaks.some((b) => {
            const bs = parseClock(b.start) ?? 0;
            const be = parseClock(b.end) ?? 0;
            return m - service.before < be && bs < m + service.duration_minutes + service.after;
          });
          if (inBreak) continue;
          const startText = localToUtc(joinLocal(date, m), tz);
          if (!startText) continue;
          const start = Date.parse(startText);
          if (start < Date.now()) continue;
          const busyFrom = start - service.before * 60_000;
          const busyUntil = start + (service.duration_minutes + service.after) * 60_000;
          const clash = list.some(
            (a) => a.view.id !== except && a.view.stylist_id === s.id && holdsTime(a) && a.busyFrom < busyUntil && busyFrom < a.busyUntil,
          );
          if (clash) continue;
          out.push({
            stylist_id: s.id,
            stylist_name: s.name,
            start: iso(start),
            end: iso(start + service.duration_minutes * 60_000),
            local_start: joinLocal(date, m),
          });
        }
      }
    }
    return out.sort((a, b) => a.start.localeCompare(b.start) || a.stylist_id.localeCompare(b.stylist_id));
  }

  function place(a: DevAppointment, stylistId: string, startMs: number): void {
    const service = DEV_SERVICES.find((x) => x.id === a.view.service_id)!;
    const stylist = stylists.find((x) => x.id === stylistId)!;
    const end = startMs + service.duration_minutes * 60_000;
    a.view.stylist_id = stylist.id;
    a.view.stylist_name = stylist.name;
    a.view.start = iso(startMs);
    a.view.end = iso(end);
    a.view.local_start = localOf(startMs);
    a.view.local_end = localOf(end);
    a.busyFrom = startMs - service.before * 60_000;
    a.busyUntil = end + service.after * 60_000;
  }

  const isFree = (serviceId: string, stylistId: string, start: string, except: string | null) => {
    const at = Date.parse(start);
    if (Number.isNaN(at)) return false;
    const date = civilDate(at, tz);
    return slots(serviceId, date, stylistId, except).some((x) => Date.parse(x.start) === at);
  };

  /** The central's offer when it refuses: the free slots nearest the wanted start. */
  function nearest(a: DevAppointment): SlotView[] {
    const date = a.view.local_start.slice(0, 10);
    const wanted = Date.parse(a.view.start);
    return [...slots(a.view.service_id, date, null, a.view.id), ...slots(a.view.service_id, addDays(date, 1), null, a.view.id)]
      .sort((x, y) => Math.abs(Date.parse(x.start) - wanted) - Math.abs(Date.parse(y.start) - wanted))
      .slice(0, 4)
      .sort((x, y) => x.start.localeCompare(y.start));
  }

  // What the central does with a change made here, a moment after it is sent.
  function send(a: DevAppointment): void {
    a.view.sync = "pending";
    a.view.rejection = null;
    env.changed();
    deliver(a);
  }

  function deliver(a: DevAppointment): void {
    if (!env.online()) return;
    setTimeout(() => {
      if (!env.online() || a.view.sync !== "pending" || !list.includes(a)) return;
      if (reject && a.view.status === "booked") {
        a.view.sync = "rejected";
        a.view.rejection = { reason: "slot_taken", slots: nearest(a) };
      } else {
        a.view.sync = "confirmed";
        a.taken = true;
      }
      env.changed();
    }, 2200);
  }

  function make(args: {
    customer: CustomerView;
    serviceId: string;
    stylistId: string;
    start: number;
    channel?: string;
    status?: string;
    sync?: AppointmentView["sync"];
  }): DevAppointment {
    const service = DEV_SERVICES.find((x) => x.id === args.serviceId)!;
    const a: DevAppointment = {
      view: {
        id: `ap-${Math.random().toString(36).slice(2, 10)}`,
        stylist_id: "",
        stylist_name: "",
        service_id: service.id,
        service_es: service.name_es,
        service_en: service.name_en,
        customer_id: args.customer.id,
        customer_name: args.customer.name,
        customer_phone: args.customer.phone,
        start: "",
        end: "",
        local_start: "",
        local_end: "",
        status: args.status ?? "booked",
        channel: args.channel ?? "device",
        sync: args.sync ?? "confirmed",
        rejection: null,
        items: [],
        holds: [],
      },
      busyFrom: 0,
      busyUntil: 0,
      taken: (args.sync ?? "confirmed") === "confirmed",
    };
    place(a, args.stylistId, args.start);
    list.push(a);
    return a;
  }

  function seed(): void {
    const at = (date: string, hhmm: string) => Date.parse(localToUtc(`${date}T${hhmm}`, tz) ?? "");
    const today = todayHere();
    const tomorrow = addDays(today, 1);
    const [first, second] = stylists.map((s) => s.id);
    const [camila, ignacio, maria, tomas] = DEV_CUSTOMERS;
    make({ customer: camila, serviceId: "SRV-IMAGEN", stylistId: first, start: at(today, "11:00") });
    make({ customer: ignacio, serviceId: "SRV-AJUSTE", stylistId: second, start: at(today, "10:15"), status: "checked_in" });
    make({ customer: maria, serviceId: "SRV-AJUSTE", stylistId: second, start: at(today, "16:00"), channel: "public" });
    make({ customer: tomas, serviceId: "SRV-IMAGEN", stylistId: first, start: at(today, "17:00"), status: "cancelled" });
    make({ customer: maria, serviceId: "SRV-EVENTO", stylistId: first, start: at(tomorrow, "16:30"), sync: "pending" });
    make({ customer: camila, serviceId: "SRV-IMAGEN", stylistId: second, start: at(tomorrow, "15:30"), channel: "public" });
    if (reject) {
      const refused = make({ customer: tomas, serviceId: "SRV-IMAGEN", stylistId: first, start: at(today, "15:30"), sync: "pending" });
      refused.taken = false;
      refused.view.sync = "rejected";
      refused.view.rejection = { reason: "slot_taken", slots: nearest(refused) };
    }
    // The pending one is sent by the first sync.
    for (const a of list) if (a.view.sync === "pending") deliver(a);
  }

  return {
    seed,
    pendingCount: () => list.filter((a) => a.view.sync === "pending").length + stylists.filter((s) => s.pending).length,
    clear(): void {
      list.length = 0;
      for (const s of stylists) s.pending = null;
    },
    flush(): void {
      for (const a of list) if (a.view.sync === "pending") deliver(a);
      for (const s of stylists) if (s.pending) deliverSchedule(s);
    },
    handle(cmd: string, args: Record<string, unknown>, customers: () => CustomerView[]): { ok: unknown } | { err: unknown } | null {
      const date = String(args.date ?? "");
      switch (cmd) {
        case "list_services":
          return { ok: DEV_SERVICES.map(({ before: _b, after: _a, ...view }) => view) };
        case "stylist_days":
          if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { err: invalid("date", "date") };
          return { ok: stylists.map((s) => dayOf(s, date)) };
        case "appointment_slots":
          if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { err: invalid("date", "date") };
          return { ok: slots(String(args.service_id ?? ""), date, typeof args.stylist_id === "string" ? args.stylist_id : null) };
        case "list_appointments": {
          const from = String(args.from ?? "");
          const to = String(args.to ?? "");
          if (to < from) return { err: invalid("to", "range") };
          const found = list
            .map((a) => a.view)
            .filter((v) => v.local_start.slice(0, 10) >= from && v.local_start.slice(0, 10) <= to)
            .sort((a, b) => a.start.localeCompare(b.start));
          return { ok: copy(found) };
        }
        case "book_appointment": {
          const customer = customers().find((c) => c.id === args.customer_id);
          if (!customer) return { err: invalid("customer_id", "invalid") };
          const start = String(args.start ?? "");
          if (Number.isNaN(Date.parse(start))) return { err: invalid("start", "invalid") };
          const serviceId = String(args.service_id ?? "");
          const stylistId = String(args.stylist_id ?? "");
          if (!isFree(serviceId, stylistId, start, null)) return { err: invalid("start", "slot_taken") };
          const a = make({ customer, serviceId, stylistId, start: Date.parse(start), sync: "pending" });
          a.taken = false;
          send(a);
          return { ok: copy(a.view) };
        }
        case "reschedule_appointment": {
          const a = list.find((x) => x.view.id === args.appointment_id);
          if (!a) return { err: { code: "not_found" } };
          if (a.view.status !== "booked") return { err: invalid("status", "not_changeable") };
          const start = String(args.start ?? "");
          const stylistId = String(args.stylist_id ?? "");
          if (!isFree(a.view.service_id, stylistId, start, a.view.id)) return { err: invalid("start", "slot_taken") };
          place(a, stylistId, Date.parse(start));
          send(a);
          return { ok: copy(a.view) };
        }
        case "set_appointment_status": {
          const a = list.find((x) => x.view.id === args.appointment_id);
          if (!a) return { err: { code: "not_found" } };
          const status = String(args.status ?? "");
          if (!["checked_in", "no_show", "cancelled"].includes(status)) return { err: invalid("status", "invalid") };
          if (!a.taken && a.view.sync === "rejected" && status === "cancelled") {
            list.splice(list.indexOf(a), 1);
            env.changed();
            return { ok: null };
          }
          if (a.view.status !== "booked") return { err: invalid("status", "not_changeable") };
          a.view.status = status;
          send(a);
          return { ok: copy(a.view) };
        }
        case "stylist_schedule": {
          const s = stylists.find((x) => x.id === args.stylist_id);
          return s ? { ok: scheduleOf(s) } : { err: { code: "not_found" } };
        }
        case "set_stylist_schedule": {
          const input = (args.schedule ?? {}) as ScheduleInput;
          const bad = scheduleInvalid(input);
          if (bad) return { err: bad };
          const s = stylists.find((x) => x.id === args.stylist_id);
          if (!s) return { err: { code: "not_found" } };
          const checked = env.pins.check(String(args.pin ?? ""));
          if ("err" in checked) return checked;
          if (checked.role !== "manager") return { err: invalid("pin", "not_manager") };
          s.pending = copy(input);
          env.changed();
          deliverSchedule(s);
          return { ok: scheduleOf(s) };
        }
        default:
          return null;
      }
    },
  };
}

// ---- Customer mode -----------------------------------------------------------

/** A stand-in content address (64 hex digits) for a picture. */
function fakeHash(text: string): string {
  let out = "";
  let h = 2166136261;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${text}#${round}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 16777619) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

// The outline of each kind of garment, on a 1000 × 1250 canvas.
const SHAPES: Record<string, string> = {
  top: "M350 250 430 205Q500 255 570 205L650 250 810 370 740 480 660 430V1010H340V430L260 480 190 370Z",
  jacket: "M340 230 440 195 500 260 560 195 660 230 800 330 850 900 755 915 700 480 690 1020H310L300 480 245 915 150 900 200 330Z",
  trousers: "M355 190H645L700 1090H545L500 470 455 1090H300Z",
  dress: "M415 190H585L605 390 770 1070H230L395 390Z",
  scarf: "M330 260H670V470H600V1060H470V470H330Z",
};

function shapeOf(seed: Seed): string {
  if (seed.catEn === "Jackets" || seed.catEn === "Sweatshirts") return SHAPES.jacket;
  if (seed.catEn === "Jeans") return SHAPES.trousers;
  if (seed.catEn === "Dresses") return SHAPES.dress;
  if (seed.catEn === "Accessories") return SHAPES.scarf;
  return SHAPES.top;
}

/** A product shot in the browser: the garment's outline in its colour on a studio backdrop. */
function garmentSvg(seed: Seed, hex: string, size: number): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1250" width="${size}" height="${Math.round(size * 1.25)}">` +
    `<defs><radialGradient id="b" cx="50%" cy="40%" r="80%"><stop offset="0" stop-color="#fbfaf8"/><stop offset="1" stop-color="#e7e3dc"/></radialGradient>` +
    `<linearGradient id="s" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.22"/><stop offset="0.55" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.22"/></linearGradient></defs>` +
    `<rect width="1000" height="1250" fill="url(#b)"/>` +
    `<ellipse cx="500" cy="1130" rx="300" ry="34" fill="#000" opacity="0.08"/>` +
    `<path d="${shapeOf(seed)}" fill="${hex}" stroke="rgba(0,0,0,0.18)" stroke-width="4" stroke-linejoin="round"/>` +
    `<path d="${shapeOf(seed)}" fill="url(#s)"/></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** Pictures by content address; a colour in NO_IMAGE has none, one in BROKEN_IMAGE one that fails to load. */
const IMAGES = new Map<string, string>();
const NO_IMAGE = new Set(["GRY"]);
const BROKEN_IMAGE = new Set(["RED"]);

function imagesOf(seed: Seed, color: string): { full: string; thumb: string } | null {
  if (NO_IMAGE.has(color)) return null;
  const full = fakeHash(`${seed.style}-${color}-full`);
  const thumb = fakeHash(`${seed.style}-${color}-thumb`);
  if (!BROKEN_IMAGE.has(color) && !IMAGES.has(full)) {
    IMAGES.set(full, garmentSvg(seed, COLORS[color].hex, 1000));
    IMAGES.set(thumb, garmentSvg(seed, COLORS[color].hex, 160));
  }
  return { full, thumb };
}

/** Like the vimg scheme of the desktop shell: unknown addresses fail to load. */
function installImages(): void {
  const w = window as unknown as { __TAURI_INTERNALS__?: Record<string, unknown> };
  w.__TAURI_INTERNALS__ ??= {};
  w.__TAURI_INTERNALS__.convertFileSrc = (path: string, protocol = "asset") =>
    (protocol === "vimg" ? IMAGES.get(path) : undefined) ?? `${protocol}://localhost/${encodeURIComponent(path)}`;
}

function showcaseOf(seed: Seed): Showcase {
  const d = detail(seed);
  const here = figuresIn(d.here);
  const elsewhere = d.elsewhere.map(figuresIn);
  const today = todayHere();
  const colors: ShowcaseColor[] = seed.colors.map((c) => {
    const sizes: SizeAvailability[] = d.variants
      .filter((v) => v.color_code === c)
      .map((v) => {
        const atp = here.get(v.sku) ?? 0;
        if (atp > 0) return { sku: v.sku, size: v.size, state: "in_store", in_store: atp, arrives: null };
        const at = d.elsewhere.findIndex((_, i) => (elsewhere[i].get(v.sku) ?? 0) > 0);
        if (at < 0) return { sku: v.sku, size: v.size, state: "sold_out", in_store: 0, arrives: null };
        const days = d.elsewhere[at].location.kind === "warehouse" ? 2 : 3;
        return { sku: v.sku, size: v.size, state: "orderable", in_store: 0, arrives: addDays(today, days) };
      });
    return { color_code: c, name_es: COLORS[c].name_es, name_en: COLORS[c].name_en, hex: COLORS[c].hex, image: imagesOf(seed, c), sizes };
  });
  return {
    product_id: seed.id,
    style_code: seed.style,
    name_es: seed.es,
    name_en: seed.en,
    description_es: d.description_es,
    description_en: d.description_en,
    category_es: seed.catEs,
    category_en: seed.catEn,
    price: d.price,
    colors,
  };
}

function figuresIn(ls: LocationStock): Map<string, number> {
  return new Map(ls.figures.map((f) => [f.sku, f.atp]));
}

function pickOf(seed: Seed, color: string, size: string | null, wanted: boolean): PickView {
  const sku = size ? `${seed.style}-${color}-${size}` : null;
  return {
    product_id: seed.id,
    name_es: seed.es,
    name_en: seed.en,
    color_code: color,
    color_es: COLORS[color].name_es,
    color_en: COLORS[color].name_en,
    hex: COLORS[color].hex,
    thumb: imagesOf(seed, color)?.thumb ?? null,
    size,
    sku,
    wanted,
    price: { minor: seed.price, currency: "CLP" },
  };
}

const STAFF_PIN = "1234";
const MANAGER_PIN = "9999";
const PIN_ATTEMPTS = 5;
const PIN_LOCK_S = 30;

type PinGuard = ReturnType<typeof pinGuard>;

/** The device's PIN check: the staff's PINs, with the back-off after wrong tries. */
function pinGuard() {
  const roles: Record<string, "associate" | "manager"> = { [STAFF_PIN]: "associate", [MANAGER_PIN]: "manager" };
  let failures = 0;
  let lockedUntil = 0;
  return {
    check(pin: string): { role: "associate" | "manager" } | { err: unknown } {
      const now = Date.now();
      if (now < lockedUntil) return { err: { code: "pin_locked", retry_after_s: Math.ceil((lockedUntil - now) / 1000) } };
      const role = roles[pin];
      if (!role) {
        failures += 1;
        if (failures >= PIN_ATTEMPTS) {
          failures = 0;
          lockedUntil = now + PIN_LOCK_S * 1000;
          return { err: { code: "pin_locked", retry_after_s: PIN_LOCK_S } };
        }
        return { err: { code: "wrong_pin", attempts_left: PIN_ATTEMPTS - failures } };
      }
      failures = 0;
      return { role };
    },
  };
}

function customerSim(state: { get: () => AppState; set: (s: AppState) => void }, pins: PinGuard) {
  let waiting: Selection | null = null;
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  if (params.has("selection")) {
    const tee = SEEDS[2];
    waiting = {
      picks: [pickOf(tee, "TER", "M", true), pickOf(tee, "NAV", null, false), pickOf(tee, "GRY", "L", true), pickOf(tee, "SND", null, false)],
      made_at: minutesAgo(6),
    };
  }

  const session = (): CustomerSession | null => state.get().customer_mode;
  const setSession = (s: CustomerSession | null) => state.set({ ...state.get(), customer_mode: s });

  function start(productId: string): void {
    setSession({ product_id: productId, started_at: new Date().toISOString(), picks: [] });
  }

  return {
    start,
    handle(cmd: string, args: Record<string, unknown>): { ok: unknown } | { err: unknown } | null {
      switch (cmd) {
        case "enter_customer_mode": {
          if (params.has("nopins")) return { err: { code: "no_pins" } };
          const current = session();
          if (current) return { ok: copy(current) };
          if (!SEEDS.some((x) => x.id === args.product_id)) return { err: { code: "not_found" } };
          start(String(args.product_id));
          return { ok: copy(session()) };
        }
        case "showcase": {
          const seed = SEEDS.find((x) => x.id === args.product_id);
          return seed ? { ok: showcaseOf(seed) } : { err: { code: "not_found" } };
        }
        case "set_pick": {
          const current = session();
          if (!current) return { err: invalid("customer_mode", "off") };
          const seed = SEEDS.find((x) => x.id === args.product_id);
          const color = String(args.color_code ?? "");
          if (!seed || !seed.colors.includes(color)) return { err: { code: "not_found" } };
          const size = typeof args.size === "string" ? args.size : null;
          const wanted = !!args.wanted;
          if (wanted && (!size || !seed.sizes.includes(size))) return { err: invalid("size", "required") };
          const picks = current.picks.filter((p) => !(p.product_id === seed.id && p.color_code === color));
          if (args.on) picks.push(pickOf(seed, color, wanted ? size : null, wanted));
          setSession({ ...current, picks });
          return { ok: copy(session()) };
        }
        case "exit_customer_mode": {
          const checked = pins.check(String(args.pin ?? ""));
          if ("err" in checked) return checked;
          const current = session();
          setSession(null);
          if (!current || current.picks.length === 0) return { ok: null };
          waiting = { picks: current.picks, made_at: new Date().toISOString() };
          return { ok: copy(waiting) };
        }
        case "customer_selection":
          return { ok: copy(waiting) };
        case "dismiss_selection":
          waiting = null;
          return { ok: null };
        case "save_selection":
          if (!waiting) return { err: { code: "not_found" } };
          if (!DEV_CUSTOMERS.some((c) => c.id === args.customer_id) && !String(args.customer_id ?? "").startsWith("cus-")) {
            return { err: { code: "not_found" } };
          }
          waiting = null;
          return { ok: null };
        default:
          return null;
      }
    },
  };
}


// ---- Unified commerce ----------------------------------------------------------

const DEV_CHANNELS = ["pos", "endless_aisle", "ecommerce", "app", "social"] as const;
const PRODUCT_CLASS: Record<string, string> = {
  "p-1001": "seasonal",
  "p-1002": "core",
  "p-1003": "bestseller",
  "p-1004": "core",
  "p-1005": "seasonal",
  "p-1006": "seasonal",
};

function emptyTotals(): Totals {
  return {
    sales: 0,
    sales_minor: 0,
    orders: 0,
    orders_minor: 0,
    returns: 0,
    returns_minor: 0,
    cancellations: 0,
    cancellations_minor: 0,
    net_minor: 0,
    net_units: 0,
  };
}

type DevTxn = { kind: "sale" | "order" | "return" | "cancellation"; channel: string; hour: number; minor: number; units: number };

/** A day of the store's transactions, the same every time for the same date. */
function devDay(date: string, upToHour: number): DevTxn[] {
  const seed = Number(date.replace(/-/g, ""));
  const out: DevTxn[] = [];
  const weekend = [0, 6].includes(new Date(`${date}T12:00:00Z`).getUTCDay());
  for (let hour = 0; hour <= Math.min(23, upToHour); hour++) {
    const open = hour >= 10 && hour < 21;
    const busy = open ? 1 + (hour >= 12 && hour < 14 ? 1 : 0) + (hour >= 17 && hour < 20 ? 1.2 : 0) + (weekend ? 0.8 : 0) : 0;
    DEV_CHANNELS.forEach((channel, ci) => {
      const r = rnd(seed * 31 + hour * 7 + ci * 101);
      let n = 0;
      if (channel === "pos") n = open ? Math.floor(r * 3 * busy) : 0;
      else if (channel === "endless_aisle") n = open && r > 0.72 ? 1 : 0;
      else if (channel === "ecommerce") n = r > (open ? 0.45 : 0.85) ? 1 + Math.floor(r * 1.6) : 0;
      else if (channel === "app") n = r > (hour >= 19 || hour < 1 ? 0.5 : 0.8) ? 1 : 0;
      else n = hour >= 18 && r > 0.82 ? 1 : 0;
      for (let i = 0; i < n; i++) {
        const units = 1 + Math.floor(rnd(seed + hour * 13 + ci * 17 + i) * 2.4);
        const minor = Math.round((9990 + rnd(seed * 3 + hour + ci + i) * 45000) / 10) * 10 * units;
        out.push({ kind: channel === "pos" ? "sale" : "order", channel, hour, minor, units });
      }
      const back = rnd(seed * 7 + hour * 3 + ci * 29);
      if (open && channel === "pos" && back > 0.9) out.push({ kind: "return", channel, hour, minor: 24990, units: 1 });
      if (channel === "ecommerce" && back > 0.95) out.push({ kind: "cancellation", channel, hour, minor: 34990, units: 1 });
    });
  }
  return out;
}

function addTxn(t: Totals, x: DevTxn): void {
  if (x.kind === "sale") {
    t.sales += 1;
    t.sales_minor += x.minor;
  } else if (x.kind === "order") {
    t.orders += 1;
    t.orders_minor += x.minor;
  } else if (x.kind === "return") {
    t.returns += 1;
    t.returns_minor += x.minor;
  } else {
    t.cancellations += 1;
    t.cancellations_minor += x.minor;
  }
  const out = x.kind === "sale" || x.kind === "order";
  t.net_minor += out ? x.minor : -x.minor;
  t.net_units += out ? x.units : -x.units;
}

function devReport(from: string, to: string): SalesReport {
  const today = todayHere();
  const nowHour = Math.floor(clockMinutes(Date.now(), STORE.time_zone) / 60);
  const totals = emptyTotals();
  const byChannel = new Map<string, Totals>();
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, transactions: 0, net_minor: 0, channels: new Map<string, number>() }));
  const days: DayTotals[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const txns = date > today ? [] : devDay(date, date === today ? nowHour : 23);
    let net = 0;
    for (const x of txns) {
      addTxn(totals, x);
      const c = byChannel.get(x.channel) ?? emptyTotals();
      addTxn(c, x);
      byChannel.set(x.channel, c);
      const signed = x.kind === "sale" || x.kind === "order" ? x.minor : -x.minor;
      const h = hours[x.hour];
      h.transactions += 1;
      h.net_minor += signed;
      h.channels.set(x.channel, (h.channels.get(x.channel) ?? 0) + signed);
      net += signed;
    }
    days.push({ date, transactions: txns.length, net_minor: net });
  }
  const channels: ChannelTotals[] = DEV_CHANNELS.filter((c) => byChannel.has(c)).map((c) => ({ channel: c, totals: byChannel.get(c)! }));
  return {
    store_id: STORE.id,
    currency: STORE.currency,
    time_zone: STORE.time_zone,
    from,
    to,
    totals,
    channels,
    hours: hours.map((h) => ({
      hour: h.hour,
      transactions: h.transactions,
      net_minor: h.net_minor,
      channels: DEV_CHANNELS.filter((c) => h.channels.has(c)).map((c): ChannelAmount => ({ channel: c, net_minor: h.channels.get(c)! })),
    })),
    days,
  };
}

/** A customer's past purchases on other channels, invented from their id. */
function devHistory(customer: CustomerView): ActivityView[] {
  const n = Number(customer.id.replace(/\D/g, "")) || 7;
  if (n > 4) return [];
  const item = (seed: Seed, color: string, size: string, quantity = 1) => ({
    sku: `${seed.style}-${color}-${size}`,
    name_es: seed.es,
    name_en: seed.en,
    color_es: COLORS[color].name_es,
    color_en: COLORS[color].name_en,
    size,
    quantity,
  });
  const base = {
    status: null,
    store_name: null as string | null,
    service_es: null,
    service_en: null,
    pending: false,
  };
  const money = (minor: number) => ({ minor, currency: STORE.currency });
  const day = 60 * 24;
  const list: ActivityView[] = [
    { ...base, id: `h-${n}-1`, kind: "sale", channel: "pos", occurred_at: minutesAgo(day * 3 + 130), reference: `B-${40210 + n}`, amount: money(44980), items: [item(SEEDS[1], "DEN", "40"), item(SEEDS[2], "WHT", "M")], store_name: STORE.name },
    { ...base, id: `h-${n}-2`, kind: "return", channel: "pos", occurred_at: minutesAgo(day * 2 + 40), reference: `B-${40388 + n}`, amount: money(9990), items: [item(SEEDS[2], "WHT", "M")], store_name: "Costanera Center" },
    { ...base, id: `h-${n}-3`, kind: "order", channel: "ecommerce", occurred_at: minutesAgo(day * 12 + 45), reference: `WEB-${88120 + n}`, amount: money(59990), items: [item(SEEDS[0], "NAV", "M")], status: "delivered" },
    { ...base, id: `h-${n}-4`, kind: "order", channel: "app", occurred_at: minutesAgo(day * 30), reference: `APP-${5521 + n}`, amount: money(27990), items: [item(SEEDS[3], "GRY", "L")], status: "shipped" },
    { ...base, id: `h-${n}-5`, kind: "cancellation", channel: "social", occurred_at: minutesAgo(day * 41), reference: `IG-${310 + n}`, amount: money(44990), items: [item(SEEDS[4], "SND", "S")] },
    { ...base, id: `h-${n}-6`, kind: "order", channel: "endless_aisle", occurred_at: minutesAgo(day * 55), reference: `cl-scl-providencia-7F3A21C9-000${n}8`, amount: money(19990), items: [item(SEEDS[5], "TER", "U")], status: "ready_for_pickup", store_name: STORE.name },
  ];
  return n % 2 === 0 ? list.slice(0, 3) : list;
}

function commerceSim(env: {
  online: () => boolean;
  changed: () => void;
  pins: PinGuard;
  customers: () => CustomerView[];
  orders: () => OrderView[];
  appointments: () => AppointmentView[];
}) {
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const idleMs = params.has("manageridle") ? 30_000 : 5 * 60_000;
  let manager: (ManagerView & { lastUsed: number }) | null = null;
  const reports = new Map<string, { report: SalesReport; generated_at: string }>();
  const lost: LostDemandView[] = [];
  const rules = new Map<string, { units: number; pending: number | null; refused: string | null }>([
    ["bestseller", { units: 2, pending: null, refused: null }],
    ["core", { units: 1, pending: null, refused: null }],
    ["seasonal", { units: 0, pending: null, refused: null }],
  ]);

  function lostView(input: NewLostDemand, recordedAt: string, pending: boolean, associate: string | null): LostDemandView {
    const info = input.sku ? skuInfo(input.sku) : null;
    const seed = info?.seed ?? SEEDS.find((x) => x.id === input.product_id) ?? null;
    const color = info ? COLORS[info.variant.color_code] : null;
    return {
      id: `ld-${Math.random().toString(36).slice(2, 10)}`,
      reason: input.reason,
      sku: input.sku,
      product_id: seed?.id ?? null,
      style_code: seed?.style ?? null,
      name_es: seed?.es ?? null,
      name_en: seed?.en ?? null,
      color_es: color?.name_es ?? null,
      color_en: color?.name_en ?? null,
      size: info?.variant.size ?? null,
      text: input.text,
      associate_name: associate,
      recorded_at: recordedAt,
      pending,
    };
  }

  const past: [NewLostDemand, number, string | null][] = [
    [{ sku: "PL-0310-TER-M", product_id: null, text: null, reason: "not_anywhere" }, 60 * 3, "Javiera Ortiz"],
    [{ sku: null, product_id: "p-1003", text: null, reason: "declined_wait" }, 60 * 26, null],
    [{ sku: null, product_id: null, text: "Chaqueta de cuero café", reason: "not_in_catalog" }, 60 * 49, "Javiera Ortiz"],
    [{ sku: "JN-2040-NAV-46", product_id: null, text: null, reason: "not_anywhere" }, 60 * 24 * 4, null],
    [{ sku: "PL-0310-NAV-S", product_id: null, text: null, reason: "declined_wait" }, 60 * 24 * 6, "Matías Herrera"],
    [{ sku: null, product_id: "p-1005", text: null, reason: "other" }, 60 * 24 * 11, null],
  ];
  for (const [input, ago, who] of past) lost.push(lostView(input, minutesAgo(ago), false, who));

  /** The store's devices, as the central would list them. */
  const devices: DeviceView[] = [
    { id: "dev-this", name: "Tablet caja 1", enrolled_at: "2026-10-02T13:05:00Z", revoked_at: null, this_device: true },
    { id: "dev-floor", name: "Tablet piso 2", enrolled_at: "2026-10-15T15:40:00Z", revoked_at: null, this_device: false },
    { id: "dev-old", name: "Tablet bodega", enrolled_at: "2026-03-01T12:00:00Z", revoked_at: "2026-09-30T18:00:00Z", this_device: false },
  ];

  function active(): (ManagerView & { lastUsed: number }) | null {
    if (manager && Date.now() - manager.lastUsed > idleMs) manager = null;
    return manager;
  }

  function touch(): boolean {
    const m = active();
    if (m) m.lastUsed = Date.now();
    return !!m;
  }

  const since = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const classOf = (v: LostDemandView) => (v.product_id ? PRODUCT_CLASS[v.product_id] : undefined);

  function ruleViews(): SafetyRuleView[] {
    return [...rules.entries()].map(([productClass, r]) => ({
      product_class: productClass,
      units: r.units,
      pending_units: r.pending,
      refused: r.refused,
      products: Object.values(PRODUCT_CLASS).filter((c) => c === productClass).length,
      lost_demand_30d: lost.filter((l) => l.recorded_at >= since(30) && classOf(l) === productClass).length,
    }));
  }

  // A customer of another store who agreed to one profile across the chain.
  const CHAIN_CUSTOMERS: { customer: CustomerView; home: string }[] = [
    {
      customer: {
        id: "cus-901",
        name: "Valentina Ríos Araya",
        phone: "+56955512345",
        email: "vrios@correo.cl",
        marketing_consent: false,
        pending: false,
        chain_consent: true,
      },
      home: "Costanera Center",
    },
  ];

  function profileOf(customer: CustomerView, home: string = STORE.name): CustomerProfile {
    const placed: ActivityView[] = env
      .orders()
      .filter((o) => o.customer_id === customer.id)
      .map((o) => ({
        id: o.id,
        kind: o.status === "cancelled" ? "cancellation" : "order",
        channel: "endless_aisle",
        occurred_at: o.created_at,
        reference: o.number,
        amount: o.total,
        items: o.lines.map((l) => ({
          sku: l.sku,
          name_es: l.product_name_es,
          name_en: l.product_name_en,
          color_es: l.color_name_es,
          color_en: l.color_name_en,
          size: l.size,
          quantity: l.quantity,
        })),
        status: o.status,
        store_name: STORE.name,
        service_es: null,
        service_en: null,
        pending: o.sync !== "confirmed",
      }));
    const booked: ActivityView[] = env
      .appointments()
      .filter((a) => a.customer_id === customer.id)
      .map((a) => ({
        id: a.id,
        kind: "appointment",
        channel: a.channel,
        occurred_at: a.start,
        reference: a.id,
        amount: null,
        items: [],
        status: a.status,
        store_name: STORE.name,
        service_es: a.service_es,
        service_en: a.service_en,
        pending: a.sync === "pending",
      }));
    const activity = [...placed, ...booked, ...devHistory(customer)].sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));
    let ltv = 0;
    for (const a of activity) {
      if (!a.amount || a.kind === "appointment") continue;
      ltv += a.kind === "return" || a.kind === "cancellation" ? -a.amount.minor : a.amount.minor;
    }
    return {
      customer: copy(customer),
      home_store_name: home,
      from_chain: home !== STORE.name,
      lifetime_value: { minor: ltv, currency: STORE.currency },
      other_currency: customer.id === "cus-001" ? 1 : 0,
      orders: activity.filter((a) => a.kind === "order").length,
      returns: activity.filter((a) => a.kind === "return").length,
      appointments: booked.length,
      saved_items: customer.id === "cus-001" ? 3 : 0,
      activity,
    };
  }

  function lostSummary(days: number) {
    const entries = lost.filter((l) => l.recorded_at >= since(days));
    const products = new Map<string, { times: number; last_at: string }>();
    const reasons = new Map<string, number>();
    for (const l of entries) {
      reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
      if (!l.product_id) continue;
      const p = products.get(l.product_id) ?? { times: 0, last_at: l.recorded_at };
      p.times += 1;
      if (l.recorded_at > p.last_at) p.last_at = l.recorded_at;
      products.set(l.product_id, p);
    }
    return {
      days,
      total: entries.length,
      entries: copy(entries.slice(0, 200)),
      top_products: [...products.entries()]
        .map(([id, p]) => {
          const seed = SEEDS.find((x) => x.id === id)!;
          return { product_id: id, style_code: seed.style, name_es: seed.es, name_en: seed.en, product_class: PRODUCT_CLASS[id], times: p.times, last_at: p.last_at };
        })
        .sort((a, b) => b.times - a.times || b.last_at.localeCompare(a.last_at)),
      by_reason: [...reasons.entries()].map(([reason, times]) => ({ reason, times })).sort((a, b) => b.times - a.times),
    };
  }

  return {
    flush(): void {
      for (const l of lost) l.pending = false;
      for (const r of rules.values()) {
        if (r.pending !== null) {
          r.units = r.pending;
          r.pending = null;
        }
      }
    },
    pendingCount: () => lost.filter((l) => l.pending).length + [...rules.values()].filter((r) => r.pending !== null).length,
    handle(cmd: string, args: Record<string, unknown>): { ok: unknown } | { err: unknown } | null {
      switch (cmd) {
        case "customer_profile": {
          const customer = env.customers().find((c) => c.id === args.customer_id);
          return customer ? { ok: profileOf(customer) } : { err: { code: "not_found" } };
        }
        case "lookup_chain_customer": {
          const q = String(args.query ?? "").trim();
          if (q.length < 5) return { err: invalid("query", "too_short") };
          if (!env.online()) return { err: { code: "central_unreachable" } };
          const digits = q.replace(/\D/g, "");
          const same = (c: CustomerView) =>
            (c.email !== null && c.email.toLowerCase() === q.toLowerCase()) ||
            (c.phone !== null && digits.length >= 7 && c.phone.replace(/\D/g, "").endsWith(digits));
          const own = env.customers().filter(same).map((c) => profileOf(c));
          const others = CHAIN_CUSTOMERS.filter((x) => x.customer.chain_consent && same(x.customer)).map((x) => profileOf(x.customer, x.home));
          return { ok: [...own, ...others] };
        }
        case "record_lost_demand": {
          const input = (args.input ?? {}) as NewLostDemand;
          if (!["not_anywhere", "declined_wait", "not_in_catalog", "other"].includes(input.reason)) return { err: invalid("reason", "unknown") };
          const text = typeof input.text === "string" ? input.text.trim() : "";
          if (text.length > 200) return { err: invalid("text", "too_long") };
          if (input.sku && !skuInfo(input.sku)) return { err: invalid("sku", "unknown") };
          if (!input.sku && input.product_id && !SEEDS.some((x) => x.id === input.product_id)) return { err: invalid("product_id", "unknown") };
          if (!input.sku && !input.product_id && !text) return { err: invalid("text", "empty") };
          const view = lostView({ ...input, text: text || null }, new Date().toISOString(), true, null);
          lost.unshift(view);
          env.changed();
          if (env.online()) {
            setTimeout(() => {
              view.pending = false;
              env.changed();
            }, 1500);
          }
          return { ok: copy(view) };
        }
        case "manager_sign_in": {
          const checked = env.pins.check(String(args.pin ?? ""));
          if ("err" in checked) return checked;
          if (checked.role !== "manager") return { err: invalid("pin", "not_manager") };
          manager = { associate_id: "CL-SCL-01-MGR", name: "Carolina Díaz", online: env.online(), lastUsed: Date.now() };
          return { ok: { associate_id: manager.associate_id, name: manager.name, online: manager.online } };
        }
        case "manager_sign_out":
          manager = null;
          return { ok: null };
        case "manager_session": {
          const m = active();
          return { ok: m ? { associate_id: m.associate_id, name: m.name, online: m.online } : null };
        }
        case "store_report": {
          if (!touch() || !manager) return { err: { code: "manager_required" } };
          const from = String(args.from ?? "");
          const to = String(args.to ?? "");
          if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) return { err: invalid("from", "date") };
          if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) return { err: invalid("to", "date") };
          if (to < from) return { err: invalid("to", "range") };
          const key = `${from}|${to}`;
          if (!manager.online || !env.online()) {
            const cached = reports.get(key);
            return cached ? { ok: { ...copy(cached), live: false } } : { err: { code: "central_unreachable" } };
          }
          const fresh = { report: devReport(from, to), generated_at: new Date().toISOString() };
          reports.set(key, fresh);
          return { ok: { ...copy(fresh), live: true } };
        }
        case "export_report_csv": {
          if (!touch()) return { err: { code: "manager_required" } };
          const from = String(args.from ?? "");
          const to = String(args.to ?? "");
          if (!reports.has(`${from}|${to}`)) return { err: { code: "not_found" } };
          const name = from === to ? `vitrina-${STORE.id}-${from}.csv` : `vitrina-${STORE.id}-${from}-${to}.csv`;
          return { ok: `/home/tienda/.local/share/vitrina/exports/${name}` };
        }
        case "lost_demand":
          if (!touch()) return { err: { code: "manager_required" } };
          return { ok: lostSummary(Math.min(365, Math.max(1, Number(args.days ?? 30)))) };
        case "safety_rules":
          if (!touch()) return { err: { code: "manager_required" } };
          return { ok: ruleViews() };
        case "manager_devices":
          if (!touch()) return { err: { code: "manager_required" } };
          if (!env.online()) return { err: { code: "central_unreachable" } };
          return { ok: devices };
        case "revoke_device": {
          if (!touch()) return { err: { code: "manager_required" } };
          if (!env.online()) return { err: { code: "central_unreachable" } };
          const device = devices.find((d) => d.id === args.device_id);
          if (!device || device.revoked_at) return { err: { code: "not_found" } };
          if (device.this_device) return { err: invalid("device_id", "this_device") };
          device.revoked_at = new Date().toISOString();
          return { ok: devices };
        }
        case "set_safety_rule": {
          if (!touch()) return { err: { code: "manager_required" } };
          const units = Number(args.units);
          if (!Number.isInteger(units) || units < 0 || units > 1000) return { err: invalid("units", "invalid") };
          const rule = rules.get(String(args.product_class ?? ""));
          if (!rule) return { err: invalid("product_class", "invalid") };
          rule.pending = units;
          rule.refused = null;
          env.changed();
          if (env.online()) {
            setTimeout(() => {
              if (rule.pending === null) return;
              rule.units = rule.pending;
              rule.pending = null;
              env.changed();
            }, 4000);
          }
          return { ok: ruleViews() };
        }
        default:
          return null;
      }
    },
  };
}

/** What the backend answers with nobody signed in. */
const OPEN_COMMANDS = new Set([
  "app_state",
  "enroll",
  "sync_status",
  "sync_now",
  "sign_in",
  "sign_out",
  "associate_session",
  "still_here",
  "manager_sign_in",
  "manager_session",
]);

function devAssociate(role: "associate" | "manager"): AssociateView {
  return role === "manager"
    ? { associate_id: "CL-SCL-01-manager", name: "Carolina Díaz", role, online: true, sign_out_after_s: params.has("idle") ? 30 : 300 }
    : { associate_id: "CL-SCL-01-associate", name: "Ana Rojas", role, online: true, sign_out_after_s: params.has("idle") ? 30 : 300 };
}

/** What the backend still answers while the tablet is in a customer's hands. */
const CUSTOMER_MODE_COMMANDS = new Set([
  "app_state",
  "sync_status",
  "enter_customer_mode",
  "showcase",
  "set_pick",
  "exit_customer_mode",
  "customer_selection",
  "dismiss_selection",
  "save_selection",
]);

export function installDevBackend(): void {
  clearMocks();
  const preEnrolled =
    params.has("enrolled") ||
    params.has("offline") ||
    params.has("error") ||
    params.has("stale") ||
    params.has("unsent") ||
    params.has("customer") ||
    params.has("selection") ||
    params.has("nopins");
  let state: AppState = preEnrolled
    ? {
        enrolled: true,
        central_url: "http://127.0.0.1:8787",
        device_id: "dev-device",
        store: STORE,
        customer_mode: null,
        associate: params.has("signedout") || params.has("customer") ? null : devAssociate("associate"),
      }
    : { enrolled: false, central_url: null, device_id: null, store: null, customer_mode: null, associate: null };
  let status: SyncStatus = {
    phase: params.has("error") ? "error" : params.has("offline") ? "offline" : "idle",
    online: !params.has("offline"),
    progress: null,
    last_synced_at: preEnrolled ? minutesAgo(4) : null,
    error: params.has("error") ? { code: "central_unreachable" } : null,
    pending: 0,
    images: null,
  };

  const publish = (s: SyncStatus) => {
    status = s;
    void emit("sync-status", s);
  };

  // Each answer of the central is a pull: the screens refresh on it.
  const changed = () =>
    publish({
      ...status,
      pending: orders.pendingCount() + appointments.pendingCount() + commerce.pendingCount(),
      last_synced_at: status.online ? new Date().toISOString() : status.last_synced_at,
    });
  const orders = ordersSim({ online: () => status.online, changed: () => changed() });
  const pins = pinGuard();
  const appointments = appointmentsSim({ online: () => status.online, changed: () => changed(), pins });
  const listed = <T>(answer: { ok: unknown } | { err: unknown } | null): T[] => (answer && "ok" in answer ? (answer.ok as T[]) : []);
  const commerce = commerceSim({
    online: () => status.online,
    changed: () => changed(),
    pins,
    customers: () => orders.customers(),
    orders: () => listed<OrderView>(orders.handle("list_orders", {})),
    appointments: () => listed<AppointmentView>(appointments.handle("list_appointments", { from: "0000-01-01", to: "9999-12-31" }, orders.customers)),
  });
  if (preEnrolled) {
    orders.seed();
    appointments.seed();
  }
  status = { ...status, pending: orders.pendingCount() + appointments.pendingCount() };

  const customer = customerSim({ get: () => state, set: (s) => (state = s) }, pins);
  if (params.has("customer")) customer.start(SEEDS[2].id);
  installImages();

  // For trying the offline flow: ?demo=…,online or offline.
  devHooks.setOnline = (online: boolean) => {
    publish({
      ...status,
      online,
      phase: online ? "idle" : "offline",
      error: null,
      last_synced_at: online ? new Date().toISOString() : status.last_synced_at,
    });
    if (online) {
      orders.flush();
      appointments.flush();
      commerce.flush();
    }
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
        appointments.seed();
        publish({ phase: "idle", online: true, progress: null, last_synced_at: new Date().toISOString(), error: null, pending: 0, images: null });
      }
    }, 250);
  }

  const delay = <T>(ms: number, v: () => T) => new Promise<T>((res) => setTimeout(() => res(v()), ms));
  const fail = (ms: number, err: unknown) => new Promise((_, rej) => setTimeout(() => rej(err), ms));

  mockIPC(
    (cmd, raw) => {
      const args = (raw ?? {}) as Record<string, unknown>;
      // Like the real backend: in a customer's hands, the associate's commands are refused.
      if (state.customer_mode && !CUSTOMER_MODE_COMMANDS.has(cmd)) return fail(20, { code: "customer_mode" });
      // And with nobody signed in, only the sign-in screen's.
      if (!state.customer_mode && !state.associate && !OPEN_COMMANDS.has(cmd)) return fail(20, { code: "sign_in_required" });
      switch (cmd) {
        case "sign_in": {
          const checked = pins.check(String(args.pin ?? ""));
          if ("err" in checked) return fail(150, checked.err);
          state = { ...state, associate: devAssociate(checked.role) };
          return delay(150, () => state.associate);
        }
        case "sign_out":
          state = { ...state, associate: null };
          return delay(20, () => null);
        case "associate_session":
        case "still_here":
          return delay(20, () => state.associate);
      }
      const picked = customer.handle(cmd, args);
      if (picked && "ok" in picked) {
        // Handing the tablet over signs the associate out; the PIN that takes it back signs its owner in.
        if (cmd === "enter_customer_mode") state = { ...state, associate: null };
        if (cmd === "exit_customer_mode") state = { ...state, associate: devAssociate(args.pin === MANAGER_PIN ? "manager" : "associate") };
      }
      if (picked) return "ok" in picked ? delay(cmd === "showcase" ? 120 : 60, () => picked.ok) : fail(120, picked.err);
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
          state = { enrolled: true, central_url: url, device_id: "dev-device", store: STORE, customer_mode: null, associate: null };
          setTimeout(firstSync, 50);
          return delay(700, () => state);
        }
        case "sync_now":
          if (!status.online) return fail(400, { code: "central_unreachable" });
          orders.flush();
          appointments.flush();
          commerce.flush();
          publish({ ...status, phase: "syncing" });
          return delay(900, () => {
            publish({ ...status, phase: "idle", last_synced_at: new Date().toISOString(), error: null });
            return status;
          });
        case "reset_device": {
          // Like the real command: refused while changes made here are unsent.
          if (status.pending > 0) return fail(300, { code: "unsent_commands", count: status.pending });
          orders.clear();
          appointments.clear();
          state = { enrolled: false, central_url: null, device_id: null, store: null, customer_mode: null, associate: null };
          // The sync task idles, offline and empty, until the next enrollment.
          return delay(600, () => {
            publish({ phase: "idle", online: false, progress: null, last_synced_at: null, error: null, pending: 0, images: null });
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
          const answer = orders.handle(cmd, args) ?? appointments.handle(cmd, args, orders.customers) ?? commerce.handle(cmd, args);
          if (!answer) return fail(0, `unknown command ${cmd}`);
          if (cmd === "manager_sign_in" && "ok" in answer) state = { ...state, associate: devAssociate("manager") };
          if (cmd === "manager_sign_out") state = { ...state, associate: null };
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
// scan:DIGITS, enter, escape, online, offline; in customer mode swipe:left or
// swipe:right on the picture, pin:DIGITS on the staff PIN pad (then OK).
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
    } else if (op === "swipe") {
      // A mouse drag across the picture, like a finger.
      const stage = byId("cm-stage")[0];
      if (stage) {
        const r = stage.getBoundingClientRect();
        const y = r.top + r.height / 2;
        const [from, to] = a === "right" ? [r.left + r.width * 0.3, r.left + r.width * 0.7] : [r.left + r.width * 0.7, r.left + r.width * 0.3];
        const fire = (type: string, x: number) =>
          stage.dispatchEvent(new PointerEvent(type, { pointerId: 7, pointerType: "mouse", button: 0, buttons: 1, clientX: x, clientY: y, bubbles: true }));
        fire("pointerdown", from);
        for (let i = 1; i <= 6; i++) {
          fire("pointermove", from + ((to - from) * i) / 6);
          await sleep(16);
        }
        fire("pointerup", to);
      }
      await sleep(400);
    } else if (op === "pin") {
      for (const d of a) {
        byId(`pin-key-${d}`)[0]?.click();
        await sleep(80);
      }
      byId("pin-ok")[0]?.click();
      await sleep(600);
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
