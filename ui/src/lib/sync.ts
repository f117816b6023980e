// Pure rules of the sync panel: the state in words, the pending sentence, the
// age of the last sync and the orders the central sent back.
import type { OrderView, SyncStatus } from "./bindings";
import type { MessageKey } from "./i18n/es";
import type { Params } from "./i18n/translate";
import { sortOrders } from "./orders";
import type { RoundedEta } from "./eta";

export type SyncState = "synced" | "syncing" | "offline" | "error";

/** How the sync stands, in the same precedence as the header's indicator. */
export function syncState(status: SyncStatus | null, busy = false): SyncState {
  const phase = status?.phase ?? "idle";
  if (phase === "error") return "error";
  if (busy || phase === "syncing" || phase === "first_sync") return "syncing";
  if (!(status?.online ?? true) || phase === "offline") return "offline";
  return "synced";
}

/** "3 cambios por enviar", "1 cambio por enviar" or "Todo enviado". */
export function pendingMessage(pending: number): [MessageKey, Params | undefined] {
  if (!(pending > 0)) return ["sync_pending_none", undefined];
  if (pending === 1) return ["sync_pending_one", undefined];
  return ["sync_pending_many", { count: pending }];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "hace 3 min", "hace 2 h"…; null when the instant cannot be read. */
export function ageMessage(iso: string, nowMs: number): [MessageKey, Params | undefined] | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const age = nowMs - at;
  if (age < MINUTE) return ["age_now", undefined];
  if (age < HOUR) return ["age_minutes", { count: Math.floor(age / MINUTE) }];
  if (age < DAY) return ["age_hours", { count: Math.floor(age / HOUR) }];
  if (age < 2 * DAY) return ["age_one_day", undefined];
  return ["age_days", { count: Math.floor(age / DAY) }];
}

/** Orders the central could not confirm, newest first. */
export function ordersNeedingAttention(orders: readonly OrderView[]): OrderView[] {
  return sortOrders(orders.filter((o) => o.sync === "needs_attention"));
}

/** "Quedan unos 20 s" and the like for a rounded estimate. */
export function etaMessage(eta: RoundedEta): [MessageKey, Params | undefined] {
  switch (eta.unit) {
    case "few":
      return ["first_sync_eta_few", undefined];
    case "seconds":
      return ["first_sync_eta_seconds", { count: eta.value }];
    case "minutes":
      return eta.value === 1 ? ["first_sync_eta_one_minute", undefined] : ["first_sync_eta_minutes", { count: eta.value }];
    case "hours":
      return eta.value === 1 ? ["first_sync_eta_one_hour", undefined] : ["first_sync_eta_hours", { count: eta.value }];
  }
}
