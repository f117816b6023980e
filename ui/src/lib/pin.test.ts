import { describe, expect, it } from "vitest";
import { translate } from "./i18n/translate";
import {
  PIN_MAX,
  canSubmit,
  formatCountdown,
  lockedUntil,
  pinErrorMessage,
  popDigit,
  pushDigit,
  secondsLeft,
} from "./pin";

describe("PIN digits", () => {
  it("takes digits up to the maximum and nothing else", () => {
    let pin = "";
    for (const d of "12a3.4") pin = pushDigit(pin, d);
    expect(pin).toBe("1234");
    for (let i = 0; i < 10; i++) pin = pushDigit(pin, "9");
    expect(pin).toHaveLength(PIN_MAX);
    expect(pushDigit("", "12")).toBe("");
  });

  it("removes the last digit", () => {
    expect(popDigit("123")).toBe("12");
    expect(popDigit("")).toBe("");
  });

  it("can be sent from four digits", () => {
    expect(canSubmit("123")).toBe(false);
    expect(canSubmit("1234")).toBe(true);
    expect(canSubmit("12345678")).toBe(true);
    expect(canSubmit("123456789")).toBe(false);
    expect(canSubmit("12a4")).toBe(false);
  });
});

describe("lock countdown", () => {
  it("counts whole seconds down to zero", () => {
    const until = lockedUntil(30, 10_000);
    expect(until).toBe(40_000);
    expect(secondsLeft(until, 10_000)).toBe(30);
    expect(secondsLeft(until, 10_001)).toBe(30);
    expect(secondsLeft(until, 39_001)).toBe(1);
    expect(secondsLeft(until, 40_000)).toBe(0);
    expect(secondsLeft(until, 99_000)).toBe(0);
    expect(lockedUntil(-5, 1_000)).toBe(1_000);
  });

  it("formats minutes and seconds", () => {
    expect(formatCountdown(42)).toBe("0:42");
    expect(formatCountdown(300)).toBe("5:00");
    expect(formatCountdown(61.2)).toBe("1:02");
    expect(formatCountdown(3723)).toBe("1:02:03");
    expect(formatCountdown(-3)).toBe("0:00");
  });
});

describe("PIN errors", () => {
  it("says how many attempts are left", () => {
    expect(translate("es", ...pinErrorMessage({ code: "wrong_pin", attempts_left: 3 }, 0))).toBe(
      "PIN incorrecto. Te quedan 3 intentos.",
    );
    expect(translate("en", ...pinErrorMessage({ code: "wrong_pin", attempts_left: 1 }, 0))).toBe(
      "Wrong PIN. 1 attempt left.",
    );
    expect(pinErrorMessage({ code: "wrong_pin", attempts_left: 0 }, 0)[0]).toBe("error_wrong_pin_last");
  });

  it("shows the lock with the time left", () => {
    expect(translate("en", ...pinErrorMessage({ code: "pin_locked", retry_after_s: 60 }, 42))).toMatch(/0:42/);
    expect(translate("es", ...pinErrorMessage({ code: "pin_locked", retry_after_s: 60 }, 125))).toMatch(/2:05/);
  });

  it("explains any other failure like everywhere else", () => {
    expect(pinErrorMessage({ code: "internal" }, 0)[0]).toBe("error_internal");
  });

  it("words an associate's PIN on a manager's pad as the pad asks", () => {
    const notManager = { code: "invalid", field: "pin", reason: "not_manager" } as const;
    expect(pinErrorMessage(notManager, 0)[0]).toBe("error_not_manager");
    expect(pinErrorMessage(notManager, 0, "error_not_manager_pin")[0]).toBe("error_not_manager_pin");
    expect(translate("en", ...pinErrorMessage(notManager, 0, "error_not_manager_pin"))).toBe("That PIN is not a manager's.");
    expect(translate("es", ...pinErrorMessage(notManager, 0, "error_not_manager_pin"))).toBe("Ese PIN no es de un encargado de tienda.");
    // A wrong PIN is still a wrong PIN.
    expect(pinErrorMessage({ code: "wrong_pin", attempts_left: 2 }, 0, "error_not_manager_pin")[0]).toBe("error_wrong_pin");
  });
});
