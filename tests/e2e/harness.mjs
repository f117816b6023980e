// Harness for end-to-end tests of the real app: a real central on a loopback port,
// tauri-driver in front of WebKitWebDriver, the debug build of the app, and
// screenshots of the Xvfb display taken with ImageMagick (WebDriver's own
// screenshot call hangs with WebKitWebDriver).

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, Key, until } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const outputDir = path.join(here, "output");
const centralBin = path.join(root, "target/debug/vitrina-central");
const appBin = path.join(root, "target/debug/vitrina");

/** Set VITRINA_E2E_KEEP=1 to keep the centrals' and devices' data directories. */
const keepData = Boolean(process.env.VITRINA_E2E_KEEP);

function removeDir(dir) {
  if (dir && !keepData) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function waitForLine(child, pattern, timeoutMs, onLine = () => {}) {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    child.stdout.on("data", (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        onLine(line);
        if (pattern.test(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before ${pattern}`));
    });
  });
}

/** A central with the demo chain; `stop()` and `start()` again on the same data. */
export class Central {
  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.codes = new Map();
    /** Demo PINs by "store:role" (role: manager or associate). */
    this.pins = new Map();
    /** Tokens of the sales channels the demo chain trusts, by channel name. */
    this.channelTokens = new Map();
    this.child = null;
  }

  /** The demo point-of-sale channel's token, or undefined if the central printed none. */
  get channelToken() {
    return this.channelTokens.get("pos");
  }

  static async start() {
    if (!existsSync(centralBin)) throw new Error(`${centralBin} is missing: run make build`);
    const central = new Central(mkdtempSync(path.join(tmpdir(), "vitrina-e2e-central-")), await freePort());
    await central.start();
    return central;
  }

  async start() {
    this.child = spawn(
      centralBin,
      ["serve", "--demo", "--db", path.join(this.dir, "central.db"), "--listen", `127.0.0.1:${this.port}`],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" }, detached: true },
    );
    await waitForLine(this.child, /listening on/, 120_000, (line) => {
      const code = line.match(/^(\S+)\s+(\d{4}-\d{4})\s/);
      if (code) this.codes.set(code[1], code[2]);
      const channel = line.match(/^channel token (\S+): ([0-9a-f]{64})\s*$/);
      if (channel) this.channelTokens.set(channel[1], channel[2]);
      const pin = line.match(/^pin (\S+)\s+(manager|associate)\s+(\d{4,8})\s/);
      if (pin) this.pins.set(`${pin[1]}:${pin[2]}`, pin[3]);
    });
  }

  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    const exited = new Promise((resolve) => child.on("exit", resolve));
    killGroup(child);
    await exited;
    child.stdout?.destroy();
  }

  /** Stops the central for good and removes its data (unless VITRINA_E2E_KEEP is set). */
  async dispose() {
    await this.stop();
    removeDir(this.dir);
  }

  /** The demo PIN of the store's `role` (manager or associate). */
  pin(storeId, role) {
    const pin = this.pins.get(`${storeId}:${role}`);
    if (!pin) throw new Error(`no ${role} PIN printed for ${storeId}`);
    return pin;
  }

  code(storeId) {
    const code = this.codes.get(storeId);
    if (!code) throw new Error(`no enrollment code printed for ${storeId}`);
    return code;
  }

  /**
   * Rows of a read-only query on the central's database, as arrays of values.
   * Uses Python's built-in sqlite3 module, as Node 20 has no SQLite of its own.
   */
  query(sql, params = []) {
    const script = [
      "import json, sqlite3, sys",
      "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)",
      "print(json.dumps(db.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))",
    ].join("\n");
    const out = execFileSync("python3", ["-c", script, path.join(this.dir, "central.db"), sql, JSON.stringify(params)], {
      encoding: "utf8",
      timeout: 20_000,
    });
    return JSON.parse(out);
  }

  /**
   * Posts stock movements from another sales channel (POST /v1/stock-movements).
   * Answers the parsed body; throws on a status other than 200.
   */
  async postStockMovements(movements, token = this.channelToken) {
    if (!token) throw new Error("the central printed no channel token");
    const res = await fetch(`${this.url}/v1/stock-movements`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "x-vitrina-protocol": "4",
        "content-type": "application/json",
      },
      body: JSON.stringify({ movements }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`stock movements answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  /** Enrolls another device of `storeId` over the API (a fresh code from the CLI); answers its id. */
  async enrollAnotherDevice(storeId, name) {
    const code = execFileSync(centralBin, ["enroll-code", "--store", storeId, "--db", path.join(this.dir, "central.db")], {
      encoding: "utf8",
      timeout: 20_000,
    }).trim();
    const res = await fetch(`${this.url}/v1/enroll`, {
      method: "POST",
      headers: { "x-vitrina-protocol": "4", "content-type": "application/json" },
      body: JSON.stringify({ code, device_name: name }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`enroll answered ${res.status}: ${text}`);
    return JSON.parse(text).device_id;
  }

  /**
   * Posts other channels' transactions (POST /v1/channel/transactions) with the
   * demo token of `channel` (pos, ecommerce or import). Answers the parsed body.
   */
  async postTransactions(transactions, channel) {
    const token = this.channelTokens.get(channel);
    if (!token) throw new Error(`the central printed no ${channel} token`);
    const res = await fetch(`${this.url}/v1/channel/transactions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "x-vitrina-protocol": "4", "content-type": "application/json" },
      body: JSON.stringify({ transactions }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`transactions answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }
}

/** tauri-driver with the app, on a fresh device data directory. */
export class App {
  /** Starts the app; `env` adds to its environment (e.g. a shorter sign-out time). */
  static async launch(name, env = {}) {
    if (!existsSync(appBin)) throw new Error(`${appBin} is missing: run make build`);
    const app = new App();
    app.shots = path.join(outputDir, name);
    // Each run's screenshots replace the last run's.
    rmSync(app.shots, { recursive: true, force: true });
    mkdirSync(app.shots, { recursive: true });
    app.step = 0;
    app.dataDir = mkdtempSync(path.join(tmpdir(), "vitrina-e2e-device-"));
    app.exportDir = mkdtempSync(path.join(tmpdir(), "vitrina-e2e-exports-"));
    const port = await freePort();
    const nativePort = await freePort();
    const driverBin = findTauriDriver();
    app.driverProcess = spawn(
      driverBin,
      ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"],
      {
        // Its own process group, so that quitting also ends WebKitWebDriver and the app.
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
        env: {
          ...process.env,
          VITRINA_DATA_DIR: app.dataDir,
          VITRINA_EXPORT_DIR: app.exportDir,
          VITRINA_DEVICE_NAME: "e2e tablet",
          WEBKIT_DISABLE_DMABUF_RENDERER: "1",
          WEBKIT_DISABLE_COMPOSITING_MODE: "1",
          RUST_LOG: "warn",
          ...env,
        },
      },
    );
    app.driverProcess.stderr.on("data", (d) => process.stderr.write(`[tauri-driver] ${d}`));
    await waitForPort(port, 30_000);
    app.driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: "wry", "tauri:options": { application: appBin } })
      .build();
    return app;
  }

  /** Ends the session, the driver and the app, and removes the device's data. */
  async quit() {
    try {
      await this.driver?.quit();
    } finally {
      const child = this.driverProcess;
      if (child) {
        const exited =
          child.exitCode !== null || child.signalCode !== null
            ? Promise.resolve()
            : new Promise((resolve) => child.on("exit", resolve));
        killGroup(child);
        await exited;
        child.stderr?.destroy();
      }
      removeDir(this.dataDir);
      removeDir(this.exportDir);
    }
  }

  /** Saves a screenshot of the display as NN-label.png in this test's output folder. */
  screenshot(label) {
    this.step += 1;
    const file = path.join(this.shots, `${String(this.step).padStart(2, "0")}-${label}.png`);
    execFileSync("import", ["-window", "root", file], { timeout: 20_000 });
    return file;
  }

  async el(testId, timeoutMs = 30_000) {
    return this.driver.wait(until.elementLocated(By.css(`[data-testid="${testId}"]`)), timeoutMs, `waiting for ${testId}`);
  }

  async all(testId) {
    return this.driver.findElements(By.css(`[data-testid="${testId}"]`));
  }

  /** Waits for the app to show `screen` (the root's data-screen attribute). */
  async screen(screen, timeoutMs = 120_000) {
    await this.driver.wait(
      async () => {
        const roots = await this.all("app-root");
        return roots.length > 0 && (await roots[0].getAttribute("data-screen")) === screen;
      },
      timeoutMs,
      `waiting for the ${screen} screen`,
    );
  }

  async waitFor(predicate, timeoutMs, message) {
    return this.driver.wait(predicate, timeoutMs, message);
  }

  async type(testId, text) {
    const input = await this.el(testId);
    await input.clear();
    await input.sendKeys(text);
    return input;
  }

  /** An attribute of the first element with this test id, or null when there is none. */
  async attr(testId, name) {
    const found = await this.all(testId);
    if (found.length === 0) return null;
    try {
      return await found[0].getAttribute(name);
    } catch (e) {
      // Re-rendered between finding it and asking: as if not there yet.
      if (e?.name !== "StaleElementReferenceError") throw e;
      return null;
    }
  }

  /** Whether some element with this test id is displayed. */
  async visible(testId) {
    for (const element of await this.all(testId)) {
      try {
        if (await element.isDisplayed()) return true;
      } catch (e) {
        // Removed between finding it and asking: it is not shown.
        if (e?.name !== "StaleElementReferenceError") throw e;
      }
    }
    return false;
  }

  async click(testId) {
    await (await this.el(testId)).click();
  }

  /** Fills in the enroll screen's central URL and code. */
  async fillEnrollment(url, code) {
    await this.type("enroll-url", url);
    await this.type("enroll-code", code);
  }

  /** Waits until the sync indicator shows the given state (`online` as a boolean). */
  async syncState({ phase, online }, timeoutMs = 120_000) {
    await this.waitFor(
      async () => {
        const status = await this.all("sync-status");
        if (status.length === 0) return false;
        if (phase !== undefined && (await status[0].getAttribute("data-phase")) !== phase) return false;
        if (online !== undefined && (await status[0].getAttribute("data-online")) !== String(online)) return false;
        return true;
      },
      timeoutMs,
      `waiting for sync status ${JSON.stringify({ phase, online })}`,
    );
  }

  /**
   * Calls a command of the app's backend directly, as a forged call from the page
   * would; answers its value, or `{ error }` with the refusal.
   */
  async invoke(command, args = {}) {
    return this.driver.executeAsyncScript(
      "const done = arguments[arguments.length - 1];" +
        "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(done, (e) => done({ error: e }));",
      command,
      args,
    );
  }

  /** Types `pin` on the PIN pad that is open and presses OK. */
  async enterPin(pin) {
    await this.el("pin-pad");
    for (const digit of pin) await this.click(`pin-key-${digit}`);
    await this.click("pin-ok");
  }

  /** Signs in on the sign-in screen with `pin`; waits for the search screen. */
  async signIn(pin) {
    await this.screen("sign_in");
    await this.enterPin(pin);
    await this.screen("search", 30_000);
  }

  /**
   * Enrolls at `storeId` of `central`, waits for the first sync to finish, and
   * signs in with the demo PIN of the store's `role` (associate or manager).
   */
  async enrollAndSync(central, storeId, role = "associate") {
    await this.screen("enroll");
    await this.fillEnrollment(central.url, central.code(storeId));
    await this.click("enroll-submit");
    await this.screen("sign_in", 180_000);
    await this.syncState({ phase: "idle", online: true });
    await this.signIn(central.pin(storeId, role));
  }

  /** Searches `query` and opens the first result; waits for its stock here. */
  async openFirstResult(query) {
    await this.type("search-input", query);
    await this.waitFor(async () => (await this.all("search-result")).length > 0, 15_000, `results for ${query}`);
    await (await this.all("search-result"))[0].click();
    await this.screen("product");
    await this.el("here-stock");
  }

  /**
   * Types `code` and Enter as one fast burst into whatever has the focus, the way
   * a USB barcode scanner does (a keyboard device, no pauses between keys).
   */
  async scan(code) {
    await this.driver.actions().sendKeys(code, Key.ENTER).perform();
  }

  /** One attribute of each element with this test id. */
  async attrs(testId, name) {
    return Promise.all((await this.all(testId)).map((element) => element.getAttribute(name)));
  }
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function findTauriDriver() {
  for (const candidate of [process.env.TAURI_DRIVER, path.join(process.env.HOME ?? "", ".cargo/bin/tauri-driver")]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return "tauri-driver";
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok || res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}

export { By, Key, until };
