// Time left of the first download, from the pace of the last few progress
// events (pure: the caller gives the instant of each event).

export interface EtaSample {
  done: number;
  total: number;
  /** When the event arrived, in milliseconds on any steady clock. */
  atMs: number;
}

/** Progress events the pace is averaged over. */
export const ETA_WINDOW = 6;

/**
 * Keeps the last few progress events and estimates the seconds left from the
 * average pace over them (items gained over the time they took, so a slow or
 * a quick event alone does not swing the estimate).
 */
export class EtaEstimator {
  private samples: EtaSample[] = [];

  constructor(private readonly window: number = ETA_WINDOW) {}

  /** Records a progress event. A new total or a step back starts over. */
  push(done: number, total: number, atMs: number): void {
    if (!Number.isFinite(done) || !Number.isFinite(total) || !Number.isFinite(atMs)) return;
    const last = this.samples[this.samples.length - 1];
    if (last && (total !== last.total || done < last.done || atMs < last.atMs)) this.samples = [];
    else if (last && atMs === last.atMs) this.samples.pop();
    this.samples.push({ done, total, atMs });
    if (this.samples.length > Math.max(2, this.window)) this.samples.shift();
  }

  reset(): void {
    this.samples = [];
  }

  /**
   * Seconds left, or null while it cannot be told: fewer than two events,
   * no progress over the window, or nothing left.
   */
  secondsLeft(): number | null {
    if (this.samples.length < 2) return null;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const elapsedMs = last.atMs - first.atMs;
    const gained = last.done - first.done;
    const left = last.total - last.done;
    if (elapsedMs <= 0 || gained <= 0 || left <= 0) return null;
    return (left * elapsedMs) / gained / 1000;
  }
}

export type RoundedEta =
  | { unit: "few" }
  | { unit: "seconds"; value: number }
  | { unit: "minutes"; value: number }
  | { unit: "hours"; value: number };

/**
 * An estimate as a person would say it: "a few seconds" under 10 s, then
 * steps of 5 s, whole minutes under 10 min, steps of 5 min under an hour,
 * and whole hours beyond.
 */
export function roundEta(seconds: number): RoundedEta {
  if (!(seconds >= 10)) return { unit: "few" };
  if (seconds < 60) {
    const s = Math.round(seconds / 5) * 5;
    if (s < 60) return { unit: "seconds", value: s };
  }
  const minutes = seconds / 60;
  if (minutes < 10) return { unit: "minutes", value: Math.max(1, Math.round(minutes)) };
  const m = Math.round(minutes / 5) * 5;
  if (m < 60) return { unit: "minutes", value: m };
  return { unit: "hours", value: Math.max(1, Math.round(seconds / 3600)) };
}
