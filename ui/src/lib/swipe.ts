// Horizontal swipes on the customer screen's image, from pointer events
// (touch, pen, or a mouse drag). Pure: the caller passes coordinates and
// timestamps.

export type SwipeResult = "next" | "prev" | null;
export type Axis = "x" | "y" | null;

export interface SwipeOptions {
  /** A move this long (px) counts whatever its speed. */
  distance: number;
  /** A flick this fast (px/ms)… */
  velocity: number;
  /** …counts once it is at least this long (px). */
  minFlick: number;
  /** Movement (px) before the gesture is given an axis. */
  slop: number;
  /** Only the movement of the last this-many ms counts for the speed. */
  velocityWindow: number;
}

export const SWIPE_DEFAULTS: SwipeOptions = {
  distance: 80,
  velocity: 0.45,
  minFlick: 24,
  slop: 10,
  velocityWindow: 100,
};

/** A swipe to the left shows the next colour, to the right the previous one. */
export function classifySwipe(
  move: { dx: number; dy: number; velocityX: number },
  options: SwipeOptions = SWIPE_DEFAULTS,
): SwipeResult {
  const { dx, dy, velocityX } = move;
  const ax = Math.abs(dx);
  // Mostly vertical: that is scrolling, not a swipe.
  if (ax <= Math.abs(dy)) return null;
  const far = ax >= options.distance;
  // A flick counts only when it goes the same way as the whole move.
  const flick = ax >= options.minFlick && Math.abs(velocityX) >= options.velocity && Math.sign(velocityX) === Math.sign(dx);
  if (!far && !flick) return null;
  return dx < 0 ? "next" : "prev";
}

/** The axis a gesture locks to once it has moved past the slop, or null before. */
export function lockAxis(dx: number, dy: number, slop: number = SWIPE_DEFAULTS.slop): Axis {
  if (Math.hypot(dx, dy) < slop) return null;
  return Math.abs(dx) > Math.abs(dy) ? "x" : "y";
}

interface Sample {
  x: number;
  y: number;
  t: number;
}

/** Follows one pointer from down to up. */
export class SwipeTracker {
  private samples: Sample[] = [];
  private start: Sample | null = null;
  private locked: Axis = null;

  constructor(private readonly options: SwipeOptions = SWIPE_DEFAULTS) {}

  get active(): boolean {
    return this.start !== null;
  }

  /** "x" once the gesture is a horizontal drag, "y" when it is a vertical one. */
  get axis(): Axis {
    return this.locked;
  }

  /** Horizontal distance from the start (0 when idle). */
  get dx(): number {
    const last = this.samples[this.samples.length - 1];
    return this.start && last ? last.x - this.start.x : 0;
  }

  begin(x: number, y: number, t: number): void {
    this.start = { x, y, t };
    this.samples = [{ x, y, t }];
    this.locked = null;
  }

  move(x: number, y: number, t: number): void {
    if (!this.start) return;
    this.samples.push({ x, y, t });
    // Only recent samples matter for the speed.
    const keepFrom = t - this.options.velocityWindow * 2;
    while (this.samples.length > 2 && this.samples[0].t < keepFrom) this.samples.shift();
    if (this.locked === null) this.locked = lockAxis(x - this.start.x, y - this.start.y, this.options.slop);
  }

  /** Ends the gesture and says what it was. */
  end(x: number, y: number, t: number): SwipeResult {
    if (!this.start) return null;
    this.move(x, y, t);
    const start = this.start;
    const result = this.locked === "y" ? null : classifySwipe({ dx: x - start.x, dy: y - start.y, velocityX: this.velocityX(t) }, this.options);
    this.cancel();
    return result;
  }

  cancel(): void {
    this.start = null;
    this.samples = [];
    this.locked = null;
  }

  /** px/ms over the last `velocityWindow` ms. */
  private velocityX(now: number): number {
    const from = now - this.options.velocityWindow;
    const recent = this.samples.filter((s) => s.t >= from);
    const first = recent[0] ?? this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last) return 0;
    const dt = last.t - first.t;
    if (dt <= 0) return 0;
    return (last.x - first.x) / dt;
  }
}
