// A stand-in backend for trying the screens in a plain browser
// (`npm run dev`, opened outside the desktop shell). Dev builds only.
//
// URL switches: ?enrolled (skip enrollment), ?offline (no connection),
// ?error (sync error), ?stale (old figures).
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type {
  AppState,
  LocationStock,
  LocationView,
  ProductDetail,
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

const fold = (x: string) => x.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

export function installDevBackend(): void {
  clearMocks();
  const preEnrolled = params.has("enrolled") || params.has("offline") || params.has("error") || params.has("stale");
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
          publish({ ...status, phase: "syncing" });
          return delay(900, () => {
            publish({ ...status, phase: "idle", last_synced_at: new Date().toISOString(), error: null });
            return status;
          });
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
        default:
          return fail(0, `unknown command ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );

  // For trying the scanner by hand: the GTINs of the first product.
  console.info("dev backend: sample barcodes", variants(SEEDS[0]).slice(0, 3).map((v) => v.gtin));
}

// ?demo=STEP,STEP… drives the UI for screenshots: type:TEXT, click:TESTID,
// clickn:TESTID:N, fill:TESTID:VALUE, lang:en, wait:MS, scan:DIGITS, enter.
async function runDemo(script: string): Promise<void> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const byId = (id: string) => document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`);
  await sleep(400);
  for (const step of script.split(",")) {
    const [op, a = "", b = "0"] = step.split(":");
    if (op === "type" || op === "fill") {
      const input = byId(op === "type" ? "search-input" : a)[0] as HTMLInputElement | undefined;
      if (input) {
        input.value = op === "type" ? a : b;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      await sleep(400);
    } else if (op === "enter") {
      document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
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
    } else if (op === "wait") {
      await sleep(Number(a));
    }
  }
}

const demo = params.get("demo");
if (demo) void runDemo(demo);
