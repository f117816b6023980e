// End to end: an associate orders for a customer what the store doesn't have,
// online and then with the central down.

import { test } from "node:test";
import assert from "node:assert/strict";
import { App, Central } from "./harness.mjs";

const STORE = "CL-SCL-02";

/** A SKU sold out at the store but with units to promise at the warehouse, and its GTIN. */
function soldOutHere(central) {
  const rows = central.query(
    `SELECT v.sku, v.gtin FROM variant v
       JOIN stock here ON here.sku = v.sku AND here.location_id = ?
       JOIN stock wh ON wh.sku = v.sku AND wh.location_id = 'CL-WH-01'
     WHERE here.on_hand = 0 AND wh.on_hand - wh.reserved >= 5
     ORDER BY v.sku LIMIT 2`,
    [STORE],
  );
  assert.ok(rows.length === 2, "the demo chain has items sold out here but in the warehouse");
  return rows.map(([sku, gtin]) => ({ sku, gtin }));
}

async function addToCart(app, item) {
  await app.screen("search", 30_000).catch(async () => {
    await app.click("nav-search");
    await app.screen("search");
  });
  await app.scan(item.gtin);
  await app.screen("product");
  const size = item.sku.split("-").pop();
  const sizes = await app.all("size-option");
  for (const option of sizes) {
    if ((await option.getAttribute("data-size")) === size) await option.click();
  }
  await app.click("add-to-cart");
  await app.waitFor(async () => Number(await app.attr("cart-button", "data-count")) >= 1, 10_000, "the cart counts it");
}

async function chooseHomeDelivery(app) {
  await app.click("fulfilment-home");
  await app.type("address-input", "Av. Apoquindo 4501, depto 1203, Las Condes");
  await app.waitFor(async () => (await app.attr("quote-source", "data-location-id")) === "CL-WH-01", 20_000, "sourced from the warehouse");
  await app.el("promise-date");
  await app.click("payment-at_till");
}

test("an associate orders a sold-out item for a customer, online and with the central down", async (t) => {
  const central = await Central.start();
  const app = await App.launch("endless-aisle");
  try {
    const [first, second] = soldOutHere(central);
    await app.enrollAndSync(central, STORE);
    app.screenshot("synced");

    // Online: a new customer, next-day home delivery from the warehouse.
    await addToCart(app, first);
    app.screenshot("product-added");
    await app.click("cart-button");
    await app.screen("cart");
    // A name none of the demo chain's customers has, so the picker offers a new one.
    await app.type("customer-search", "Xiomara");
    await app.type("customer-name", "Xiomara Rojas");
    await app.type("customer-phone", "9 8123 4567");
    await app.type("customer-email", "valentina.rojas@example.cl");
    await app.click("customer-save");
    await app.el("selected-customer");
    await chooseHomeDelivery(app);
    app.screenshot("cart-ready");
    await app.click("place-order");
    await app.screen("order");
    await app.waitFor(async () => (await app.attr("order-sync", "data-sync")) === "confirmed", 30_000, "the central confirms it");
    assert.equal(await app.attr("order-status", "data-status"), "confirmed");
    const firstNumber = await (await app.el("order-number")).getText();
    app.screenshot("order-confirmed");
    const [[reserved]] = central.query(
      "SELECT COUNT(*) FROM customer_order o JOIN customer c ON c.id = o.customer_id WHERE c.phone = '+56981234567'",
    );
    assert.equal(reserved, 1, "the central has the order, for the customer found by phone");

    // The central goes down: the next order is saved here and sent when it's back.
    await central.stop();
    await app.syncState({ online: false }, 60_000);
    await addToCart(app, second);
    await app.click("cart-button");
    await app.screen("cart");
    await app.type("customer-search", "+56 9 8123 4567");
    await app.waitFor(async () => (await app.all("customer-result")).length > 0, 10_000, "the customer is found offline");
    await (await app.all("customer-result"))[0].click();
    await app.el("selected-customer");
    await chooseHomeDelivery(app);
    await app.click("place-order");
    await app.screen("order");
    await app.waitFor(
      async () => (await app.attr("order-sync", "data-sync")) === "saved_here",
      15_000,
      "saved on the device, pending confirmation",
    );
    const secondNumber = await (await app.el("order-number")).getText();
    assert.notEqual(secondNumber, firstNumber);
    assert.match(await (await app.el("order-customer")).getText(), /Xiomara Rojas/, "for the customer chosen offline");
    assert.ok(await app.attr("promise-date", "data-date"), "with its promise date");
    await app.waitFor(async () => Number(await app.attr("sync-pending", "data-count")) >= 1, 10_000, "the pending count shows it");
    app.screenshot("order-pending-offline");

    // The sync panel: the pending count, and a reset refused while it isn't zero.
    await app.click("sync-status");
    await app.el("sync-panel");
    await app.waitFor(async () => Number(await app.attr("sync-panel-pending", "data-count")) >= 1, 10_000, "pending in the panel");
    assert.equal(await app.attr("sync-panel-state", "data-online"), "false");
    await app.click("sync-panel-reset");
    await app.click("sync-panel-reset-confirm");
    await app.waitFor(async () => (await app.attr("sync-panel-error", "data-code")) === "unsent_commands", 10_000, "reset refused");
    app.screenshot("sync-panel-offline");

    await central.start();
    await app.waitFor(async () => Number(await app.attr("sync-panel-pending", "data-count")) === 0, 90_000, "the pending count falls to zero");
    await app.waitFor(async () => (await app.attr("sync-panel-state", "data-online")) === "true", 30_000, "back online");
    app.screenshot("sync-panel-back-online");
    await app.click("sync-panel-close");
    await app.waitFor(async () => (await app.attr("order-sync", "data-sync")) === "confirmed", 90_000, "confirmed once the central is back, untouched");
    assert.equal(await app.attr("order-status", "data-status"), "confirmed");
    app.screenshot("order-confirmed-after-reconnect");
    // Both orders are the associate's, the one placed offline too.
    const placedBy = central.query(
      "SELECT associate_id FROM audit_log WHERE action = 'order.placed' AND store_id = ? ORDER BY id DESC LIMIT 2",
      [STORE],
    );
    assert.deepEqual(placedBy, [[`${STORE}-associate`], [`${STORE}-associate`]], "the audit log names who placed them");
    t.diagnostic(`orders ${firstNumber} and ${secondNumber} confirmed`);
  } finally {
    await app.quit();
    await central.dispose();
  }
});
