// Every associate signs in on the tablet with their own PIN: nothing of the store
// shows before, the tablet locks when left alone, and one PIN hands it to a
// colleague. The backend refuses the store's data to a page with nobody signed in,
// whatever the page does.

import { test } from "node:test";
import assert from "node:assert/strict";
import { App, Central } from "./harness.mjs";

const STORE = "CL-SCL-01";

test("associates sign in with their PIN, the tablet locks when left alone, and one PIN switches who is signed in", async () => {
  const central = await Central.start();
  // Twelve seconds untouched instead of five minutes.
  const app = await App.launch("sign-in", { VITRINA_SIGN_OUT_AFTER_S: "12" });
  try {
    await app.enrollAndSync(central, STORE);
    assert.equal(await app.attr("header-associate", "data-associate"), `${STORE}-associate`);
    assert.equal(await app.attr("header-associate", "data-role"), "associate");

    // Left alone, the tablet locks, and the backend itself refuses the store's data.
    await app.screen("sign_in", 30_000);
    await app.el("sign-in-idle");
    app.screenshot("locked-after-inactivity");
    const refused = await app.invoke("search", { query: "camisa", limit: 5 });
    assert.equal(refused.error?.code, "sign_in_required", "a page with nobody signed in gets nothing");
    assert.equal((await app.invoke("customer_profile", { customer_id: "x" })).error?.code, "sign_in_required");

    // A wrong PIN says so and signs nobody in.
    const manager = central.pin(STORE, "manager");
    const associate = central.pin(STORE, "associate");
    const wrong = ["1111", "2222", "3333"].find((p) => p !== manager && p !== associate);
    await app.enterPin(wrong);
    await app.waitFor(async () => (await app.attr("pin-error", "data-code")) === "wrong_pin", 15_000, "wrong PIN");
    app.screenshot("wrong-pin");
    assert.equal(await app.attr("app-root", "data-screen"), "sign_in");

    // The manager's PIN signs the manager in: the Manager tab opens without asking again.
    await app.enterPin(manager);
    await app.screen("search", 30_000);
    assert.equal(await app.attr("header-associate", "data-role"), "manager");
    await app.click("nav-manager");
    await app.waitFor(
      async () => (await app.attr("manager-screen", "data-signed-in")) === "true",
      15_000,
      "the manager's screens, open",
    );
    assert.equal(await app.visible("pin-pad"), false, "no second PIN");
    app.screenshot("manager-signed-in");

    // Locking from the header hands the tablet over: the colleague's one PIN switches to them.
    await app.click("header-associate");
    await app.screen("sign_in");
    assert.equal(await app.visible("sign-in-idle"), false, "locked by hand, not for inactivity");
    await app.enterPin(associate);
    // The manager's screens stay behind with the manager.
    await app.screen("search", 30_000);
    assert.equal(await app.attr("header-associate", "data-associate"), `${STORE}-associate`);
    const session = await app.invoke("associate_session");
    assert.equal(session?.associate_id, `${STORE}-associate`, "the backend has the colleague signed in");
    app.screenshot("switched");
  } finally {
    await app.quit();
    await central.dispose();
  }
});
