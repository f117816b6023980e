// Benchmark: how fast the manager's report of a busy store's day shows in the real
// app (WebKit, Tauri, IPC, the central over loopback). Yesterday gets 5,000
// transactions of every channel; each run taps "Today", waits, then taps "Yesterday"
// and measures in the page from the tap to the day's figures rendered and painted
// (the next animation frame). The baseline, in the same page and run: one IPC round
// trip to the app (`manager_session`) and a frame, the floor of any screen update.
// Run with `make bench-e2e`; the figures go to BENCHMARKS.md.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { App, Central, outputDir } from "./harness.mjs";

const STORE = "CL-SCL-01";
const TZ = "America/Santiago";
const TRANSACTIONS = 5_000;
const RUNS = Number(process.env.VITRINA_BENCH_ROUNDS ?? 20);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The store's calendar date `days` before today, "YYYY-MM-DD". */
function localDate(days) {
  const at = new Date(Date.now() - days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** The UTC instant `seconds` after midnight of `date` in Santiago (UTC−3 or −4). */
function santiago(date, seconds) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: TZ,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    hourCycle: "h23",
  });
  for (const offset of [3, 4]) {
    const at = new Date(Date.parse(`${date}T00:00:00Z`) + (seconds + offset * 3600) * 1000);
    const part = (type) => format.formatToParts(at).find((p) => p.type === type).value;
    if (`${part("year")}-${part("month")}-${part("day")}` === date && Number(part("hour")) === Math.floor(seconds / 3600)) {
      return at.toISOString().replace(/\.\d+Z$/, "Z");
    }
  }
  throw new Error(`no ${seconds} s on ${date} in ${TZ}`);
}

const central = await Central.start();
const app = await App.launch("bench-report");
try {
  const yesterday = localDate(1);
  const skus = central.query(
    "SELECT v.sku, json_extract(p.record, '$.prices') FROM variant v JOIN product p ON p.id = v.product_id LIMIT 400",
  ).map(([sku, prices]) => [sku, JSON.parse(prices).find((x) => x.currency === "CLP").minor]);
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const transactions = [];
  for (let i = 0; i < TRANSACTIONS; i += 1) {
    const [sku, price] = skus[next(skus.length)];
    const roll = next(100);
    const [channel, kind] =
      roll < 60 ? ["pos", "sale"] : roll < 80 ? ["ecommerce", "order"] : roll < 92 ? ["app", "order"] : roll < 96 ? ["social", "order"] : ["pos", "return"];
    transactions.push({
      transaction_id: `BENCH-${yesterday}-${i}`,
      channel,
      kind,
      occurred_at: santiago(yesterday, 10 * 3600 + next(11 * 3600)),
      sold_at_store: channel === "pos" ? STORE : null,
      pickup_store: channel === "pos" ? null : STORE,
      currency: "CLP",
      lines: [{ sku, quantity: 1 + next(2), unit_minor: price }],
    });
  }
  for (let i = 0; i < transactions.length; i += 1000) {
    const answer = await central.postTransactions(transactions.slice(i, i + 1000), "import");
    const refused = answer.results.filter((r) => !r.accepted);
    if (refused.length) throw new Error(`refused: ${JSON.stringify(refused.slice(0, 3))}`);
  }

  await app.enrollAndSync(central, STORE);
  await app.click("nav-manager");
  await app.el("pin-pad");
  for (const digit of central.pin(STORE, "manager")) await app.click(`pin-key-${digit}`);
  await app.click("pin-ok");
  await app.el("store-report", 30_000);

  // One run: tap a preset and resolve with the time until its figures are painted.
  const tap = async (testId, from) =>
    app.driver.executeAsyncScript(
      `const [testId, from, done] = arguments;
       const report = () => document.querySelector('[data-testid="store-report"]');
       const shown = () => {
         const r = report();
         return r && r.dataset.from === from && r.dataset.loading === "false" && document.querySelector('[data-testid="report-chart"]');
       };
       const started = performance.now();
       document.querySelector('[data-testid="' + testId + '"]').click();
       const poll = () => {
         if (shown()) requestAnimationFrame(() => done(performance.now() - started));
         else if (performance.now() - started > 20000) done(-1);
         else setTimeout(poll, 1);
       };
       poll();`,
      testId,
      from,
    );
  const ipc = () =>
    app.driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       const started = performance.now();
       window.__TAURI_INTERNALS__.invoke("manager_session").then(() => requestAnimationFrame(() => done(performance.now() - started)));`,
    );

  const today = localDate(0);
  for (let i = 0; i < 3; i += 1) {
    await tap("report-range-today", today);
    await tap("report-range-yesterday", yesterday);
  }
  const app_ms = [];
  const base_ms = [];
  for (let i = 0; i < RUNS; i += 1) {
    await tap("report-range-today", today);
    const ms = await tap("report-range-yesterday", yesterday);
    if (ms < 0) throw new Error("the report did not show");
    app_ms.push(ms);
    base_ms.push(await ipc());
  }
  const counted = Number(await app.attr("report-net", "data-minor"));
  const [[expected]] = central.query(
    `SELECT SUM(CASE WHEN kind IN ('sale', 'order') THEN amount_minor ELSE -amount_minor END) FROM ledger_entry
      WHERE store_id = ? AND occurred_at >= ? AND occurred_at < ?`,
    [STORE, santiago(yesterday, 0), santiago(today, 0)],
  );
  if (counted !== expected) throw new Error(`the report shows ${counted}, the ledger says ${expected}`);
  app.screenshot("busy-day");

  const line = (name, values) =>
    `  ${name.padEnd(34)} ${percentile(values, 50).toFixed(1).padStart(7)} ${percentile(values, 95).toFixed(1).padStart(8)}`;
  const report = [
    `store report in the app, a day of ${STORE} with ${TRANSACTIONS} transactions (and the demo's own); ${RUNS} taps`,
    `                                      p50 ms   p95 ms`,
    line("IPC round trip + frame (baseline)", base_ms),
    line("tap Yesterday → report painted", app_ms),
    `  ratio p95 (report / baseline)      ${(percentile(app_ms, 95) / percentile(base_ms, 95)).toFixed(1).padStart(7)}`,
    `  target: under 300 ms at p95: ${percentile(app_ms, 95) < 300 ? "met" : "NOT MET"}`,
  ].join("\n");
  console.log(report);
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(path.join(outputDir, "bench-report.txt"), `${report}\n`);
} finally {
  await app.quit();
  await central.dispose();
}
