// A coarse reactive clock for "as of" ages and staleness.
const clock = $state({ now: Date.now() });

if (typeof window !== "undefined") {
  window.setInterval(() => {
    clock.now = Date.now();
  }, 20_000);
}

export function now(): number {
  return clock.now;
}
