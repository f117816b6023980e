// Vitrina — public booking page. Plain JavaScript, no dependencies: talks only to
// this origin's /v1/public endpoints.
"use strict";

(() => {
  const I18N = JSON.parse(document.getElementById("i18n").textContent);
  const PHONE_EXAMPLES = { CL: "+56 9 1234 5678", CO: "+57 300 123 4567", MX: "+52 55 1234 5678" };

  const state = {
    lang: document.documentElement.lang === "en" ? "en" : "es",
    step: 1,
    services: [],
    service: null,
    stores: [],
    near: null, // what the stores are near: { place } or { you: true }
    store: null,
    from: null, // first local date of the slot window, YYYY-MM-DD
    firstFrom: null,
    slots: null,
    day: null,
    stylist: "",
    suggested: [],
    hold: null,
    deadline: 0,
    timer: 0,
    booking: null,
    busy: false,
  };

  const $ = (id) => document.getElementById(id);

  function t(key, vars) {
    let text = (I18N[state.lang] && I18N[state.lang][key]) || I18N.es[key] || key;
    for (const [name, value] of Object.entries(vars || {})) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // ------------------------------------------------------------ API

  async function api(method, path, body) {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: body ? { "content-type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
        credentials: "same-origin",
      });
    } catch (_) {
      throw { code: "network" };
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    if (!response.ok) {
      const error = data && data.code ? data : { code: "internal" };
      error.status = response.status;
      error.retryAfter = Number(response.headers.get("retry-after")) || 0;
      throw error;
    }
    return data;
  }

  function errorText(error) {
    switch (error && error.code) {
      case "network":
        return t("network");
      case "rate_limited":
        return t("rate_limited", { n: error.retryAfter || 30 });
      case "place_not_found":
        return t("place_not_found");
      case "slot_taken":
        return t("slot_taken");
      case "hold_expired":
        return t("hold_expired");
      default:
        return t("generic_error");
    }
  }

  function say(id, text, info) {
    const node = $(id);
    node.textContent = text || "";
    node.classList.toggle("info", Boolean(info));
  }

  // ------------------------------------------------------------ formatting

  function locale() {
    const country = state.store ? state.store.country : "";
    return state.lang === "en" ? "en" : country ? `es-${country}` : "es";
  }

  const serviceName = (s) => (state.lang === "en" ? s.name_en : s.name_es);
  const serviceText = (s) => (state.lang === "en" ? s.description_en : s.description_es);

  function priceText(service) {
    if (!state.store || !service) return "";
    const price = service.prices.find((p) => p.currency === state.store.currency);
    if (!price) return "";
    if (price.minor === 0) return t("free");
    const amount = price.minor / 10 ** price.digits;
    try {
      return new Intl.NumberFormat(locale(), {
        style: "currency",
        currency: price.currency,
        minimumFractionDigits: price.digits,
        maximumFractionDigits: price.digits,
      }).format(amount);
    } catch (_) {
      return `${price.currency} ${amount.toFixed(price.digits)}`;
    }
  }

  function distanceText(km) {
    const n = new Intl.NumberFormat(locale(), { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km);
    return t("km", { n });
  }

  /** A local date "YYYY-MM-DD" as a Date at UTC midnight, formatted in UTC: no shift. */
  function dateOf(text) {
    const [y, m, d] = text.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }

  function formatDay(text, options) {
    return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", ...options }).format(dateOf(text));
  }

  function formatWhen(startIso, endIso) {
    const zone = state.store.time_zone;
    const day = new Intl.DateTimeFormat(locale(), {
      timeZone: zone,
      weekday: "long",
      day: "numeric",
      month: "long",
    }).format(new Date(startIso));
    const time = new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    return `${day}, ${time.format(new Date(startIso))}–${time.format(new Date(endIso))}`;
  }

  function addDays(text, n) {
    const date = dateOf(text);
    date.setUTCDate(date.getUTCDate() + n);
    return date.toISOString().slice(0, 10);
  }

  // ------------------------------------------------------------ steps

  function go(step) {
    state.step = step;
    document.body.dataset.step = String(step);
    for (const section of document.querySelectorAll(".step")) {
      section.hidden = Number(section.dataset.step) !== step;
    }
    for (const item of document.querySelectorAll(".progress li")) {
      const n = Number(item.dataset.step);
      item.classList.toggle("done", n < step);
      item.classList.toggle("current", n === step);
      if (n === step) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    }
    document.querySelector(".progress").hidden = step > 4;
    renderStep();
    const heading = document.querySelector(`.step[data-step="${step}"] h2`);
    if (heading && document.readyState === "complete") heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  function renderStep() {
    if (state.step === 1) renderServices();
    if (state.step === 2) renderStoreStep();
    if (state.step === 3) renderTimeStep();
    if (state.step === 4) renderDetails();
    if (state.step === 5) renderDone();
  }

  function chosenRow(what, value, back) {
    return el(
      "div",
      { class: "chosen-row" },
      el("span", {}, el("span", { class: "what", text: `${what}: ` }), el("strong", { text: value })),
      el("button", { type: "button", class: "link", text: t("change"), onclick: () => go(back) }),
    );
  }

  // ------------------------------------------------------------ 1. service

  async function loadServices() {
    try {
      state.services = await api("GET", "/v1/public/services");
      renderServices();
    } catch (error) {
      $("services").replaceChildren();
      say("service-msg", errorText(error));
    }
  }

  function renderServices() {
    const box = $("services");
    if (!state.services.length) return;
    box.replaceChildren();
    for (const service of state.services) {
      const meta = el("span", { class: "choice-meta" }, el("span", { text: t("minutes", { n: service.duration_minutes }) }));
      const price = priceText(service);
      if (price) meta.append(el("span", { text: price }));
      box.append(
        el(
          "button",
          {
            type: "button",
            class: `choice${state.service && state.service.id === service.id ? " selected" : ""}`,
            "data-service": service.id,
            onclick: () => chooseService(service),
          },
          el("span", { class: "choice-title", text: serviceName(service) }),
          el("span", { class: "choice-text", text: serviceText(service) }),
          meta,
        ),
      );
    }
  }

  function chooseService(service) {
    state.service = service;
    state.suggested = [];
    if (state.store) {
      state.from = null;
      loadSlots();
      go(3);
    } else {
      go(2);
    }
  }

  // ------------------------------------------------------------ 2. store

  function renderStoreStep() {
    $("chosen-store-step").replaceChildren(
      chosenRow(t("summary_service"), `${serviceName(state.service)} · ${t("minutes", { n: state.service.duration_minutes })}`, 1),
    );
    renderStores();
  }

  function renderStores() {
    const heading = $("stores-heading");
    heading.hidden = !state.stores.length;
    const near = state.near || {};
    heading.textContent = near.you ? t("near_you") : t("near_place", { place: near.place || "" });
    const box = $("stores");
    box.replaceChildren();
    for (const store of state.stores) {
      box.append(
        el(
          "button",
          {
            type: "button",
            class: `choice${state.store && state.store.id === store.id ? " selected" : ""}`,
            "data-store": store.id,
            onclick: () => chooseStore(store),
          },
          el("span", { class: "choice-title", text: store.name }),
          el("span", { class: "choice-text", text: `${store.address}, ${store.city}` }),
          el("span", { class: "choice-meta" }, el("span", { class: "distance", text: distanceText(store.distance_km) })),
        ),
      );
    }
  }

  async function findStores(query, nearOf) {
    say("store-msg", t("searching"), true);
    try {
      const answer = await api("GET", `/v1/public/stores?${query}`);
      state.stores = answer.stores;
      state.near = nearOf(answer);
      say("store-msg", "");
    } catch (error) {
      state.stores = [];
      say("store-msg", errorText(error));
    }
    renderStores();
  }

  $("store-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("place").value.trim();
    if (!text) {
      say("store-msg", t("place_not_found"));
      $("place").focus();
      return;
    }
    findStores(`q=${encodeURIComponent(text)}`, (answer) => ({
      place: answer.place ? `${answer.place.name}, ${answer.place.city}` : text,
    }));
  });

  $("locate").addEventListener("click", () => {
    if (!("geolocation" in navigator)) {
      say("store-msg", t("geo_failed"));
      return;
    }
    say("store-msg", t("locating"), true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        findStores(`near=${latitude.toFixed(5)},${longitude.toFixed(5)}`, () => ({ you: true }));
      },
      () => say("store-msg", t("geo_failed")),
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 },
    );
  });

  function chooseStore(store) {
    state.store = store;
    state.from = null;
    state.stylist = "";
    state.suggested = [];
    loadSlots();
    go(3);
  }

  // ------------------------------------------------------------ 3. time

  async function loadSlots() {
    state.slots = null;
    renderTimeStep();
    const params = new URLSearchParams({ store: state.store.id, service: state.service.id });
    if (state.from) params.set("from", state.from);
    if (state.stylist) params.set("stylist", state.stylist);
    try {
      const answer = await api("GET", `/v1/public/slots?${params}`);
      state.slots = answer;
      if (!state.from || !state.firstFrom) state.firstFrom = answer.from;
      state.from = answer.from;
      const withSlots = answer.days.find((d) => d.slots.length);
      const keep = state.day && answer.days.some((d) => d.date === state.day && d.slots.length);
      if (!keep) state.day = withSlots ? withSlots.date : null;
      say("time-msg", state.suggested.length ? t("slot_taken") : "", false);
    } catch (error) {
      state.slots = { days: [], stylists: [] };
      say("time-msg", errorText(error));
    }
    renderTimeStep();
  }

  function renderTimeStep() {
    if (!state.store || !state.service) return;
    const chosen = $("chosen-time-step");
    chosen.replaceChildren(
      chosenRow(t("summary_service"), serviceName(state.service), 1),
      chosenRow(t("summary_store"), state.store.name, 2),
    );
    const price = priceText(state.service);
    if (price) chosen.append(el("div", { class: "chosen-row" }, el("span", {}, el("span", { class: "what", text: `${t("summary_price")}: ` }), el("strong", { text: price }))));

    const select = $("stylist");
    select.replaceChildren(el("option", { value: "", text: t("no_preference") }));
    for (const stylist of (state.slots && state.slots.stylists) || []) {
      select.append(el("option", { value: stylist.id, text: stylist.name }));
    }
    select.value = state.stylist;

    $("tz-note").textContent = t("store_time_note", { city: state.store.city });
    const days = $("days");
    const slots = $("slots");
    days.replaceChildren();
    slots.replaceChildren();
    $("earlier").disabled = !state.slots || !state.firstFrom || state.from <= state.firstFrom;
    $("later").disabled = !state.slots;
    if (!state.slots) {
      slots.append(el("p", { class: "muted", text: t("loading") }));
      return;
    }
    for (const day of state.slots.days) {
      days.append(
        el(
          "button",
          {
            type: "button",
            class: "day",
            "data-date": day.date,
            "aria-pressed": String(day.date === state.day),
            disabled: !day.slots.length,
            "aria-label": formatDay(day.date, { weekday: "long", day: "numeric", month: "long" }),
            onclick: () => {
              state.day = day.date;
              renderTimeStep();
            },
          },
          el("span", { class: "wd", text: formatDay(day.date, { weekday: "short" }) }),
          el("span", { class: "dn", text: formatDay(day.date, { day: "numeric" }) }),
          el("span", { class: "mo", text: formatDay(day.date, { month: "short" }) }),
        ),
      );
    }
    const day = state.slots.days.find((d) => d.date === state.day);
    if (!day) {
      slots.append(el("p", { class: "muted", text: state.slots.days.length ? t("no_slots") : "" }));
      return;
    }
    slots.append(el("p", { class: "day-title", text: formatDay(day.date, { weekday: "long", day: "numeric", month: "long" }) }));
    const grid = el("div", { class: "grid" });
    for (const slot of day.slots) {
      const suggested = state.suggested.some((s) => s.start === slot.start);
      grid.append(
        el("button", {
          type: "button",
          class: `slot${suggested ? " suggested" : ""}`,
          "data-start": slot.start,
          title: suggested ? t("suggested") : undefined,
          text: slot.time,
          onclick: (event) => holdSlot(slot, event.currentTarget),
        }),
      );
    }
    slots.append(grid);
  }

  $("stylist").addEventListener("change", (event) => {
    state.stylist = event.target.value;
    state.suggested = [];
    loadSlots();
  });

  $("later").addEventListener("click", () => {
    if (!state.slots) return;
    state.from = addDays(state.slots.to, 1);
    state.day = null;
    loadSlots();
  });

  $("earlier").addEventListener("click", () => {
    if (!state.slots) return;
    const from = addDays(state.slots.from, -14);
    state.from = from < state.firstFrom ? state.firstFrom : from;
    state.day = null;
    loadSlots();
  });

  async function releaseHold() {
    stopCountdown();
    const hold = state.hold;
    state.hold = null;
    if (hold) {
      try {
        await api("DELETE", `/v1/public/holds/${encodeURIComponent(hold.hold_id)}`);
      } catch (_) {
        // It expires by itself in a few minutes.
      }
    }
  }

  async function holdSlot(slot, button) {
    if (state.busy) return;
    state.busy = true;
    for (const b of document.querySelectorAll(".slot")) b.disabled = true;
    if (button) button.textContent = "…";
    say("time-msg", t("holding"), true);
    await releaseHold();
    try {
      const hold = await api("POST", "/v1/public/holds", {
        store_id: state.store.id,
        service_id: state.service.id,
        stylist_id: state.stylist || null,
        start: slot.start,
      });
      state.hold = hold;
      state.deadline = Date.now() + hold.seconds_left * 1000;
      state.suggested = [];
      say("time-msg", "");
      say("details-msg", "");
      go(4);
      startCountdown();
    } catch (error) {
      state.suggested = error.alternatives || [];
      if (error.code === "slot_taken") {
        await loadSlots();
        say("time-msg", t("slot_taken"));
      } else {
        renderTimeStep();
        say("time-msg", errorText(error));
      }
    } finally {
      state.busy = false;
    }
  }

  // ------------------------------------------------------------ 4. details

  function summaryRows(list, rows) {
    list.replaceChildren();
    for (const [term, value, sub] of rows) {
      if (!value) continue;
      list.append(el("dt", { text: term }), el("dd", {}, value, sub ? el("span", { class: "sub", text: sub }) : null));
    }
  }

  function renderDetails() {
    if (!state.hold) return;
    summaryRows($("hold-summary"), [
      [t("summary_service"), serviceName(state.service)],
      [t("summary_when"), formatWhen(state.hold.start, state.hold.end)],
      [t("summary_store"), state.store.name, `${state.store.address}, ${state.store.city}`],
      [t("summary_stylist"), state.hold.stylist.name],
      [t("summary_price"), priceText(state.service)],
    ]);
    $("phone").placeholder = PHONE_EXAMPLES[state.store.country] || "+56 9 1234 5678";
    $("email").placeholder = state.lang === "en" ? "name@example.com" : "nombre@correo.com";
    for (const field of ["name", "phone", "email"]) {
      const error = $(`${field}-error`);
      if (!error.hidden) error.textContent = fieldError(field);
    }
    tick();
  }

  function fieldError(field) {
    if (field === "phone") return t("err_phone", { example: PHONE_EXAMPLES[state.store.country] || "+56 9 1234 5678" });
    return t(`err_${field}`);
  }

  function showFieldError(field, show) {
    const input = $(field);
    const error = $(`${field}-error`);
    error.hidden = !show;
    error.textContent = show ? fieldError(field) : "";
    if (show) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function validate() {
    const name = $("name").value.trim();
    const phoneDigits = $("phone").value.replace(/\D/g, "");
    const email = $("email").value.trim();
    const bad = {
      name: (name.match(/\p{L}/gu) || []).length < 2,
      phone: phoneDigits.length < 8 || phoneDigits.length > 15 || /[^\d\s+().\-/]/.test($("phone").value),
      email: !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[^\s@.\d]{2,}$/.test(email),
    };
    for (const field of Object.keys(bad)) showFieldError(field, bad[field]);
    const first = Object.keys(bad).find((field) => bad[field]);
    if (first) $(first).focus();
    return !first;
  }

  for (const field of ["name", "phone", "email"]) {
    $(field).addEventListener("input", () => {
      if (!$(`${field}-error`).hidden) showFieldError(field, false);
    });
  }

  function startCountdown() {
    stopCountdown();
    $("confirm").disabled = false;
    $("confirm").hidden = false;
    $("pick-again").hidden = true;
    tick();
    state.timer = window.setInterval(tick, 1000);
  }

  function stopCountdown() {
    if (state.timer) window.clearInterval(state.timer);
    state.timer = 0;
  }

  function tick() {
    const node = $("countdown");
    if (!state.hold) {
      node.textContent = "";
      return;
    }
    const left = Math.max(0, Math.round((state.deadline - Date.now()) / 1000));
    if (left === 0) {
      expired();
      return;
    }
    const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    node.classList.remove("expired");
    node.textContent = t("held_for", { time });
  }

  function expired() {
    stopCountdown();
    const node = $("countdown");
    node.classList.add("expired");
    node.textContent = t("hold_expired");
    $("confirm").hidden = true;
    $("pick-again").hidden = false;
  }

  $("pick-again").addEventListener("click", async () => {
    await releaseHold();
    loadSlots();
    go(3);
  });

  $("details-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy || !state.hold) return;
    say("details-msg", "");
    if (!validate()) return;
    state.busy = true;
    const button = $("confirm");
    button.disabled = true;
    button.textContent = t("confirming");
    try {
      const booking = await api("POST", `/v1/public/holds/${encodeURIComponent(state.hold.hold_id)}/confirm`, {
        name: $("name").value.trim(),
        phone: $("phone").value.trim(),
        email: $("email").value.trim(),
      });
      stopCountdown();
      state.booking = booking;
      state.hold = null;
      go(5);
    } catch (error) {
      if (error.code === "invalid" && ["name", "phone", "email"].includes(error.field)) {
        showFieldError(error.field, true);
        $(error.field).focus();
      } else if (error.code === "hold_expired" || error.code === "slot_taken" || error.code === "not_found") {
        stopCountdown();
        state.hold = null;
        state.suggested = error.alternatives || [];
        await loadSlots();
        go(3);
        say("time-msg", error.code === "slot_taken" ? t("slot_taken") : t("hold_expired"));
      } else {
        say("details-msg", errorText(error));
      }
    } finally {
      state.busy = false;
      button.disabled = false;
      button.textContent = t("confirm");
    }
  });

  // ------------------------------------------------------------ 5. done

  function renderDone() {
    const booking = state.booking;
    if (!booking) return;
    summaryRows($("done-summary"), [
      [t("summary_service"), serviceName(state.service)],
      [t("summary_when"), formatWhen(booking.start, booking.end)],
      [t("summary_store"), state.store.name, `${state.store.address}, ${state.store.city}`],
      [t("summary_stylist"), booking.stylist.name],
      [t("summary_price"), priceText(state.service)],
      [t("summary_ref"), booking.booking_id.slice(-8).toUpperCase()],
    ]);
    const link = $("ics");
    link.href = `${booking.calendar_url}&lang=${state.lang}`;
    link.setAttribute("download", state.lang === "en" ? "vitrina-booking.ics" : "vitrina-reserva.ics");
  }

  $("again").addEventListener("click", () => {
    state.booking = null;
    state.service = null;
    state.from = null;
    state.day = null;
    state.suggested = [];
    for (const field of ["name", "phone", "email"]) showFieldError(field, false);
    go(1);
  });

  // ------------------------------------------------------------ language and navigation

  function translate() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
    for (const button of document.querySelectorAll(".lang")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    }
  }

  for (const button of document.querySelectorAll(".lang")) {
    button.addEventListener("click", () => {
      state.lang = button.dataset.lang === "en" ? "en" : "es";
      const url = new URL(window.location.href);
      url.searchParams.set("lang", state.lang);
      window.history.replaceState(null, "", url);
      translate();
      renderStep();
      if (state.hold) tick();
    });
  }

  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", async () => {
      const to = Number(button.dataset.back);
      if (state.step === 4) {
        await releaseHold();
        loadSlots();
      }
      go(to);
    });
  }

  translate();
  go(1);
  loadServices();
})();
