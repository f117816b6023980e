// The staff PIN pad that ends customer mode: typed digits and the lock-out
// countdown. Pure.
import type { UiError } from "./api";
import type { MessageKey } from "./i18n/es";
import { formatCountdown } from "./i18n/format";
import { errorMessageKey, type Params } from "./i18n/translate";

/** The shortest PIN that can be sent, and the most digits the pad takes. */
export const PIN_MIN = 4;
export const PIN_MAX = 8;

export function pushDigit(pin: string, digit: string): string {
  if (!/^\d$/.test(digit) || pin.length >= PIN_MAX) return pin;
  return pin + digit;
}

export function popDigit(pin: string): string {
  return pin.slice(0, -1);
}

export function canSubmit(pin: string): boolean {
  return pin.length >= PIN_MIN && pin.length <= PIN_MAX && /^\d+$/.test(pin);
}

/** When the lock ends, from the moment the refusal arrived. */
export function lockedUntil(retryAfterS: number, nowMs: number): number {
  return nowMs + Math.max(0, retryAfterS) * 1000;
}

/** Whole seconds left (rounded up), 0 once the lock is over. */
export function secondsLeft(untilMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
}

export { formatCountdown };

/**
 * What the pad says after a refusal; a lock shows the time left now, not when
 * it arrived. `notManagerKey` words a correct PIN that is not a manager's, for
 * a pad that opens something other than a schedule.
 */
export function pinErrorMessage(
  err: UiError,
  secondsLeftNow: number,
  notManagerKey?: MessageKey,
): [MessageKey, Params | undefined] {
  if (err.code === "pin_locked") return ["error_pin_locked", { time: formatCountdown(secondsLeftNow) }];
  if (notManagerKey && err.code === "invalid" && err.field === "pin" && err.reason === "not_manager") return [notManagerKey, undefined];
  return errorMessageKey(err);
}
