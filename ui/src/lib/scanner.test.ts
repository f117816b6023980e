import { describe, expect, it } from "vitest";
import { ScanDetector } from "./scanner";

function type(det: ScanDetector, keys: string[], start: number, gap: number): (string | null)[] {
  return keys.map((k, i) => det.feed(k, start + i * gap));
}

describe("ScanDetector", () => {
  it("reports a fast burst of digits followed by Enter as a scan", () => {
    const det = new ScanDetector();
    const out = type(det, [..."4006381333931", "Enter"], 1000, 8);
    expect(out.slice(0, -1).every((r) => r === null)).toBe(true);
    expect(out.slice(-1)[0]).toBe("4006381333931");
  });

  it("accepts exactly 8 digits", () => {
    const det = new ScanDetector();
    expect(type(det, [..."96385074", "Enter"], 0, 20).slice(-1)[0]).toBe("96385074");
  });

  it("ignores slow typing", () => {
    const det = new ScanDetector();
    const out = type(det, [..."4006381333931", "Enter"], 0, 120);
    expect(out.every((r) => r === null)).toBe(true);
  });

  it("ignores fewer than 8 digits", () => {
    const det = new ScanDetector();
    expect(type(det, [..."1234567", "Enter"], 0, 5).every((r) => r === null)).toBe(true);
  });

  it("requires Enter to follow the burst quickly", () => {
    const det = new ScanDetector();
    type(det, [..."4006381333931"], 0, 5);
    expect(det.feed("Enter", 60 + 12 * 5 + 200)).toBeNull();
  });

  it("restarts the burst after a pause and after a non-digit key", () => {
    const det = new ScanDetector();
    // A person types "12", pauses, then the scanner fires.
    type(det, ["1", "2"], 0, 150);
    expect(type(det, [..."40063813", "Enter"], 1000, 10).slice(-1)[0]).toBe("40063813");
    // A letter in the middle breaks the burst.
    const out = type(det, [..."1234", "a", ..."5678", "Enter"], 5000, 5);
    expect(out.every((r) => r === null)).toBe(true);
  });

  it("exposes the pending digits and is reusable after a scan", () => {
    const det = new ScanDetector();
    type(det, [..."1234"], 0, 5);
    expect(det.pending).toBe("1234");
    type(det, [..."5678", "Enter"], 20, 5);
    expect(det.pending).toBe("");
    expect(type(det, [..."87654321", "Enter"], 500, 5).slice(-1)[0]).toBe("87654321");
  });
});
