import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

async function start(): Promise<void> {
  // Outside the desktop shell (plain `npm run dev` in a browser) a fake
  // backend stands in so the screens can be tried. Never part of a build.
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { installDevBackend } = await import("./dev/backend");
    installDevBackend();
  }
  mount(App, { target: document.getElementById("app")! });
}

void start();
