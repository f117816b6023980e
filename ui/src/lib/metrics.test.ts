import { describe, expect, it } from "vitest";
import { metrics, recordColorSwitch } from "./metrics";
import { preloadAll } from "./preload";

describe("metrics", () => {
  it("creates the colour-switch list on first use and appends to it", () => {
    const host: { __vitrinaMetrics?: { colorSwitch: number[] } } = {};
    recordColorSwitch(12.5, host);
    recordColorSwitch(8, host);
    expect(host.__vitrinaMetrics).toEqual({ colorSwitch: [12.5, 8] });
  });

  it("keeps a list that is already there and ignores nonsense", () => {
    const existing = { colorSwitch: [1] };
    const host = { __vitrinaMetrics: existing };
    recordColorSwitch(Number.NaN, host);
    recordColorSwitch(-1, host);
    recordColorSwitch(3, host);
    expect(metrics(host)).toBe(existing);
    expect(existing.colorSwitch).toEqual([1, 3]);
  });
});

describe("preloadAll", () => {
  it("loads every url once, a few at a time, and reports failures", async () => {
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    const failed = await preloadAll(["a", "b", "c", "a", "d", "e"], async (url) => {
      seen.push(url);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (url === "c") throw new Error("broken");
    }, 2);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(peak).toBe(2);
    expect(failed).toEqual(["c"]);
  });

  it("stops starting loads once cancelled", async () => {
    const seen: string[] = [];
    let stop = false;
    await preloadAll(["a", "b", "c"], async (url) => {
      seen.push(url);
      stop = true;
    }, 1, () => stop);
    expect(seen).toEqual(["a"]);
  });
});
