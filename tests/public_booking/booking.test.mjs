// Browser test of the public booking page: a real central (`serve --demo` on a
// free loopback port, a temporary database), headless Chromium driven through
// chromedriver. A customer books a stylist from an address in Santiago, downloads
// the calendar file, and the booking is checked in the central's database.
// Screenshots (phone and desktop size) go to tests/public_booking/output/.
//
//   make test-public-booking     (or: node --test booking.test.mjs after make build)
//
// Needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: chromium, chromium-driver),
// and tests/e2e's node_modules (selenium-webdriver), installed by .ci/deps.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "../e2e/node_modules/selenium-webdriver/index.js";
import chrome from "../e2e/node_modules/selenium-webdriver/chrome.js";
import { Central } from "../e2e/harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, "output");
const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const CHROMEDRIVER = process.env.CHROMEDRIVER_BIN || "/usr/bin/chromedriver";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const WAIT = 15_000;

let central;
let driver;
let shot = 0;

async function screenshot(name) {
  shot += 1;
  const file = path.join(output, `${String(shot).padStart(2, "0")}-${name}.png`);
  writeFileSync(file, await driver.takeScreenshot(), "base64");
}

/** The whole page, not just the viewport (Chromium's DevTools screenshot). */
async function fullScreenshot(name) {
  shot += 1;
  const file = path.join(output, `${String(shot).padStart(2, "0")}-${name}.png`);
  const { data } = await driver.sendAndGetDevToolsCommand("Page.captureScreenshot", {
    format: "png",
    captureBeyondViewport: true,
  });
  writeFileSync(file, data, "base64");
}

async function visible(css) {
  const element = await driver.wait(until.elementLocated(By.css(css)), WAIT, `waiting for ${css}`);
  await driver.wait(until.elementIsVisible(element), WAIT, `waiting for ${css} to show`);
  return element;
}

async function text(css) {
  return (await visible(css)).getText();
}

/** Clicks an element after scrolling it into view. */
async function click(css) {
  const element = await visible(css);
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
  await element.click();
  return element;
}

async function type(css, value) {
  const element = await visible(css);
  await element.clear();
  await element.sendKeys(value);
}

before(async () => {
  for (const bin of [CHROMIUM, CHROMEDRIVER]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: apt-get install chromium chromium-driver`);
  }
  rmSync(output, { recursive: true, force: true });
  mkdirSync(output, { recursive: true });
  central = await Central.start();
  const options = new chrome.Options()
    .setChromeBinaryPath(CHROMIUM)
    .addArguments(
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--lang=es-CL",
      "--hide-scrollbars",
      `--window-size=${DESKTOP.width},${DESKTOP.height}`,
    )
    .setUserPreferences({ "intl.accept_languages": "es-CL,es" });
  driver = await new Builder()
    .forBrowser("chrome")
    .setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(CHROMEDRIVER))
    .build();
  await driver.manage().setTimeouts({ script: WAIT });
  await phone();
});

/** A phone's screen (a desktop window can't be made that narrow). */
async function phone() {
  await driver.sendDevToolsCommand("Emulation.setDeviceMetricsOverride", {
    width: PHONE.width,
    height: PHONE.height,
    deviceScaleFactor: 2,
    mobile: true,
  });
  await driver.sendDevToolsCommand("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
}

async function desktop() {
  await driver.sendDevToolsCommand("Emulation.clearDeviceMetricsOverride", {});
  await driver.sendDevToolsCommand("Emulation.setTouchEmulationEnabled", { enabled: false });
  await driver.manage().window().setRect(DESKTOP);
}

after(async () => {
  await driver?.quit().catch(() => {});
  await central?.dispose();
});

test("a customer books a stylist near an address in Santiago and gets a calendar file", async () => {
  await driver.get(`${central.url}/book`);
  assert.equal(await driver.executeScript("return document.documentElement.lang"), "es");
  assert.match(await text("h1"), /Reserva una hora con un estilista/);

  // 1. The service.
  await visible("#services .choice");
  await screenshot("phone-1-service");
  await click('#services .choice[data-service="SRV-IMAGEN"]');

  // 2. The store nearest the address.
  await type("#place", "Av. Apoquindo 3000, Las Condes");
  await click('#store-form button[type="submit"]');
  await visible("#stores .choice");
  assert.match(await text("#stores-heading"), /Apoquindo, Santiago/);
  const stores = await driver.findElements(By.css("#stores .choice"));
  assert.equal(stores.length, 4, "Santiago's four stores");
  const first = await stores[0].getText();
  assert.match(first, /Vitrina Parque Arauco/);
  assert.match(first, /Av\. Presidente Kennedy 5413, Las Condes/);
  assert.match(first, /a 1,6 km/);
  await screenshot("phone-2-stores");
  await stores[0].click();

  // 3. A day and a time, on the store's clock.
  const slot = await visible("#slots .slot");
  assert.match(await slot.getText(), /^\d{2}:\d{2}$/);
  assert.match(await text("#tz-note"), /Santiago/);
  const stylists = await driver.findElements(By.css("#stylist option"));
  assert.equal(stylists.length, 3, "no preference and the two stylists with the specialty");
  await screenshot("phone-3-time");
  const start = await slot.getAttribute("data-start");
  await click("#slots .slot");

  // 4. Contact details: a mistake is explained in Spanish, then fixed.
  await visible("#step-details #name");
  assert.match(await text("#countdown"), /Guardamos esta hora para ti por [45]:\d\d/);
  await type("#name", "Josefina Pérez");
  await type("#phone", "9 8765 4321");
  await type("#email", "josefina@");
  await click("#confirm");
  assert.match(await text("#email-error"), /Revisa el correo/);
  await fullScreenshot("phone-4-details-error");
  await type("#email", "josefina@example.com");
  await click("#confirm");

  // 5. Confirmation with the calendar file.
  await visible("#step-done h2");
  assert.match(await text("#step-done h2"), /Tu hora está reservada/);
  const summary = await text("#done-summary");
  assert.match(summary, /Asesoría de imagen/);
  assert.match(summary, /Vitrina Parque Arauco/);
  await fullScreenshot("phone-5-done");

  const href = await (await visible("#ics")).getAttribute("href");
  const bookingId = new URL(href).pathname.split("/")[4];
  const ics = await driver.executeAsyncScript(function (done) {
    fetch(document.getElementById("ics").href)
      .then((r) => r.text().then((body) => done({ status: r.status, type: r.headers.get("content-type"), body })))
      .catch((e) => done({ status: 0, body: String(e) }));
  });
  assert.equal(ics.status, 200, ics.body);
  assert.match(ics.type, /^text\/calendar/);
  assert.ok(ics.body.startsWith("BEGIN:VCALENDAR\r\n"), ics.body);
  assert.equal(ics.body.split("\n").length, ics.body.split("\r\n").length, "CRLF line endings");
  const unfolded = ics.body.replace(/\r\n /g, "");
  const utc = start.replace(/[-:]/g, "").replace(/\.\d+/, "");
  assert.match(unfolded, new RegExp(`\\r\\nDTSTART:${utc}\\r\\n`));
  assert.match(unfolded, new RegExp(`\\r\\nUID:${bookingId}@vitrina\\r\\n`));
  assert.match(unfolded, /\r\nLOCATION:Vitrina Parque Arauco\\, Av\. Presidente Kennedy 5413\\, Las Condes\\, Santiago\r\n/);
  assert.match(unfolded, /\r\nSUMMARY:Asesoría de imagen – Vitrina Parque Arauco\r\n/);
  writeFileSync(path.join(output, "booking.ics"), ics.body);

  // The central has the appointment, booked on the public page.
  const rows = central.query(
    `SELECT store_id, stylist_id, status, json_extract(record, '$.channel'), json_extract(record, '$.customer_name'),
            json_extract(record, '$.customer_phone'), json_extract(record, '$.customer_email'), json_extract(record, '$.start')
     FROM appointment WHERE id = ?`,
    [bookingId],
  );
  assert.equal(rows.length, 1);
  const [store, stylist, status, channel, name, phone, email, booked] = rows[0];
  assert.deepEqual(
    [store, status, channel, name, phone, email, booked],
    ["CL-SCL-02", "booked", "public", "Josefina Pérez", "+56987654321", "josefina@example.com", start],
  );
  assert.match(stylist, /^CL-SCL-02-STY-/);
  const holds = central.query("SELECT COUNT(*) FROM slot_hold WHERE appointment_id = ?", [bookingId]);
  assert.deepEqual(holds, [[1]], "the hold was confirmed");

  // The language switch re-words the page in place.
  await click('.lang[data-lang="en"]');
  assert.match(await text("#step-done h2"), /All set! Your visit is booked/);
  assert.match(await text("#done-summary"), /Personal styling/);
  assert.equal(await driver.executeScript("return document.documentElement.lang"), "en");
  assert.match(await driver.getCurrentUrl(), /[?&]lang=en/);

  // Desktop size.
  await desktop();
  await fullScreenshot("desktop-1-done-en");
});

test("stores near the browser's location, in English on a desktop", async () => {
  await desktop();
  await driver.sendDevToolsCommand("Browser.grantPermissions", { origin: central.url, permissions: ["geolocation"] });
  // In Bogotá, by the Andino.
  await driver.sendDevToolsCommand("Emulation.setGeolocationOverride", { latitude: 4.6668, longitude: -74.0526, accuracy: 30 });
  await driver.get(`${central.url}/book?lang=en`);
  assert.match(await text("h1"), /Book time with a stylist/);
  await visible("#services .choice");
  await screenshot("desktop-2-service-en");
  await click('#services .choice[data-service="SRV-AJUSTE"]');
  await click("#locate");
  await visible("#stores .choice");
  assert.match(await text("#stores-heading"), /Stores near you/);
  const first = await text("#stores .choice");
  assert.match(first, /Vitrina Andino/);
  assert.match(first, /0 km away/);
  await screenshot("desktop-3-stores-en");
  await click("#stores .choice");
  await visible("#slots .slot");
  // The price is shown in the store's currency once a store is known.
  assert.match(await text("#chosen-time-step"), /COP\s?19,960|\$\s?19,960|COP 19\.960/);
  await screenshot("desktop-4-time-en");

  // An unknown place is explained.
  await click('#chosen-time-step .chosen-row:nth-child(2) button');
  await type("#place", "Springfield");
  await click('#store-form button[type="submit"]');
  assert.match(await text("#store-msg"), /couldn't find that place/);
});
