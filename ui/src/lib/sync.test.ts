import { describe, expect, it } from "vitest";
import type { OrderView, SyncStatus } from "./bindings";
import { translate } from "./i18n/translate";
import { ageMessage, etaMessage, ordersNeedingAttention, pendingMessage, syncState } from "./sync";
import { roundEta } from "./eta";

const status = (over: Partial<SyncStatus>): SyncStatus => ({
  phase: "idle",
  online: true,
  progress: null,
  last_synced_at: null,
  error: null,
  pending: 0,
  images: null,
  ...over,
});

describe("syncState", () => {
  it("puts an error first, then syncing, then offline", () => {
    expect(syncState(status({}))).toBe("synced");
    expect(syncState(null)).toBe("synced");
    expect(syncState(status({ phase: "syncing" }))).toBe("syncing");
    expect(syncState(status({}), true)).toBe("syncing");
    expect(syncState(status({ phase: "offline", online: false }))).toBe("offline");
    expect(syncState(status({ online: false }))).toBe("offline");
    expect(syncState(status({ phase: "error", online: false, error: { code: "central_unreachable" } }))).toBe("error");
  });
});

describe("pendingMessage", () => {
  it("counts what is left to send", () => {
    expect(translate("es", ...pendingMessage(3))).toBe("3 cambios por enviar");
    expect(translate("es", ...pendingMessage(1))).toBe("1 cambio por enviar");
    expect(translate("es", ...pendingMessage(0))).toBe("Todo enviado");
    expect(translate("en", ...pendingMessage(2))).toBe("2 changes to send");
    expect(translate("en", ...pendingMessage(0))).toBe("Everything sent");
  });
});

describe("ageMessage", () => {
  const now = Date.parse("2026-11-20T15:30:00Z");
  const say = (iso: string, lang: "es" | "en" = "es") => {
    const m = ageMessage(iso, now);
    return m ? translate(lang, ...m) : null;
  };

  it("says how long ago in minutes, hours and days", () => {
    expect(say("2026-11-20T15:29:30Z")).toBe("hace un momento");
    expect(say("2026-11-20T15:31:00Z")).toBe("hace un momento");
    expect(say("2026-11-20T15:27:00Z")).toBe("hace 3 min");
    expect(say("2026-11-20T15:27:00Z", "en")).toBe("3 min ago");
    expect(say("2026-11-20T13:10:00Z")).toBe("hace 2 h");
    expect(say("2026-11-19T10:00:00Z")).toBe("hace 1 día");
    expect(say("2026-11-16T10:00:00Z")).toBe("hace 4 días");
    expect(say("not a date")).toBeNull();
  });
});

describe("ordersNeedingAttention", () => {
  const order = (id: string, sync: OrderView["sync"], created_at: string) =>
    ({ id, number: id, sync, status: sync === "needs_attention" ? "needs_attention" : "confirmed", created_at }) as OrderView;

  it("keeps the orders the central sent back, newest first", () => {
    const list = [
      order("a", "confirmed", "2026-11-20T10:00:00Z"),
      order("b", "needs_attention", "2026-11-20T11:00:00Z"),
      order("c", "saved_here", "2026-11-20T12:00:00Z"),
      order("d", "needs_attention", "2026-11-20T13:00:00Z"),
    ];
    expect(ordersNeedingAttention(list).map((o) => o.id)).toEqual(["d", "b"]);
  });
});

describe("etaMessage", () => {
  it("says the time left in both languages", () => {
    expect(translate("es", ...etaMessage(roundEta(21)))).toBe("Quedan unos 20 s");
    expect(translate("en", ...etaMessage(roundEta(21)))).toBe("About 20 s left");
    expect(translate("es", ...etaMessage(roundEta(4)))).toBe("Quedan unos segundos");
    expect(translate("es", ...etaMessage(roundEta(70)))).toBe("Queda alrededor de un minuto");
    expect(translate("en", ...etaMessage(roundEta(250)))).toBe("About 4 min left");
    expect(translate("es", ...etaMessage(roundEta(3 * 3600)))).toBe("Quedan unas 3 h");
  });
});
