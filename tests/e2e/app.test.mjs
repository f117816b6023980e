// End-to-end tests of the real app (WebKit through tauri-driver) against a real central.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { App, Central, By, freePort, until } from "./harness.mjs";

let central;

before(async () => {
  central = await Central.start();
});

after(async () => {
  await central?.dispose();
});

test("an associate enrolls the tablet, finds a shirt and reads its stock here and at another store", async () => {
  const app = await App.launch("enroll-search-product");
  try {
    await app.screen("enroll");
    app.screenshot("enroll");

    await app.fillEnrollment(central.url, central.code("CL-SCL-01"));
    app.screenshot("enroll-filled");
    await app.click("enroll-submit");

    // Nothing of the store shows until an associate gives their PIN.
    await app.screen("sign_in", 180_000);
    await app.syncState({ phase: "idle", online: true });
    assert.equal((await app.all("search-input")).length, 0, "no search behind the sign-in screen");
    app.screenshot("sign-in");
    await app.signIn(central.pin("CL-SCL-01", "associate"));
    assert.equal(await app.attr("header-associate", "data-associate"), "CL-SCL-01-associate", "the header says who");
    app.screenshot("search-ready");

    await app.type("search-input", "camisa");
    await app.waitFor(async () => (await app.all("search-result")).length > 0, 15_000, "results for camisa");
    const results = await app.all("search-result");
    const firstName = await results[0].getText();
    assert.match(firstName.toLowerCase(), /camisa/, "the first result is a shirt");
    app.screenshot("search-camisa");

    await results[0].click();
    await app.screen("product");
    const title = await (await app.el("product-title")).getText();
    assert.match(title.toLowerCase(), /camisa/);

    const here = await app.el("here-stock");
    const hereAtp = Number(await here.getAttribute("data-atp"));
    assert.ok(Number.isInteger(hereAtp) && hereAtp >= 0, `stock here is shown as a number (${hereAtp})`);

    const cells = await app.all("grid-cell");
    assert.ok(cells.length > 0, "the color × size grid is shown");

    const rows = await app.all("location-row");
    const stores = [];
    for (const row of rows) {
      if ((await row.getAttribute("data-kind")) === "store") stores.push(row);
    }
    assert.ok(stores.length >= 3, "the other stores of the city are listed");
    const otherId = await stores[0].getAttribute("data-location-id");
    assert.notEqual(otherId, "CL-SCL-01", "another store, not this one");
    const otherAtp = Number(await stores[0].getAttribute("data-atp"));
    assert.ok(Number.isInteger(otherAtp) && otherAtp >= 0, "with its stock");
    const otherText = await stores[0].getText();
    assert.match(otherText, /km/, "and its distance");
    app.screenshot("product");
  } finally {
    await app.quit();
  }
});

test("a wrong enrollment code and an unreachable central each get a clear message", async () => {
  const app = await App.launch("enroll-errors");
  try {
    await app.screen("enroll");
    app.screenshot("enroll");

    // The code's error element is replaced on every try: look it up afresh.
    const errorShown = (code) =>
      app.waitFor(
        async () => (await app.attr("enroll-error", "data-code")) === code,
        30_000,
        `the enroll screen shows ${code}`,
      );
    const errorText = async () => (await (await app.el("enroll-error")).getText()).trim();

    await app.fillEnrollment(central.url, "0000-0000");
    await app.click("enroll-submit");
    await errorShown("bad_enrollment_code");
    assert.ok(await app.visible("enroll-error"), "the wrong code's message is visible");
    const badCodeText = await errorText();
    assert.ok(badCodeText.length > 0, "the wrong code's message has text");
    app.screenshot("wrong-code");

    const nobody = await freePort();
    await app.fillEnrollment(`http://127.0.0.1:${nobody}`, central.code("CL-SCL-02"));
    await app.click("enroll-submit");
    await errorShown("central_unreachable");
    assert.ok(await app.visible("enroll-error"), "the unreachable central's message is visible");
    const unreachableText = await errorText();
    assert.ok(unreachableText.length > 0, "the unreachable central's message has text");
    assert.notEqual(unreachableText, badCodeText, "each problem has its own message");
    app.screenshot("central-unreachable");

    await app.fillEnrollment(central.url, central.code("CL-SCL-02"));
    await app.click("enroll-submit");
    await app.screen("sign_in", 180_000);
    assert.equal((await app.all("enroll-error")).length, 0, "no error left over");
    app.screenshot("enrolled");
  } finally {
    await app.quit();
  }
});

test("a scanned barcode opens the product with its grid, another store's and the warehouse's stock", async () => {
  const [[gtin, sku, colorCode]] = central.query(
    `SELECT v.gtin, v.sku, json_extract(j.value, '$.color_code')
       FROM variant v JOIN product p ON p.id = v.product_id, json_each(p.record, '$.variants') j
      WHERE v.sku LIKE 'CAM-%' AND json_extract(j.value, '$.sku') = v.sku
      ORDER BY v.sku LIMIT 1`,
  );
  assert.match(gtin, /^\d{13}$/, "a 13-digit GTIN from the central");
  // A misread: the same code with another check digit.
  const wrong = gtin.slice(0, -1) + String((Number(gtin.at(-1)) + 1) % 10);

  const app = await App.launch("scan-barcode");
  try {
    await app.enrollAndSync(central, "CL-SCL-04");
    app.screenshot("search-ready");

    // On the search screen a bad scan is told in the search message, and the
    // scanned digits do not stay in the search box.
    await app.scan(wrong);
    await app.waitFor(async () => (await app.all("search-message")).length > 0, 5_000, "a search message");
    const message = await (await app.el("search-message")).getText();
    assert.ok(message.includes(wrong), `the message names the code (${message})`);
    assert.equal(await app.attr("search-input", "value"), "", "the search box is left empty");
    assert.equal(await app.attr("app-root", "data-screen"), "search");
    app.screenshot("bad-scan-on-search");

    await app.scan(gtin);
    await app.screen("product", 15_000);
    await app.el("here-stock");
    const cell = await app.driver.findElements(By.css(`[data-testid="grid-cell"][data-sku="${sku}"]`));
    assert.equal(cell.length, 1, `the grid has the scanned variant ${sku}`);
    const chosen = await app.driver.findElements(By.css('[data-testid="color-swatch"][aria-pressed="true"]'));
    assert.equal(chosen.length, 1, "one color is chosen");
    assert.equal(await chosen[0].getAttribute("data-color-code"), colorCode, "the scanned variant's color is chosen");

    const byKind = new Map();
    for (const row of await app.all("location-row")) {
      const kind = await row.getAttribute("data-kind");
      if (!byKind.has(kind)) byKind.set(kind, row);
    }
    for (const kind of ["store", "warehouse"]) {
      const row = byKind.get(kind);
      assert.ok(row, `a ${kind} is listed`);
      const atp = await row.getAttribute("data-atp");
      assert.match(atp ?? "", /^\d+$/, `the ${kind}'s stock is a number (${atp})`);
    }
    app.screenshot("scanned-product");

    // On the product page a bad scan is told in a toast, and the page stays.
    await app.scan(wrong);
    const toast = await app.driver.wait(until.elementLocated(By.css(".toast[role=alert]")), 5_000, "a toast");
    const toastText = await toast.getText();
    assert.ok(toastText.includes(wrong), `the toast names the code (${toastText})`);
    assert.equal(await app.attr("app-root", "data-screen"), "product", "the product stays open");
    assert.equal((await app.driver.findElements(By.css(`[data-testid="grid-cell"][data-sku="${sku}"]`))).length, 1);
    app.screenshot("bad-scan-on-product");
  } finally {
    await app.quit();
  }
});

test("with the central down the product page marks the figures offline and keeps showing them", async (t) => {
  // Its own central, so that stopping it leaves the shared one up.
  let since = performance.now();
  const lap = (what) => {
    t.diagnostic(`${what}: ${Math.round(performance.now() - since)} ms`);
    since = performance.now();
  };
  const central2 = await Central.start();
  lap("second central started");
  const app = await App.launch("offline-product");
  try {
    await app.enrollAndSync(central2, "CL-SCL-01");
    lap("enrolled and synced");
    await app.openFirstResult("camisa");
    const hereAtp = await app.attr("here-stock", "data-atp");
    const rowsBefore = await locationFigures(app);
    assert.match(hereAtp ?? "", /^\d+$/);
    assert.ok(rowsBefore.length > 0, "other locations are listed");
    assert.equal((await app.all("offline-badge")).length, 0, "no offline badge while online");
    app.screenshot("product-online");

    // The app is told by its long-poll failing, and reconnects on its own backoff.
    // (No "sync now" press: its answer is a snapshot taken before the sync task
    // wakes, which can land after the task's own status event and undo it.)
    since = performance.now();
    await central2.stop();
    await app.syncState({ online: false }, 60_000);
    await app.waitFor(() => app.visible("offline-badge"), 10_000, "an offline badge is shown");
    lap("offline shown after the central stopped");
    assert.equal(await app.attr("here-stock", "data-atp"), hereAtp, "the same stock here");
    assert.deepEqual(await locationFigures(app), rowsBefore, "the same other locations and figures");
    assert.equal(await app.attr("app-root", "data-screen"), "product");
    app.screenshot("product-offline");

    await central2.start();
    lap("central restarted");
    await app.syncState({ online: true }, 60_000);
    lap("back online");
    await app.waitFor(async () => !(await app.visible("offline-badge")), 10_000, "the offline badge goes away");
    app.screenshot("product-back-online");
  } finally {
    await app.quit();
    await central2.dispose();
  }
});

test("a stock change at the central reaches an open product page within a second", async (t) => {
  assert.ok(central.channelToken, "the central printed the demo point-of-sale channel's token");
  const app = await App.launch("live-stock-change");
  try {
    await app.enrollAndSync(central, "CL-SCL-03");
    await app.openFirstResult("camisa");
    const cells = await app.all("grid-cell");
    assert.ok(cells.length > 0, "the grid is shown");
    const sku = await cells[0].getAttribute("data-sku");
    const before = Number(await cells[0].getAttribute("data-on-hand"));
    assert.ok(Number.isInteger(before), `on hand is a number (${before})`);
    app.screenshot("product-before");

    const movementId = `e2e-${process.pid}-${Date.now()}`;
    const answer = await central.postStockMovements([
      { movement_id: movementId, sku, location_id: "CL-SCL-03", kind: "receipt", quantity: 5 },
    ]);
    const posted = performance.now();
    assert.deepEqual(answer.results?.map((r) => [r.movement_id, r.outcome]), [[movementId, "applied"]]);
    assert.equal(answer.results[0].on_hand, before + 5, "the central counts the receipt");

    // Poll the page every 20 ms for the cell's on-hand figure.
    const read = () =>
      app.driver.executeScript(
        (s) => document.querySelector(`[data-testid="grid-cell"][data-sku="${s}"]`)?.getAttribute("data-on-hand") ?? null,
        sku,
      );
    let elapsed = null;
    while (performance.now() - posted < 10_000) {
      if (Number(await read()) === before + 5) {
        elapsed = performance.now() - posted;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    app.screenshot("product-after");
    assert.ok(elapsed !== null, `the page never showed ${before + 5} on hand for ${sku}`);
    t.diagnostic(`the change showed after ${Math.round(elapsed)} ms`);
    assert.ok(elapsed < 1000, `the change took ${Math.round(elapsed)} ms to show`);
  } finally {
    await app.quit();
  }
});

/** Each other location's id, kind and stock figure, in the order shown. */
async function locationFigures(app) {
  const rows = [];
  for (const row of await app.all("location-row")) {
    rows.push([
      await row.getAttribute("data-location-id"),
      await row.getAttribute("data-kind"),
      await row.getAttribute("data-atp"),
    ]);
  }
  return rows;
}
