import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { COMMANDS, findBarcode, normaliseError, productDetail, search } from "./index";

describe("normaliseError", () => {
  it("keeps well-formed AppErrors", () => {
    expect(normaliseError({ code: "central_unreachable" })).toEqual({ code: "central_unreachable" });
    expect(normaliseError({ code: "invalid", field: "barcode", reason: "check_digit" })).toEqual({
      code: "invalid",
      field: "barcode",
      reason: "check_digit",
    });
    expect(normaliseError({ code: "protocol", detail: "x" })).toEqual({ code: "protocol", detail: "x" });
  });

  it("drops extra fields", () => {
    expect(normaliseError({ code: "not_found", extra: 1 })).toEqual({ code: "not_found" });
  });

  it("turns anything else into internal", () => {
    for (const e of [
      "boom",
      new Error("boom"),
      null,
      undefined,
      42,
      [],
      {},
      { code: "nope" },
      { code: 3 },
      { code: "invalid", field: "x" },
      { code: "protocol" },
    ]) {
      expect(normaliseError(e)).toEqual({ code: "internal" });
    }
  });
});

describe("commands", () => {
  beforeAll(() => {
    // The mocks install themselves on `window`.
    (globalThis as { window?: unknown }).window ??= globalThis;
  });
  afterEach(() => clearMocks());

  it("lists every command once", () => {
    expect(new Set(COMMANDS).size).toBe(COMMANDS.length);
    expect([...COMMANDS].sort()).toEqual(
      ["app_state", "enroll", "find_barcode", "product_detail", "search", "sync_now", "sync_status"].sort(),
    );
  });

  it("passes snake_case arguments", async () => {
    const seen: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return cmd === "search" ? [] : {};
    });
    await search("jeans", 30);
    await productDetail("p1");
    expect(seen).toEqual([
      ["search", { query: "jeans", limit: 30 }],
      ["product_detail", { product_id: "p1" }],
    ]);
  });

  it("rejects with a normalised AppError", async () => {
    mockIPC(() => {
      throw { code: "invalid", field: "barcode", reason: "check_digit" };
    });
    await expect(findBarcode("4006381333932")).rejects.toEqual({
      code: "invalid",
      field: "barcode",
      reason: "check_digit",
    });
    mockIPC(() => {
      throw "database is locked";
    });
    await expect(findBarcode("4006381333931")).rejects.toEqual({ code: "internal" });
  });
});
