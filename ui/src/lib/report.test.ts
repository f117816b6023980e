import { describe, expect, it } from "vitest";
import type { HourTotals } from "./bindings";
import {
  chartHours,
  channelOrder,
  dayShares,
  hourLabel,
  MAX_REPORT_DAYS,
  niceScale,
  niceStep,
  presetOf,
  presetRange,
  rangeDays,
  rangeIssue,
  stackHour,
  stackScale,
  valueToY,
} from "./report";

const SANTIAGO = "America/Santiago";

describe("range presets in the store's calendar", () => {
  // Monday 23 November 2026, 15:00 in Santiago (UTC−3 in summer).
  const monday = Date.parse("2026-11-23T18:00:00Z");

  it("gives today, yesterday and the last 7 days", () => {
    expect(presetRange("today", monday, SANTIAGO)).toEqual({ from: "2026-11-23", to: "2026-11-23" });
    expect(presetRange("yesterday", monday, SANTIAGO)).toEqual({ from: "2026-11-22", to: "2026-11-22" });
    expect(presetRange("week", monday, SANTIAGO)).toEqual({ from: "2026-11-17", to: "2026-11-23" });
    expect(rangeDays(presetRange("week", monday, SANTIAGO))).toBe(7);
  });

  it("follows the store's clock, not UTC", () => {
    // 22:30 in Santiago is already the 24th in UTC.
    const late = Date.parse("2026-11-24T01:30:00Z");
    expect(presetRange("today", late, SANTIAGO)).toEqual({ from: "2026-11-23", to: "2026-11-23" });
    expect(presetRange("today", late, "UTC")).toEqual({ from: "2026-11-24", to: "2026-11-24" });
    // 19:30 in Mexico City (UTC−6) on the 23rd.
    expect(presetRange("yesterday", late, "America/Mexico_City")).toEqual({ from: "2026-11-22", to: "2026-11-22" });
    // Bogotá, UTC−5 all year.
    expect(presetRange("today", Date.parse("2026-11-24T04:59:00Z"), "America/Bogota").from).toBe("2026-11-23");
    expect(presetRange("today", Date.parse("2026-11-24T05:00:00Z"), "America/Bogota").from).toBe("2026-11-24");
  });

  it("counts calendar days across the spring-forward change", () => {
    // Chile skips from 00:00 to 01:00 on Sunday 6 September 2026. At 00:30 on
    // Monday the 7th (03:30 UTC) the day before is Sunday the 6th, although
    // 24 hours earlier it was still Saturday 23:30.
    const mondayEarly = Date.parse("2026-09-07T03:30:00Z");
    expect(presetRange("today", mondayEarly, SANTIAGO)).toEqual({ from: "2026-09-07", to: "2026-09-07" });
    expect(presetRange("yesterday", mondayEarly, SANTIAGO)).toEqual({ from: "2026-09-06", to: "2026-09-06" });
    expect(presetRange("week", mondayEarly, SANTIAGO)).toEqual({ from: "2026-09-01", to: "2026-09-07" });
    // On the short day itself, just after the jump.
    const sundayAfterJump = Date.parse("2026-09-06T04:10:00Z");
    expect(presetRange("today", sundayAfterJump, SANTIAGO).from).toBe("2026-09-06");
    expect(presetRange("yesterday", sundayAfterJump, SANTIAGO).from).toBe("2026-09-05");
  });

  it("counts calendar days across the fall-back change", () => {
    // Chile goes back from 00:00 to 23:00 on Saturday 4 April 2026: 23:30 on
    // the 4th happens twice. The second one (03:30 UTC on the 5th) is still the 4th.
    expect(presetRange("today", Date.parse("2026-04-05T03:30:00Z"), SANTIAGO).from).toBe("2026-04-04");
    expect(presetRange("today", Date.parse("2026-04-05T02:30:00Z"), SANTIAGO).from).toBe("2026-04-04");
    expect(presetRange("today", Date.parse("2026-04-05T04:30:00Z"), SANTIAGO).from).toBe("2026-04-05");
    expect(presetRange("yesterday", Date.parse("2026-04-05T04:30:00Z"), SANTIAGO).from).toBe("2026-04-04");
  });

  it("crosses months and years", () => {
    const newYear = Date.parse("2027-01-01T12:00:00Z");
    expect(presetRange("yesterday", newYear, SANTIAGO)).toEqual({ from: "2026-12-31", to: "2026-12-31" });
    expect(presetRange("week", newYear, SANTIAGO)).toEqual({ from: "2026-12-26", to: "2027-01-01" });
    expect(presetRange("week", Date.parse("2028-03-02T15:00:00Z"), SANTIAGO).from).toBe("2028-02-25");
  });

  it("knows which preset a range is", () => {
    const monday = Date.parse("2026-11-23T18:00:00Z");
    expect(presetOf({ from: "2026-11-23", to: "2026-11-23" }, monday, SANTIAGO)).toBe("today");
    expect(presetOf({ from: "2026-11-22", to: "2026-11-22" }, monday, SANTIAGO)).toBe("yesterday");
    expect(presetOf({ from: "2026-11-17", to: "2026-11-23" }, monday, SANTIAGO)).toBe("week");
    expect(presetOf({ from: "2026-11-01", to: "2026-11-23" }, monday, SANTIAGO)).toBeNull();
  });
});

describe("custom ranges", () => {
  const today = "2026-11-23";

  it("takes a range of real dates in order, up to 366 days, not starting in the future", () => {
    expect(rangeIssue({ from: "2026-11-01", to: "2026-11-23" }, today)).toBeNull();
    expect(rangeIssue({ from: "2026-11-23", to: "2026-11-23" }, today)).toBeNull();
    expect(rangeIssue({ from: "", to: "2026-11-23" }, today)).toBe("report_range_missing");
    expect(rangeIssue({ from: "2026-02-30", to: "2026-11-23" }, today)).toBe("report_range_missing");
    expect(rangeIssue({ from: "2026-11-20", to: "2026-11-19" }, today)).toBe("report_range_order");
    expect(rangeIssue({ from: "2026-11-24", to: "2026-11-25" }, today)).toBe("report_range_future");
  });

  it("allows 366 days, both ends counted, and no more", () => {
    expect(MAX_REPORT_DAYS).toBe(366);
    expect(rangeDays({ from: "2025-11-23", to: "2026-11-23" })).toBe(366);
    expect(rangeIssue({ from: "2025-11-23", to: "2026-11-23" }, today)).toBeNull();
    expect(rangeIssue({ from: "2025-11-22", to: "2026-11-23" }, today)).toBe("report_range_long");
  });
});

function hour(h: number, channels: [string, number][], transactions = channels.length): HourTotals {
  return {
    hour: h,
    transactions,
    net_minor: channels.reduce((a, [, n]) => a + n, 0),
    channels: channels.map(([channel, net_minor]) => ({ channel, net_minor })),
  };
}

const EMPTY_DAY: HourTotals[] = Array.from({ length: 24 }, (_, h) => hour(h, [], 0));

describe("the hours the chart shows", () => {
  it("shows the opening hours 08–22 when nothing happened", () => {
    expect(chartHours(EMPTY_DAY)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });

  it("widens to any hour with activity, keeping the hours between", () => {
    const day = EMPTY_DAY.map((h) => (h.hour === 6 ? hour(6, [["ecommerce", 5000]]) : h.hour === 23 ? hour(23, [["app", 100]]) : h));
    expect(chartHours(day)).toEqual(Array.from({ length: 18 }, (_, i) => 6 + i));
  });

  it("counts an hour whose sales and returns cancel out as active", () => {
    const day = EMPTY_DAY.map((h) => (h.hour === 2 ? hour(2, [["pos", 0]], 2) : h));
    expect(chartHours(day)[0]).toBe(2);
  });

  it("labels hours on the 24-hour clock", () => {
    expect(hourLabel(8)).toBe("08:00");
    expect(hourLabel(21)).toBe("21:00");
  });
});

describe("stacking an hour by channel", () => {
  const order = ["pos", "endless_aisle", "ecommerce", "app", "social"];

  it("stacks positive nets upward in channel order", () => {
    expect(stackHour([{ channel: "ecommerce", net_minor: 300 }, { channel: "pos", net_minor: 1000 }], order)).toEqual([
      { channel: "pos", from: 0, to: 1000 },
      { channel: "ecommerce", from: 1000, to: 1300 },
    ]);
  });

  it("stacks negative nets downward from zero and leaves zero nets out", () => {
    expect(
      stackHour(
        [
          { channel: "pos", net_minor: 500 },
          { channel: "endless_aisle", net_minor: 0 },
          { channel: "ecommerce", net_minor: -200 },
          { channel: "app", net_minor: 100 },
          { channel: "social", net_minor: -50 },
        ],
        order,
      ),
    ).toEqual([
      { channel: "pos", from: 0, to: 500 },
      { channel: "ecommerce", from: -200, to: 0 },
      { channel: "app", from: 500, to: 600 },
      { channel: "social", from: -250, to: -200 },
    ]);
  });

  it("puts a channel the order does not know last", () => {
    const s = stackHour([{ channel: "kiosk", net_minor: 10 }, { channel: "social", net_minor: 20 }], order);
    expect(s.map((x) => x.channel)).toEqual(["social", "kiosk"]);
  });

  it("takes the report's channel order, with any channel only an hour names", () => {
    const report = {
      channels: [{ channel: "pos" }, { channel: "ecommerce" }] as never[],
      hours: [hour(10, [["pos", 1], ["kiosk", 2]])],
    };
    expect(channelOrder(report)).toEqual(["pos", "ecommerce", "kiosk"]);
  });
});

describe("the value axis", () => {
  it("picks round steps", () => {
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(1000, 4)).toBe(250);
    expect(niceStep(870_000, 4)).toBe(250_000);
    expect(niceStep(90, 4)).toBe(25);
    expect(niceStep(3, 4)).toBe(1);
    expect(niceStep(0, 4)).toBe(1);
  });

  it("always goes through zero and covers the values", () => {
    const s = niceScale(0, 870_000);
    expect(s).toEqual({ min: 0, max: 1_000_000, step: 250_000, ticks: [0, 250_000, 500_000, 750_000, 1_000_000] });
    const mixed = niceScale(-120_000, 430_000);
    expect(mixed.min).toBeLessThanOrEqual(-120_000);
    expect(mixed.max).toBeGreaterThanOrEqual(430_000);
    expect(mixed.ticks).toContain(0);
    expect(niceScale(0, 0)).toEqual({ min: 0, max: 1, step: 1, ticks: [0, 1] });
  });

  it("scales stacked bars by their highest top and lowest bottom", () => {
    const s = stackScale([
      [
        { channel: "pos", from: 0, to: 600 },
        { channel: "ecommerce", from: -250, to: 0 },
      ],
      [{ channel: "pos", from: 0, to: 900 }],
    ]);
    expect(s.min).toBeLessThanOrEqual(-250);
    expect(s.max).toBeGreaterThanOrEqual(900);
    expect(s.ticks).toContain(0);
  });

  it("maps values to pixels from the top", () => {
    const scale = { min: -100, max: 300 };
    expect(valueToY(300, scale, 10, 400)).toBe(10);
    expect(valueToY(-100, scale, 10, 400)).toBe(410);
    expect(valueToY(0, scale, 10, 400)).toBe(310);
  });
});

describe("the per-day bars", () => {
  it("are shares of the largest net by size", () => {
    expect(
      dayShares([
        { date: "2026-11-21", transactions: 3, net_minor: 50 },
        { date: "2026-11-22", transactions: 9, net_minor: 200 },
        { date: "2026-11-23", transactions: 1, net_minor: -100 },
      ]),
    ).toEqual([0.25, 1, 0.5]);
    expect(dayShares([{ date: "2026-11-23", transactions: 0, net_minor: 0 }])).toEqual([0]);
  });
});
