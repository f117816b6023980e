// End to end: the associate hands the tablet to a customer, who flips through every
// colour, sees which sizes they can have, favourites two and gives it back; nobody
// leaves customer mode without a PIN. Then the same with the central down.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { App, Central, Key, outputDir } from "./harness.mjs";

// The demo chain sells out one colour of every product at the first store of each
// country, so this store shows sizes that change from colour to colour.
const STORE = "CL-SCL-01";

/** A product with several colours, one of them sold out here, and its colour codes in order. */
function productToShow(central) {
  const [[id, styleCode, record]] = central.query(
    `SELECT p.id, p.style_code, p.record FROM product p
      WHERE json_array_length(json_extract(p.record, '$.colors')) BETWEEN 4 AND 6
        AND EXISTS (SELECT 1 FROM variant v JOIN stock s ON s.sku = v.sku AND s.location_id = ?
                     WHERE v.product_id = p.id AND s.on_hand = 0)
        AND EXISTS (SELECT 1 FROM variant v JOIN stock s ON s.sku = v.sku AND s.location_id = ?
                     WHERE v.product_id = p.id AND s.on_hand > 3)
      ORDER BY p.id LIMIT 1`,
    [STORE, STORE],
  );
  const colors = JSON.parse(record).colors.map((c) => c.code);
  return { id, styleCode, colors };
}

/** Waits until every picture the central has is in the device's picture cache. */
async function picturesCached(app, central) {
  const [[count]] = central.query("SELECT COUNT(*) FROM image");
  const dir = path.join(app.dataDir, "images");
  await app.waitFor(
    async () => {
      try {
        return readdirSync(dir).filter((f) => /^[0-9a-f]{64}$/.test(f)).length === count;
      } catch {
        return false;
      }
    },
    120_000,
    `all ${count} pictures cached`,
  );
}

async function currentColor(app) {
  return app.attr("customer-mode", "data-color");
}

/** Waits until the big picture shows `color` and is decoded. */
async function shows(app, color) {
  await app.waitFor(
    async () =>
      (await app.attr("cm-image", "data-color")) === color && (await app.attr("cm-image", "data-ready")) === "true",
    10_000,
    `the picture of ${color}`,
  );
  const size = await app.driver.executeScript(
    "const img = document.querySelector('[data-testid=cm-image]'); return img && img.tagName === 'IMG' ? [img.naturalWidth, img.naturalHeight] : null;",
  );
  assert.ok(size && size[0] >= 600 && size[1] >= 800, `a tablet-sized picture of ${color}: ${JSON.stringify(size)}`);
}

/** A right-to-left swipe across the stage, as a finger (or mouse) drags it. */
async function swipeLeft(app) {
  const stage = await app.el("cm-stage");
  const { width } = await stage.getRect();
  const reach = Math.round(width / 4);
  await app.driver
    .actions({ async: true })
    .move({ origin: stage, x: reach, y: 0 })
    .press()
    .move({ origin: stage, x: 0, y: 0, duration: 90 })
    .move({ origin: stage, x: -reach, y: 0, duration: 90 })
    .release()
    .perform();
}

/** Sizes of the colour on screen: {size: state}. */
async function sizeStates(app) {
  const sizes = await app.attrs("cm-size", "data-size");
  const states = await app.attrs("cm-size", "data-state");
  return Object.fromEntries(sizes.map((s, i) => [s, states[i]]));
}

/** Every way out a customer might try without the PIN; none may work. */
async function tryToLeave(app) {
  await app.driver.actions().sendKeys(Key.ESCAPE).perform();
  await app.driver.actions().keyDown(Key.ALT).sendKeys(Key.ARROW_LEFT).keyUp(Key.ALT).perform();
  await app.driver.executeScript("history.back()");
  const forged = await app.driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1];" +
      "window.__TAURI_INTERNALS__.invoke('search', { query: 'a', limit: 5 }).then(() => done('answered'), (e) => done(e && e.code));",
  );
  assert.equal(forged, "customer_mode", "the backend refuses associate commands in customer mode");
  const customers = await app.driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1];" +
      "window.__TAURI_INTERNALS__.invoke('search_customers', { query: 'a' }).then(() => done('answered'), (e) => done(e && e.code));",
  );
  assert.equal(customers, "customer_mode", "no customer data in customer mode");
  await app.el("customer-mode");
  assert.equal(await app.visible("nav-search"), false, "no associate screen is reachable");
}

/** Switch times measured by the app (ms), for the benchmark record. */
async function switchTimes(app) {
  return app.driver.executeScript("return (window.__vitrinaMetrics && window.__vitrinaMetrics.colorSwitch) || [];");
}

test("a customer browses every colour, favourites two, and only a PIN gives the tablet back", async () => {
  const central = await Central.start();
  const app = await App.launch("customer-mode");
  try {
    const product = productToShow(central);
    await app.enrollAndSync(central, STORE);
    await picturesCached(app, central);
    await app.openFirstResult(product.styleCode);
    app.screenshot("product");

    await app.click("enter-customer-mode");
    await app.el("customer-mode");
    assert.equal(await app.visible("nav-search"), false, "only the customer's screen shows");
    assert.equal(await currentColor(app), product.colors[0]);
    await shows(app, product.colors[0]);
    app.screenshot("customer-mode");

    // Swipe through every colour, back to the first; sizes follow availability.
    const seen = [];
    const states = {};
    for (let i = 0; i < product.colors.length; i += 1) {
      const color = await currentColor(app);
      await shows(app, color);
      seen.push(color);
      states[color] = await sizeStates(app);
      assert.ok(Object.keys(states[color]).length > 0, `sizes of ${color}`);
      app.screenshot(`colour-${color}`);
      await swipeLeft(app);
      const next = product.colors[(i + 1) % product.colors.length];
      await app.waitFor(async () => (await currentColor(app)) === next, 10_000, `swiped to ${next}`);
    }
    assert.deepEqual(seen, product.colors, "every colour, in order");
    const everyState = new Set(Object.values(states).flatMap((s) => Object.values(s)));
    assert.ok(everyState.has("in_store"), "some sizes are in the store now");
    assert.ok(everyState.has("orderable") || everyState.has("sold_out"), "some are not");
    const perColour = new Set(Object.values(states).map((s) => JSON.stringify(s)));
    assert.ok(perColour.size > 1, "sizes change with the colour");

    // Favourite two colours.
    await app.click("cm-fav");
    assert.equal(await app.attr("cm-fav", "aria-pressed"), "true");
    const swatches = await app.all("cm-swatch");
    await swatches[2].click();
    await app.waitFor(async () => (await currentColor(app)) === product.colors[2], 10_000, "third colour");
    await app.click("cm-fav");
    await app.waitFor(async () => (await (await app.el("cm-fav-count")).getText()).includes("2"), 10_000, "two favourites");
    app.screenshot("two-favourites");

    // No way out without the PIN.
    await tryToLeave(app);
    await app.click("cm-exit");
    const wrong = central.pin(STORE, "manager") === "0000" ? "1111" : "0000";
    await app.enterPin(wrong);
    await app.el("pin-error");
    app.screenshot("wrong-pin");
    await app.el("customer-mode");

    // With the associate's PIN, the favourites wait for the associate.
    for (let i = 0; i < 4; i += 1) await app.click("pin-back");
    await app.enterPin(central.pin(STORE, "associate"));
    await app.el("selection-panel", 15_000);
    assert.equal(await app.visible("customer-mode"), false);
    const picked = await app.attrs("selection-item", "data-color");
    assert.deepEqual(picked.sort(), [product.colors[0], product.colors[2]].sort());
    app.screenshot("favourites-waiting");

    writeFileSync(path.join(outputDir, "customer-mode", "switch-times.json"), JSON.stringify(await switchTimes(app)));
  } finally {
    await app.quit();
    await central.dispose();
  }
});

test("with the central down after the first sync, pictures and sizes still show", async () => {
  const central = await Central.start();
  const app = await App.launch("customer-mode-offline");
  try {
    const product = productToShow(central);
    await app.enrollAndSync(central, STORE);
    await picturesCached(app, central);
    await central.stop();
    await app.syncState({ online: false }, 60_000);

    await app.openFirstResult(product.styleCode);
    await app.click("enter-customer-mode");
    await app.el("customer-mode");
    await app.waitFor(
      async () => (await app.all("cm-swatch")).length === product.colors.length,
      15_000,
      "every colour's swatch",
    );
    for (const color of product.colors) {
      await (await app.all("cm-swatch"))[product.colors.indexOf(color)].click();
      await shows(app, color);
      assert.ok(Object.keys(await sizeStates(app)).length > 0, `sizes of ${color} offline`);
    }
    const thumbs = await app.driver.executeScript(
      "return [...document.querySelectorAll('[data-testid=cm-swatch] img')].map((i) => i.complete && i.naturalWidth > 0);",
    );
    assert.ok(thumbs.length === product.colors.length && thumbs.every(Boolean), "every swatch picture shows");
    app.screenshot("offline");
    await app.click("cm-exit");
    await app.enterPin(central.pin(STORE, "manager"));
    await app.waitFor(async () => !(await app.visible("customer-mode")), 15_000, "back to the associate");
  } finally {
    await app.quit();
    await central.dispose();
  }
});
