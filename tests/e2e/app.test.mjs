// End-to-end tests of the real app (WebKit through tauri-driver) against a real central.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { App, Central, By } from "./harness.mjs";

let central;

before(async () => {
  central = await Central.start();
});

after(async () => {
  await central?.stop();
});

test("an associate enrolls the tablet, finds a shirt and reads its stock here and at another store", async () => {
  const app = await App.launch("enroll-search-product");
  try {
    await app.screen("enroll");
    app.screenshot("enroll");

    await app.type("enroll-url", central.url);
    await app.type("enroll-code", central.code("CL-SCL-01"));
    app.screenshot("enroll-filled");
    await (await app.el("enroll-submit")).click();

    await app.screen("search", 180_000);
    const status = await app.el("sync-status");
    await app.waitFor(
      async () => (await status.getAttribute("data-phase")) === "idle" && (await status.getAttribute("data-online")) === "true",
      120_000,
      "first sync completes",
    );
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
