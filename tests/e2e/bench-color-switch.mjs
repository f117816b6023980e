// Benchmark: how fast customer mode shows the next colour's picture in the real app
// (WebKit, Tauri, the vimg scheme), on a warm cache. The app measures each switch
// itself, from the tap's handler to the new picture decoded and painted
// (window.__vitrinaMetrics.colorSwitch). The baseline, measured in the same page and
// run: a bare <img> decoding the same pictures from the same scheme, with no app
// logic around it. Run with `make bench-e2e`; the figures go to BENCHMARKS.md.

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { App, Central, outputDir } from "./harness.mjs";

const STORE = "CL-SCL-01";
const ROUNDS = Number(process.env.VITRINA_BENCH_ROUNDS ?? 8);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const central = await Central.start();
const app = await App.launch("bench-color-switch");
try {
  const [[styleCode, colorCount, record]] = central.query(
    `SELECT style_code, json_array_length(json_extract(record, '$.colors')) AS n, record FROM product
      ORDER BY n DESC, id LIMIT 1`,
  );
  // The same addresses the app shows, through the same scheme (Linux's form of it).
  const urls = JSON.parse(record).colors.map((c) => `vimg://localhost/${c.image.full}`);
  await app.enrollAndSync(central, STORE);
  const [[images]] = central.query("SELECT COUNT(*) FROM image");
  const dir = path.join(app.dataDir, "images");
  await app.waitFor(async () => readdirSync(dir).length >= images, 120_000, "pictures cached");
  await app.openFirstResult(styleCode);
  await app.click("enter-customer-mode");
  await app.el("customer-mode");

  // Warm-up: one pass over every colour, then forget its figures.
  const swatches = await app.all("cm-swatch");
  for (const swatch of swatches) {
    await swatch.click();
    await app.waitFor(async () => (await app.attr("cm-image", "data-ready")) === "true", 10_000, "warm-up");
  }
  await app.driver.executeScript("window.__vitrinaMetrics.colorSwitch.length = 0;");

  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < swatches.length; i += 1) {
      const swatch = swatches[(i + 1) % swatches.length];
      const color = await swatch.getAttribute("data-color");
      await swatch.click();
      await app.waitFor(
        async () =>
          (await app.attr("cm-image", "data-color")) === color && (await app.attr("cm-image", "data-ready")) === "true",
        10_000,
        `switch to ${color}`,
      );
    }
  }
  const app_ms = await app.driver.executeScript("return window.__vitrinaMetrics.colorSwitch.slice();");

  // Baseline: the same pictures, decoded by a bare <img> and painted, in the same page.
  const baseline_ms = await app.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const rounds = arguments[0];
     const urls = arguments[1];
     const holder = document.createElement('div');
     holder.style.cssText = 'position:fixed;left:0;top:0;width:600px;height:800px;opacity:0.01;pointer-events:none';
     document.body.appendChild(holder);
     const times = [];
     (async () => {
       for (let r = 0; r < rounds; r += 1) {
         for (const url of urls) {
           const start = performance.now();
           const img = new Image();
           img.style.cssText = 'width:100%;height:100%;object-fit:contain';
           img.src = url;
           await img.decode();
           holder.replaceChildren(img);
           await new Promise((r) => requestAnimationFrame(() => r()));
           times.push(performance.now() - start);
         }
       }
       holder.remove();
       done(times);
     })().catch((e) => done(String(e)));`,
    ROUNDS,
    urls,
  );
  if (!Array.isArray(baseline_ms)) throw new Error(`baseline failed: ${baseline_ms}`);

  const summary = {
    product: styleCode,
    colors: colorCount,
    switches: app_ms.length,
    app: { p50: percentile(app_ms, 50), p95: percentile(app_ms, 95), max: Math.max(...app_ms) },
    baseline: { p50: percentile(baseline_ms, 50), p95: percentile(baseline_ms, 95), max: Math.max(...baseline_ms) },
  };
  summary.ratio_p95 = summary.app.p95 / summary.baseline.p95;
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(path.join(outputDir, "bench-color-switch.json"), JSON.stringify({ summary, app_ms, baseline_ms }, null, 2));
  const fmt = (x) => x.toFixed(1);
  console.log(`colour switch in customer mode (${summary.switches} switches, ${colorCount} colours of ${styleCode}):`);
  console.log(`  app:      p50 ${fmt(summary.app.p50)} ms  p95 ${fmt(summary.app.p95)} ms  max ${fmt(summary.app.max)} ms`);
  console.log(`  baseline: p50 ${fmt(summary.baseline.p50)} ms  p95 ${fmt(summary.baseline.p95)} ms (bare <img> decode + paint)`);
  console.log(`  ratio p95 app/baseline: ${summary.ratio_p95.toFixed(2)}  (target: app p95 under 100 ms)`);
} finally {
  await app.quit();
  await central.dispose();
}
