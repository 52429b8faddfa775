/* Field app (PWA): the team's orders of the day in route order, kept in IndexedDB so the app works
   with no signal; every action becomes an event with an id made on the phone, queued in IndexedDB
   (the outbox) and sent in batches to /api/v1/field/sync when there is a connection. The server
   answers per event: applied, already applied (a replay changes nothing) or rejected with a reason. */
(function () {
  "use strict";

  const root = document.getElementById("app");
  const els = {
    orders: document.getElementById("orders"),
    team: document.getElementById("team"),
    net: document.getElementById("net"),
    pending: document.getElementById("pending"),
    message: document.getElementById("message"),
    rejected: document.getElementById("rejected"),
    sync: document.getElementById("sync"),
    photo: document.getElementById("photoInput"),
  };
  const state = { orders: [], materials: [], destinations: [], team: null, interval: 300, local: {}, syncing: false };
  let db = null;
  let seq = 0;
  let current = null; // the order a dialog acts on
  let lastPosition = 0;

  // --- IndexedDB (common/offline_store.js) ---------------------------------------------------
  const { uuid, csrf } = window.OfflineStore;
  const openDb = () => window.OfflineStore.open("campo", { meta: null, outbox: { keyPath: "id" } });
  const idb = window.OfflineStore.over(() => db);

  async function deviceId() {
    let id = await idb.get("meta", "device");
    if (!id) {
      id = `pwa-${uuid()}`;
      await idb.put("meta", id, "device");
    }
    return id;
  }

  // --- the day's list --------------------------------------------------------------------------
  function apply(today) {
    state.orders = today.orders || [];
    if (today.materials) state.materials = today.materials;
    if (today.destinations) state.destinations = today.destinations;
    if (today.team) state.team = today.team;
    if (today.sync_interval_seconds) state.interval = today.sync_interval_seconds;
  }

  async function refresh() {
    try {
      const response = await fetch(root.dataset.todayUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) {
        say(body.detail || "Não foi possível carregar as ordens do dia.");
      } else {
        apply(body);
        await idb.put("meta", body, "today");
        setOnline(true);
      }
    } catch (e) {
      const cached = await idb.get("meta", "today");
      if (cached) apply(cached);
      setOnline(false);
    }
    await render();
  }

  function setOnline(online) {
    els.net.textContent = online ? "Conectado" : "Sem conexão";
    els.net.classList.toggle("offline", !online);
  }
  function say(text) {
    els.message.textContent = text;
    els.message.hidden = !text;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function render() {
    const outbox = await idb.all("outbox");
    state.local = (await idb.get("meta", "local")) || {};
    els.pending.textContent = `${outbox.filter((e) => e.type !== "position").length} evento(s) aguardando envio`;
    els.team.textContent = state.team ? state.team.name : "—";
    els.orders.replaceChildren();
    if (!state.orders.length) {
      els.orders.appendChild(el("li", { class: "card" }, "Nenhuma ordem para hoje."));
    }
    state.orders.forEach((order, index) => {
      const local = state.local[order.id];
      const status = local ? local.status : order.status;
      const li = el("li", { class: "card", "data-order": String(order.id) });
      li.appendChild(el("h2", {}, `${index + 1}. OS ${order.label} · ${order.code}`));
      li.appendChild(el("p", { class: "addr" }, order.address || "Sem endereço"));
      li.appendChild(el("p", { class: "meta" }, `${order.service} · matrícula ${order.account || "—"} · prioridade ${order.priority}`));
      const label = local ? local.label : order.status_label;
      li.appendChild(el("span", { class: `status ${status}` }, label));
      if (local && local.pending) li.appendChild(el("span", { class: "local" }, " · guardado no aparelho, aguardando envio"));
      const actions = el("div", { class: "actions" });
      const add = (text, fn, cls) => {
        const b = el("button", { type: "button", class: `btn small ${cls || ""}` }, text);
        b.addEventListener("click", () => fn(order));
        actions.appendChild(b);
      };
      if (status !== "done") {
        if (status === "scheduled") add("Iniciar", (o) => enqueue("start", o, {}, "in_progress", "Em execução"));
        if (status === "in_progress") add("Pausar", (o) => askReason(o, "pause"), "secondary");
        if (status === "paused") add("Retomar", (o) => enqueue("resume", o, {}, "in_progress", "Em execução"));
        add("Encerrar", openClose);
        add("Não executada", (o) => askReason(o, "not_execute"), "secondary");
        add("Foto", takePhoto, "secondary");
        add("Crachá", openBadge, "secondary");
        add("Aviso ao cliente", openNotice, "secondary");
      }
      li.appendChild(actions);
      els.orders.appendChild(li);
    });
    const rejected = (await idb.get("meta", "rejected")) || [];
    els.rejected.hidden = !rejected.length;
    const ul = els.rejected.querySelector("ul");
    ul.replaceChildren(...rejected.map((r) => el("li", {}, `OS ${r.label || r.order || "—"}: ${r.message}`)));
  }

  // --- events ----------------------------------------------------------------------------------
  async function enqueue(type, order, payload, status, label) {
    const event = { id: uuid(), type, order: order ? order.id : null, at: new Date().toISOString(), payload, seq: Date.now() * 1000 + (seq++ % 1000), label: order ? order.label : "" };
    await idb.put("outbox", event);
    if (order && status) {
      const local = (await idb.get("meta", "local")) || {};
      local[order.id] = { status, label, pending: true };
      await idb.put("meta", local, "local");
    }
    await render();
    if (navigator.onLine) sync();
    return event;
  }

  async function sync() {
    if (state.syncing) return;
    state.syncing = true;
    try {
      const outbox = (await idb.all("outbox")).sort((a, b) => a.seq - b.seq);
      const events = outbox.map(({ id, type, order, at, payload }) => ({ id, type, order, at, payload }));
      const response = await fetch(root.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ device_id: await deviceId(), events }),
      });
      const body = await response.json();
      if (!response.ok) {
        say(body.detail || "O servidor recusou o envio.");
        return;
      }
      setOnline(true);
      const rejected = (await idb.get("meta", "rejected")) || [];
      const byId = Object.fromEntries(outbox.map((e) => [e.id, e]));
      for (const result of body.results) {
        if (result.status === "rejected") {
          const e = byId[result.id] || {};
          rejected.push({ id: result.id, order: e.order, label: e.label, message: result.message, code: result.code });
        }
        await idb.del("outbox", result.id);
      }
      await idb.put("meta", rejected.slice(-20), "rejected");
      await idb.put("meta", {}, "local");
      const today = (await idb.get("meta", "today")) || {};
      today.orders = body.orders;
      await idb.put("meta", today, "today");
      apply(today);
      say(body.rejected ? `${body.rejected} evento(s) recusado(s): veja abaixo.` : "");
      els.sync.dataset.last = new Date().toISOString();
    } catch (e) {
      setOnline(false);
    } finally {
      state.syncing = false;
      await render();
    }
  }

  // --- dialogs ---------------------------------------------------------------------------------
  function dialog(id) {
    const d = document.getElementById(id);
    d.querySelectorAll("[data-cancel]").forEach((b) => { b.onclick = () => d.close(); });
    return d;
  }
  function localNow() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }
  function field(spec, prefix) {
    const wrap = el("div");
    // the common fields are the phone's (`key`); the code's own come from its closing form (`name`)
    const key = spec.name || spec.key;
    const id = `${prefix}-${key}`;
    wrap.appendChild(el("label", { htmlFor: id }, spec.label + (spec.required ? " *" : "")));
    let input;
    if (spec.kind === "choice") {
      input = el("select", { id, name: key });
      input.appendChild(el("option", { value: "" }, "—"));
      (spec.choices || []).forEach((c) => input.appendChild(el("option", { value: c }, c)));
    } else if (spec.kind === "yes_no") {
      input = el("select", { id, name: key });
      [["", "—"], ["true", "Sim"], ["false", "Não"]].forEach(([v, t]) => input.appendChild(el("option", { value: v }, t)));
    } else if (spec.kind === "datetime") {
      input = el("input", { id, name: key, type: "datetime-local", value: localNow() });
    } else if (spec.kind === "number") {
      input = el("input", { id, name: key, type: "number", step: "any", min: "0", inputMode: "decimal" });
    } else {
      input = el("input", { id, name: key, type: "text" });
    }
    input.required = !!spec.required;
    input.dataset.kind = spec.kind;
    wrap.appendChild(input);
    return wrap;
  }
  function materialLine(code, quantity) {
    const line = el("div", { class: "mline" });
    const select = el("select", { class: "mat-code", "aria-label": "Material" });
    select.appendChild(el("option", { value: "" }, "—"));
    state.materials.forEach((m) => select.appendChild(el("option", { value: m.code }, `${m.code} — ${m.description} (${m.unit})`)));
    select.value = code || "";
    const qty = el("input", { class: "mat-qty", type: "number", step: "any", min: "0", value: quantity || "", "aria-label": "Quantidade" });
    line.append(select, qty);
    document.getElementById("materialLines").appendChild(line);
  }

  function openClose(order) {
    current = order;
    const d = dialog("closeDialog");
    document.getElementById("closeTitle").textContent = `Encerrar OS ${order.label}`;
    const common = document.getElementById("closeCommon");
    common.replaceChildren(...order.closing_form.common.filter((s) => s.kind !== "materials").map((s) => field(s, "f")));
    document.getElementById("materialLines").replaceChildren();
    (order.kit.length ? order.kit : [{}]).forEach((k) => materialLine(k.code, k.quantity));
    const own = document.getElementById("closeFields");
    own.replaceChildren(...order.closing_form.fields.map((s) => field(s, "q")));
    d.showModal();
  }
  document.getElementById("addMaterial").addEventListener("click", () => materialLine());
  document.getElementById("closeForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = e.target;
    if (!form.reportValidity()) return;
    const order = current;
    const value = (id) => document.getElementById(id).value.trim();
    const answers = {};
    order.closing_form.fields.forEach((s) => {
      const raw = value(`q-${s.name}`);
      if (raw === "") return;
      answers[s.name] = raw;
    });
    const materials = [];
    document.querySelectorAll("#materialLines .mline").forEach((line) => {
      const code = line.querySelector(".mat-code").value;
      const quantity = line.querySelector(".mat-qty").value;
      if (code && quantity) materials.push({ code, quantity });
    });
    const payload = {
      team: state.team ? state.team.id : null,
      executed_at: new Date(value("f-executed_at")).toISOString(),
      vehicle_plate: value("f-vehicle_plate"),
      distance_km: value("f-distance_km"),
      travel_minutes: value("f-travel_minutes"),
      notes: value("f-notes"),
      materials,
      answers,
    };
    document.getElementById("closeDialog").close();
    await enqueue("close", order, payload, "done", "Executada");
  });

  function askReason(order, kind) {
    current = order;
    const d = dialog("reasonDialog");
    document.getElementById("reasonTitle").textContent = kind === "pause" ? `Pausar OS ${order.label}: motivo da paralisação` : `OS ${order.label} não executada`;
    document.getElementById("reasonText").value = "";
    const box = document.getElementById("destinationBox");
    box.hidden = kind !== "not_execute";
    const select = document.getElementById("destination");
    select.replaceChildren(...state.destinations.map((o) => el("option", { value: o.value }, o.label)));
    d.dataset.kind = kind;
    d.showModal();
  }
  document.getElementById("reasonForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!e.target.reportValidity()) return;
    const d = document.getElementById("reasonDialog");
    const reason = document.getElementById("reasonText").value.trim();
    d.close();
    if (d.dataset.kind === "pause") {
      await enqueue("pause", current, { reason }, "paused", "Pausada");
    } else {
      await enqueue(
        "not_execute",
        current,
        { reason, destination: document.getElementById("destination").value, team: state.team ? state.team.id : null, executed_at: new Date().toISOString() },
        "done",
        "Não executada"
      );
    }
  });

  function where() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null), { timeout: 5000, maximumAge: 60000 });
    });
  }
  function takePhoto(order) {
    current = order;
    els.photo.value = "";
    els.photo.click();
  }
  els.photo.addEventListener("change", () => {
    const file = els.photo.files && els.photo.files[0];
    if (!file || !current) return;
    const order = current;
    const reader = new FileReader();
    reader.onload = async () => {
      const coords = await where();
      const data = String(reader.result).split(",", 2)[1] || "";
      const event = await enqueue("photo", order, {
        data,
        taken_at: new Date(file.lastModified || Date.now()).toISOString(),
        latitude: coords ? coords.latitude.toFixed(6) : null,
        longitude: coords ? coords.longitude.toFixed(6) : null,
      });
      const photos = (await idb.get("meta", `photos:${order.id}`)) || [];
      photos.push(event.id);
      await idb.put("meta", photos, `photos:${order.id}`);
      say(`Foto guardada para a OS ${order.label}.`);
    };
    reader.readAsDataURL(file);
  });

  async function openBadge(order) {
    current = order;
    const d = dialog("badgeDialog");
    const input = document.getElementById("badgeCode");
    input.value = "";
    const video = document.getElementById("badgeVideo");
    d.showModal();
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return; // type the code instead
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "code_39", "ean_13"] });
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
      d.addEventListener("close", stop, { once: true });
      const scan = async () => {
        if (!d.open) return;
        const codes = await detector.detect(video).catch(() => []);
        if (codes.length) { input.value = codes[0].rawValue; stop(); return; }
        requestAnimationFrame(scan);
      };
      scan();
    } catch (e) {
      video.hidden = true; // no camera or no permission: typing works
    }
  }
  document.getElementById("badgeForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!e.target.reportValidity()) return;
    const badge = document.getElementById("badgeCode").value.trim();
    document.getElementById("badgeDialog").close();
    await enqueue("crew", current, { badge });
    say(`Crachá ${badge} guardado para a OS ${current.label}.`);
  });

  function openNotice(order) {
    current = order;
    const d = dialog("noticeDialog");
    document.getElementById("noticeText").value = "";
    d.showModal();
  }
  document.getElementById("noticeForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!e.target.reportValidity()) return;
    const text = document.getElementById("noticeText").value.trim();
    document.getElementById("noticeDialog").close();
    const photos = (await idb.get("meta", `photos:${current.id}`)) || [];
    await enqueue("notice", current, { text, photos });
    say(`Aviso guardado para a OS ${current.label}.`);
  });

  function watchPosition() {
    if (!navigator.geolocation) return;
    navigator.geolocation.watchPosition(
      (p) => {
        const now = Date.now();
        if (now - lastPosition < 60000) return;
        lastPosition = now;
        enqueue("position", null, {
          latitude: p.coords.latitude.toFixed(6),
          longitude: p.coords.longitude.toFixed(6),
          speed_kmh: p.coords.speed != null ? (p.coords.speed * 3.6).toFixed(1) : null,
          accuracy_m: p.coords.accuracy != null ? Math.round(p.coords.accuracy) : null,
        });
      },
      () => {},
      { enableHighAccuracy: true, maximumAge: 30000 }
    );
  }

  // --- start -----------------------------------------------------------------------------------
  async function start() {
    db = await openDb();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.sw, { scope: "/campo/" }).catch(() => {});
    }
    els.sync.addEventListener("click", () => sync());
    window.addEventListener("online", () => { setOnline(true); sync(); });
    window.addEventListener("offline", () => setOnline(false));
    await refresh();
    if (navigator.onLine && (await idb.all("outbox")).length) await sync();
    setInterval(() => { if (navigator.onLine) sync(); }, state.interval * 1000);
    watchPosition();
    root.dataset.ready = "1";
  }
  start();
})();
