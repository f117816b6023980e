// Timings the end-to-end benchmarks read from the page.

export interface VitrinaMetrics {
  /** Milliseconds from a colour-change input to the new image decoded and painted. */
  colorSwitch: number[];
}

declare global {
  interface Window {
    __vitrinaMetrics?: VitrinaMetrics;
  }
}

type Host = { __vitrinaMetrics?: VitrinaMetrics };

/** The metrics object, created on first use. */
export function metrics(host: Host = globalThis as Host): VitrinaMetrics {
  const m = host.__vitrinaMetrics;
  if (m && Array.isArray(m.colorSwitch)) return m;
  const created: VitrinaMetrics = { ...(m ?? {}), colorSwitch: [] };
  host.__vitrinaMetrics = created;
  return created;
}

export function recordColorSwitch(ms: number, host?: Host): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  metrics(host).colorSwitch.push(ms);
}
