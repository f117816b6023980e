// End to end: one customer across channels, and the manager's screens.
//
// 1. A customer of the store orders online and returns something at the till (both
//    sent by those channels' systems to the central) and has an appointment booked
//    on the tablet: the customer view shows all three, newest first, with their
//    channels.
// 2. An associate records a sale lost ("couldn't offer it") on a product; an
//    associate's PIN does not open the Manager tab, a manager's does: the day's
//    report from every channel, its CSV, the lost demand, and a safety-stock change
//    the central confirms.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { App, By, Central } from "./harness.mjs";

const STORE = "CL-SCL-01";

/** Calls a command the way the screens do; answers its value or `{ error }`. */
/** The activity rows of the customer view as "kind/channel". */
async function activity(app) {
  const rows = await app.all("activity-row");
  return Promise.all(rows.map(async (r) => `${await r.getAttribute("data-kind")}/${await r.getAttribute("data-channel")}`));
}

test("a customer's online order, return at the till and appointment show in one customer view", async () => {
  const central = await Central.start();
  const app = await App.launch("commerce-customer");
  try {
    await app.enrollAndSync(central, STORE);
    const [[customerId, name, phone]] = central.query(
      "SELECT id, name, phone FROM customer WHERE store_id = ? ORDER BY id LIMIT 1",
      [STORE],
    );
    const [[sku]] = central.query("SELECT sku FROM variant ORDER BY sku LIMIT 1");
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
    const web = await central.postTransactions(
      [
        {
          transaction_id: "WEB-E2E-1",
          channel: "ecommerce",
          kind: "order",
          occurred_at: iso(now - 3 * 86_400_000),
          customer: { phone },
          currency: "CLP",
          lines: [{ sku, quantity: 2, unit_minor: 24_990 }],
        },
      ],
      "ecommerce",
    );
    assert.equal(web.results[0].customer_id, customerId, "the web order is matched to the customer by phone");
    const back = await central.postTransactions(
      [
        {
          transaction_id: "POS-E2E-R1",
          channel: "pos",
          kind: "return",
          occurred_at: iso(now - 86_400_000),
          sold_at_store: STORE,
          customer: { id: customerId },
          currency: "CLP",
          lines: [{ sku, quantity: 1, unit_minor: 24_990 }],
        },
      ],
      "pos",
    );
    assert.equal(back.results[0].accepted, true);

    // An appointment booked on this tablet for the customer, in two days.
    const day = new Date(now + 2 * 86_400_000).toISOString().slice(0, 10);
    const slots = await app.invoke("appointment_slots", { service_id: "SRV-IMAGEN", date: day });
    assert.ok(Array.isArray(slots) && slots.length > 0, `free slots on ${day}: ${JSON.stringify(slots)}`);
    const booked = await app.invoke("book_appointment", {
      customer_id: customerId,
      service_id: "SRV-IMAGEN",
      stylist_id: slots[0].stylist_id,
      start: slots[0].start,
      items: [],
    });
    assert.ok(!booked.error, JSON.stringify(booked));

    await app.click("nav-customers");
    await app.type("customer-search", name.split(" ")[0]);
    await app.waitFor(async () => (await app.all("customer-result")).length > 0, 15_000, "search results");
    const results = await app.all("customer-result");
    let opened = false;
    for (const result of results) {
      if ((await result.getText()).includes(name)) {
        await result.click();
        opened = true;
        break;
      }
    }
    assert.ok(opened, `${name} is among the results`);
    await app.el("customer-profile");
    await app.waitFor(
      async () => {
        const seen = await activity(app);
        return seen.includes("order/ecommerce") && seen.includes("return/pos") && seen.includes("appointment/device");
      },
      90_000,
      "the web order, the return and the appointment",
    );
    const seen = await activity(app);
    assert.equal(seen[0], "appointment/device", `newest first: ${seen}`);
    const ltv = await (await app.el("customer-ltv")).getText();
    assert.match(ltv, /\$/, `the lifetime value in pesos: ${ltv}`);
    app.screenshot("customer-view");

    // The cache on disk is encrypted: no customer's name in its bytes, and its key
    // is readable by this user only.
    const files = ["vitrina.db", "vitrina.db-wal"].map((f) => path.join(app.dataDir, f)).filter(existsSync);
    const raw = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(raw.length > 100_000, "the cache holds the synced store");
    assert.equal(raw.indexOf(Buffer.from(name)), -1, `${name} is not readable on disk`);
    assert.equal(raw.indexOf(Buffer.from("SQLite format 3")), -1, "not a plain SQLite file");
    // Without an OS keyring (as under Xvfb here) the key is a file only this user reads.
    const keyFile = path.join(app.dataDir, "cache.key");
    if (existsSync(keyFile)) assert.equal(statSync(keyFile).mode & 0o777, 0o600, "the key is private");
  } finally {
    await app.quit();
    await central.dispose();
  }
});

test("a manager sees the day's report from every channel, exports it, reads lost demand and changes safety stock", async () => {
  const central = await Central.start();
  const app = await App.launch("commerce-manager");
  try {
    await app.enrollAndSync(central, STORE);

    // An associate records a sale lost on a product page.
    await app.openFirstResult("camisa");
    await app.click("lost-demand-open");
    await app.waitFor(async () => (await app.all("lost-demand-reason")).length > 0, 15_000, "the reasons");
    await (await app.driver.findElement(By.css('[data-testid="lost-demand-reason"][data-reason="declined_wait"]'))).click();
    await app.el("lost-demand-done", 15_000);
    app.screenshot("lost-demand-recorded");
    await app.waitFor(
      async () => central.query("SELECT COUNT(*) FROM lost_demand WHERE store_id = ?", [STORE])[0][0] === 1,
      60_000,
      "the central has the lost sale",
    );

    // The Manager tab: an associate's PIN is not a manager's.
    await app.click("nav-manager");
    await app.enterPin(central.pin(STORE, "associate"));
    await app.waitFor(async () => (await app.attr("pin-error", "data-code")) === "invalid", 15_000, "refused");
    app.screenshot("manager-refused");
    await app.click("pin-back").catch(() => {});
    await app.enterPin(central.pin(STORE, "manager"));

    // Today's report, live from the central.
    await app.el("store-report", 30_000);
    await app.click("report-range-today");
    await app.el("report-chart", 30_000);
    const net = await (await app.el("report-net")).getText();
    assert.match(net, /\d/, `a net figure: ${net}`);
    app.screenshot("report-today");
    // Today may have barely begun in the store's time zone; the last 7 days have trade.
    await app.click("report-range-week");
    await app.waitFor(async () => (await app.attrs("report-channel", "data-channel")).length >= 3, 30_000, "a week of channels");
    const channels = await app.attrs("report-channel", "data-channel");
    assert.ok(channels.includes("pos") && channels.includes("ecommerce"), `the till and the web shop: ${channels}`);
    app.screenshot("report-week");
    await app.click("report-export");
    const saved = await (await app.el("report-export-path", 30_000)).getText();
    const file = saved.match(/\/\S+\.csv/)?.[0];
    assert.ok(file && existsSync(file), `the CSV is written: ${saved}`);
    assert.ok(readFileSync(file, "utf8").startsWith(`store,${STORE}\r\n`));
    assert.equal(path.dirname(file), app.exportDir, "in the export folder");

    // Lost demand and safety stock.
    await app.click("manager-tab-lost-demand");
    await app.waitFor(async () => (await app.all("lost-demand-entry")).length === 1, 30_000, "the lost sale is listed");
    await app.driver.sleep(300);
    app.screenshot("lost-demand");
    await app.click("manager-tab-safety");
    await app.el("safety-rules");
    const rule = await app.driver.findElement(By.css('[data-testid="safety-rule"][data-class="bestseller"]'));
    const before = Number(await rule.getAttribute("data-units"));
    await (await rule.findElement(By.css('[data-testid="safety-more"]'))).click();
    await (await rule.findElement(By.css('[data-testid="safety-save"]'))).click();
    await app.waitFor(
      async () =>
        central.query("SELECT units FROM safety_rule WHERE location_id = ? AND product_class = 'bestseller'", [STORE])[0][0] ===
        before + 1,
      60_000,
      "the central keeps one more back",
    );
    await app.waitFor(
      async () => {
        const row = await app.driver.findElement(By.css('[data-testid="safety-rule"][data-class="bestseller"]'));
        return Number(await row.getAttribute("data-units")) === before + 1 && (await row.getAttribute("data-pending")) !== "true";
      },
      60_000,
      "the tablet shows the confirmed rule",
    );
    app.screenshot("safety-stock");

    // A tablet of the store is lost: the manager revokes it from here.
    const lost = await central.enrollAnotherDevice(STORE, "Tablet piso 2");
    await app.click("manager-tab-devices");
    await app.waitFor(async () => (await app.attrs("device", "data-id")).includes(lost), 30_000, "the other tablet is listed");
    const row = await app.driver.findElement(By.css(`[data-testid="device"][data-id="${lost}"]`));
    await (await row.findElement(By.css('[data-testid="device-revoke"]'))).click();
    await (await app.el("device-revoke-confirm")).click();
    await app.waitFor(
      async () => (await app.driver.findElement(By.css(`[data-testid="device"][data-id="${lost}"]`)).getAttribute("data-revoked")) === "true",
      30_000,
      "shown revoked",
    );
    const [[revokedAt]] = central.query("SELECT revoked_at FROM device WHERE id = ?", [lost]);
    assert.ok(revokedAt, "the central revoked it");
    const own = await app.driver.findElement(By.css('[data-testid="device"][data-this="true"]'));
    assert.equal((await own.findElements(By.css('[data-testid="device-revoke"]'))).length, 0, "not the one in hand");
    app.screenshot("devices");

    // Every change was made in the manager's name.
    const [[by]] = central.query(
      "SELECT associate_id FROM audit_log WHERE action = 'safety_rule.changed' AND store_id = ? ORDER BY id DESC LIMIT 1",
      [STORE],
    );
    assert.equal(by, `${STORE}-manager`, "the audit log names the manager");

    // Signing out locks the tablet for the next person.
    await app.click("manager-sign-out");
    await app.screen("sign_in");
    await app.el("pin-pad");
    const refused = await app.invoke("store_report", { from: "2026-01-01", to: "2026-01-01" });
    assert.equal(refused.error?.code, "sign_in_required", "signed out, the command itself refuses");
  } finally {
    await app.quit();
    await central.dispose();
  }
});
