import { describe, expect, it } from "vitest";
import { EtaEstimator, roundEta } from "./eta";

describe("EtaEstimator", () => {
  it("says nothing until two events have arrived", () => {
    const eta = new EtaEstimator();
    expect(eta.secondsLeft()).toBeNull();
    eta.push(0, 1000, 0);
    expect(eta.secondsLeft()).toBeNull();
    eta.push(100, 1000, 2000);
    // 100 items in 2 s: 900 left take 18 s.
    expect(eta.secondsLeft()).toBeCloseTo(18);
  });

  it("averages the pace over the last few events", () => {
    const eta = new EtaEstimator(3);
    eta.push(0, 1000, 0);
    eta.push(100, 1000, 1000);
    eta.push(200, 1000, 2000);
    eta.push(250, 1000, 3000); // slower now
    // Window: 100@1s … 250@3s → 150 items in 2 s → 750 left in 10 s.
    expect(eta.secondsLeft()).toBeCloseTo(10);
    eta.push(300, 1000, 4000);
    // 200@2s … 300@4s → 50 items/s → 700 left in 14 s.
    expect(eta.secondsLeft()).toBeCloseTo(14);
  });

  it("starts over when the total changes or the count goes back", () => {
    const eta = new EtaEstimator();
    eta.push(0, 1000, 0);
    eta.push(500, 1000, 1000);
    eta.push(10, 2000, 1500);
    expect(eta.secondsLeft()).toBeNull();
    eta.push(110, 2000, 2500);
    expect(eta.secondsLeft()).toBeCloseTo(18.9);
    eta.push(50, 2000, 3000);
    expect(eta.secondsLeft()).toBeNull();
  });

  it("has no estimate without progress, once done, or for events at the same instant", () => {
    const stalled = new EtaEstimator();
    stalled.push(100, 1000, 0);
    stalled.push(100, 1000, 5000);
    expect(stalled.secondsLeft()).toBeNull();

    const done = new EtaEstimator();
    done.push(900, 1000, 0);
    done.push(1000, 1000, 1000);
    expect(done.secondsLeft()).toBeNull();

    const burst = new EtaEstimator();
    burst.push(0, 1000, 100);
    burst.push(50, 1000, 100);
    expect(burst.secondsLeft()).toBeNull();
    burst.push(150, 1000, 1100);
    // The later figure of the same instant counts: 100 items in 1 s.
    expect(burst.secondsLeft()).toBeCloseTo(8.5);
  });

  it("ignores figures that are not numbers", () => {
    const eta = new EtaEstimator();
    eta.push(0, 100, 0);
    eta.push(Number.NaN, 100, 500);
    eta.push(10, 100, 1000);
    expect(eta.secondsLeft()).toBeCloseTo(9);
  });
});

describe("roundEta", () => {
  it("says a few seconds under ten", () => {
    expect(roundEta(0)).toEqual({ unit: "few" });
    expect(roundEta(9.9)).toEqual({ unit: "few" });
    expect(roundEta(Number.NaN)).toEqual({ unit: "few" });
  });

  it("rounds seconds to steps of five", () => {
    expect(roundEta(10)).toEqual({ unit: "seconds", value: 10 });
    expect(roundEta(18.4)).toEqual({ unit: "seconds", value: 20 });
    expect(roundEta(21)).toEqual({ unit: "seconds", value: 20 });
    expect(roundEta(56)).toEqual({ unit: "seconds", value: 55 });
    expect(roundEta(58)).toEqual({ unit: "minutes", value: 1 });
  });

  it("rounds minutes, and hours beyond the hour", () => {
    expect(roundEta(89)).toEqual({ unit: "minutes", value: 1 });
    expect(roundEta(91)).toEqual({ unit: "minutes", value: 2 });
    expect(roundEta(9 * 60 + 20)).toEqual({ unit: "minutes", value: 9 });
    expect(roundEta(12 * 60)).toEqual({ unit: "minutes", value: 10 });
    expect(roundEta(13 * 60)).toEqual({ unit: "minutes", value: 15 });
    expect(roundEta(57 * 60)).toEqual({ unit: "minutes", value: 55 });
    expect(roundEta(58 * 60)).toEqual({ unit: "hours", value: 1 });
    expect(roundEta(2.6 * 3600)).toEqual({ unit: "hours", value: 3 });
  });
});
