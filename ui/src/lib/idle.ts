// Calls back once nobody has touched the screen for a while. The clock is
// injectable so tests can move time by hand.

export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const CUSTOMER_IDLE_MS = 60_000;

/**
 * `activity()` is cheap (it only notes the time), so it can be called on
 * every pointer move. After `timeoutMs` without activity `onIdle` runs once;
 * the next activity arms it again.
 */
export class IdleTimer {
  private last = 0;
  private handle: unknown = null;
  private running = false;
  private fired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly clock: IdleClock = realClock,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.fired = false;
    this.last = this.clock.now();
    this.schedule(this.timeoutMs);
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Somebody touched the screen. */
  activity(): void {
    if (!this.running) return;
    this.last = this.clock.now();
    if (this.fired) {
      this.fired = false;
      this.schedule(this.timeoutMs);
    }
  }

  /** Milliseconds left before `onIdle` (0 once it has run). */
  remaining(): number {
    if (!this.running || this.fired) return 0;
    return Math.max(0, this.last + this.timeoutMs - this.clock.now());
  }

  private schedule(ms: number): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = this.clock.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.handle = null;
    if (!this.running) return;
    const left = this.last + this.timeoutMs - this.clock.now();
    if (left > 0) {
      // There was activity meanwhile: wait for the rest.
      this.schedule(left);
      return;
    }
    this.fired = true;
    this.onIdle();
  }
}
