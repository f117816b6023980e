import { describe, expect, it } from "vitest";
import { IdleTimer, type IdleClock } from "./idle";

/** A clock whose time only moves when the test says so. */
class FakeClock implements IdleClock {
  time = 1_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

function setup(timeout = 60_000) {
  const clock = new FakeClock();
  let fired = 0;
  const timer = new IdleTimer(timeout, () => fired++, clock);
  return { clock, timer, fired: () => fired };
}

describe("IdleTimer", () => {
  it("fires after the timeout without activity", () => {
    const { clock, timer, fired } = setup();
    timer.start();
    clock.advance(59_999);
    expect(fired()).toBe(0);
    clock.advance(1);
    expect(fired()).toBe(1);
  });

  it("waits the whole timeout again after each activity", () => {
    const { clock, timer, fired } = setup();
    timer.start();
    clock.advance(50_000);
    timer.activity();
    clock.advance(50_000);
    expect(fired()).toBe(0);
    expect(timer.remaining()).toBe(10_000);
    clock.advance(10_000);
    expect(fired()).toBe(1);
  });

  it("fires once per idle spell and arms again on the next activity", () => {
    const { clock, timer, fired } = setup();
    timer.start();
    clock.advance(180_000);
    expect(fired()).toBe(1);
    expect(timer.remaining()).toBe(0);
    timer.activity();
    clock.advance(60_000);
    expect(fired()).toBe(2);
  });

  it("keeps a single timer however many moves it sees", () => {
    const { clock, timer } = setup();
    timer.start();
    for (let i = 0; i < 500; i++) {
      clock.advance(10);
      timer.activity();
    }
    expect(clock.pending).toBe(1);
  });

  it("does nothing once stopped", () => {
    const { clock, timer, fired } = setup();
    timer.start();
    clock.advance(30_000);
    timer.stop();
    clock.advance(120_000);
    timer.activity();
    clock.advance(120_000);
    expect(fired()).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it("ignores activity before it starts", () => {
    const { clock, timer, fired } = setup(1_000);
    timer.activity();
    clock.advance(5_000);
    expect(fired()).toBe(0);
    timer.start();
    clock.advance(1_000);
    expect(fired()).toBe(1);
  });
});
