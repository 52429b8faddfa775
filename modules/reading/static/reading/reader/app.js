/* Reader app (PWA, ADR 0227): the reader signs in with the staff sign-in, downloads the package of a
   route handed to them (properties in sequence, meter, previous readings, expected window, the
   tariff and each property's bill facts) into IndexedDB and reads with no signal: the reading is
   checked on the spot (outside the window or zero consumption: type it again), occurrences come from
   the utility's list (photo where the list asks), the position goes with each reading. Where the
   utility bills on the spot the bill is priced here by tariff.js with the server's rules and printed
   as ESC/POS (escpos.js) on a Web Serial / Web Bluetooth printer, or kept on the phone when none is
   connected. Every reading is an event with an id made on the phone, queued in IndexedDB and sent to
   /api/v1/reading/sync when there is signal: accepted, duplicate (a replay changes nothing) or
   refused with the reason; the server prices the reading again and flags a bill that differs. */
(function () {
  "use strict";

  const T = window.ReaderTariff;
  const P = window.ReaderEscPos;
  const root = document.getElementById("app");
  const $ = (id) => document.getElementById(id);
  const els = {
    net: $("net"), message: $("message"), routes: $("routes"), routeList: $("routeList"), route: $("route"),
    routeTitle: $("routeTitle"), routeFacts: $("routeFacts"), items: $("items"), search: $("search"),
    block: $("block"), status: $("status"), reverse: $("reverse"), reorder: $("reorder"), pending: $("pending"), sync: $("sync"),
    card: $("card"), facts: $("facts"), reading: $("reading"), occurrence: $("occurrence"), photoBox: $("photoBox"),
    photo: $("photo"), photos: $("photos"), photoNeed: $("photoNeed"), critique: $("critique"),
    critiqueText: $("critiqueText"), confirm: $("confirm"), billBox: $("billBox"), bill: $("bill"),
    reread: $("reread"), printing: $("printing"), paper: $("paper"), printerState: $("printerState"),
    rejected: $("rejected"), messages: $("messages"),
  };
  const state = { me: null, pkg: null, key: null, local: {}, order: [], index: -1, photos: [], syncing: false, printer: null };
  let db = null;

  // --- IndexedDB (common/offline_store.js) ---------------------------------------------------
  const { uuid, csrf } = window.OfflineStore;
  const openDb = () =>
    window.OfflineStore.open("leitura", { meta: null, outbox: { keyPath: "id" }, prints: { autoIncrement: true } });
  const idb = window.OfflineStore.over(() => db);
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
      else node[k] = v;
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(text, ok) {
    els.message.textContent = text || "";
    els.message.hidden = !text;
    els.message.classList.toggle("ok", !!ok);
  }
  function setOnline(online) {
    els.net.textContent = online ? "Conectado" : "Sem conexão";
    els.net.classList.toggle("offline", !online);
  }
  function toBase64(bytes) {
    let s = "";
    bytes.forEach((b) => { s += String.fromCharCode(b); });
    return btoa(s);
  }

  // --- the reader and their routes ---------------------------------------------------------------
  async function loadMe() {
    try {
      const response = await fetch(root.dataset.meUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) { say(body.detail || "Não foi possível carregar as rotas."); return; }
      state.me = body;
      await idb.put("meta", body, "me");
      setOnline(true);
    } catch (e) {
      state.me = (await idb.get("meta", "me")) || null;
      setOnline(false);
    }
  }
  function renderRoutes() {
    els.routeList.replaceChildren();
    const routes = (state.me && state.me.routes) || [];
    if (!routes.length) els.routeList.appendChild(el("li", { class: "card" }, "Nenhuma rota entregue a você."));
    routes.forEach((r) => {
      const li = el("li", { class: "card", "data-route": `${r.batch}:${r.route}` });
      li.appendChild(el("h3", {}, `Rota ${r.route} · grupo ${r.group} · ${r.reference.slice(5)}/${r.reference.slice(0, 4)}`));
      li.appendChild(el("p", { class: "meta" }, `${r.items} imóvel(is) · aparelho ${r.device || "—"}`));
      const b = el("button", { type: "button", class: "btn small" }, "Baixar carga");
      b.addEventListener("click", () => download(r));
      const open = el("button", { type: "button", class: "btn small secondary" }, "Abrir");
      open.addEventListener("click", () => openRoute(`${r.batch}:${r.route}`));
      const actions = el("div", { class: "actions" });
      actions.append(b, open);
      li.appendChild(actions);
      els.routeList.appendChild(li);
    });
  }
  async function download(r) {
    try {
      const response = await fetch(`${r.package}?device=${encodeURIComponent(r.device || "")}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const body = await response.json();
      if (!response.ok) { say(body.detail || "Não foi possível baixar a carga."); return; }
      const key = `${r.batch}:${r.route}`;
      await idb.put("meta", body, `package:${key}`);
      if (body.messages && body.messages.length) await keepMessages(body.messages);
      say(`Carga da rota ${r.route} baixada: ${body.properties.length} imóvel(is).`, true);
      await openRoute(key);
    } catch (e) {
      setOnline(false);
      say("Sem conexão: a carga não pôde ser baixada.");
    }
  }

  // --- the route -------------------------------------------------------------------------------
  async function openRoute(key) {
    const pkg = await idb.get("meta", `package:${key}`);
    if (!pkg) { say("Baixe a carga da rota primeiro."); return; }
    state.pkg = pkg;
    state.key = key;
    state.local = (await idb.get("meta", `local:${key}`)) || {};
    await idb.put("meta", key, "active");
    const blocks = [...new Set(pkg.properties.map((p) => card(p).block).filter((b) => b !== null && b !== undefined))].sort((a, b) => a - b);
    els.block.replaceChildren(el("option", { value: "" }, "Todas"), ...blocks.map((b) => el("option", { value: String(b) }, `Quadra ${b}`)));
    els.occurrence.replaceChildren(el("option", { value: "" }, "Nenhuma"), ...pkg.occurrences.map((o) => el("option", { value: o.code }, `${o.code} — ${o.description}${o.photo_required ? " (foto)" : ""}`)));
    els.routeTitle.textContent = `Rota ${pkg.route} · grupo ${pkg.group} · referência ${pkg.reference.slice(5)}/${pkg.reference.slice(0, 4)}`;
    els.route.hidden = false;
    els.routes.hidden = true;
    els.printing.hidden = !(pkg.app && pkg.app.on_site_billing);
    els.paper.textContent = rollEstimate();
    startTrack();
    await renderList();
  }
  function card(p) { return (state.pkg.cards && state.pkg.cards[String(p.id)]) || {}; }
  function billFacts(p) {
    const b = state.pkg.billing;
    return b && b.properties ? b.properties[String(p.id)] : null;
  }
  function visible() {
    const q = els.search.value.trim().toLowerCase();
    const block = els.block.value;
    const status = els.status.value;
    let list = state.pkg.properties.filter((p) => {
      if (q && ![p.meter, p.address, p.account].some((v) => String(v || "").toLowerCase().includes(q))) return false;
      if (block && String(card(p).block) !== block) return false;
      const read = !!state.local[p.id];
      if (status === "read" && !read) return false;
      if (status === "unread" && read) return false;
      return true;
    });
    if (els.reverse.checked) list = list.slice().reverse();
    return list;
  }
  async function renderList() {
    const outbox = await idb.all("outbox");
    els.pending.textContent = `${outbox.length} leitura(s) aguardando envio`;
    state.order = visible();
    const read = state.pkg.properties.filter((p) => state.local[p.id]).length;
    els.routeFacts.textContent = `${read} de ${state.pkg.properties.length} lido(s) · aparelho ${state.pkg.device || "—"}`;
    els.items.replaceChildren(...state.order.map((p, i) => {
      const local = state.local[p.id];
      const li = el("li");
      const b = el("button", { type: "button", class: `item${state.index >= 0 && state.order[state.index] === p ? " current" : ""}`, "data-property": String(p.id) });
      const text = el("span");
      text.appendChild(el("strong", {}, `${p.sequence}. ${p.address}`));
      text.appendChild(el("span", { class: "meta" }, ` · matrícula ${p.account} · hidr. ${p.meter || "—"}`));
      b.appendChild(text);
      const tags = el("span");
      if (p.reread) tags.appendChild(el("span", { class: "tag reread" }, "Releitura"));
      if (local) tags.appendChild(el("span", { class: `tag ${local.occurrence ? "occ" : "read"}` }, local.status || "Lido"));
      else tags.appendChild(el("span", { class: "tag" }, "Pendente"));
      b.appendChild(tags);
      b.addEventListener("click", () => openCard(i));
      li.appendChild(b);
      if (reordering()) {
        // the reader adjusts the route (3.2.5.25): moved here, sent back with the next sync
        const moves = el("div", { class: "moves" });
        const up = el("button", { type: "button", class: "btn small secondary", "data-up": String(p.id), "aria-label": `Subir ${p.address}` }, "▲");
        const down = el("button", { type: "button", class: "btn small secondary", "data-down": String(p.id), "aria-label": `Descer ${p.address}` }, "▼");
        up.disabled = i === 0;
        down.disabled = i === state.order.length - 1;
        up.addEventListener("click", () => move(p, -1));
        down.addEventListener("click", () => move(p, 1));
        moves.append(up, down);
        li.appendChild(moves);
      }
      return li;
    }));
    const rejected = (await idb.get("meta", "rejected")) || [];
    els.rejected.hidden = !rejected.length;
    els.rejected.querySelector("ul").replaceChildren(...rejected.map((r) => el("li", {}, `${r.label}: ${r.reason}`)));
  }
  // reordering works on the whole route as downloaded: no search, filter or reversed view
  function reordering() {
    return els.reorder.checked && !els.search.value.trim() && !els.block.value && !els.status.value && !els.reverse.checked;
  }
  async function move(p, step) {
    const list = state.pkg.properties;
    const at = list.indexOf(p);
    const to = at + step;
    if (at < 0 || to < 0 || to >= list.length) return;
    [list[at], list[to]] = [list[to], list[at]];
    list.forEach((q, i) => { q.sequence = (i + 1) * 10; }); // renumbered as the server does
    await idb.put("meta", state.pkg, `package:${state.key}`);
    await idb.put("meta", { batch: state.pkg.batch, route: state.pkg.route, device: state.pkg.device, properties: list.map((q) => q.id) }, `order:${state.key}`);
    await renderList();
    if (navigator.onLine) sync();
  }
  els.reorder.addEventListener("change", () => renderList());
  ["input", "change"].forEach((ev) => {
    els.search.addEventListener(ev, () => renderList());
    els.block.addEventListener(ev, () => renderList());
    els.status.addEventListener(ev, () => renderList());
    els.reverse.addEventListener(ev, () => renderList());
  });

  // --- the property's card and the reading -------------------------------------------------------
  function fact(label, value) {
    return [el("dt", {}, label), el("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value))];
  }
  function openCard(index) {
    if (index < 0 || index >= state.order.length) return;
    state.index = index;
    const p = state.order[index];
    const c = card(p);
    const local = state.local[p.id];
    $("cardTitle").textContent = `${p.sequence}. ${p.address}`;
    els.reread.hidden = !p.reread;
    els.reread.textContent = p.reread ? `Releitura pedida: ${p.reread}` : "";
    const where = p.lat && p.lon ? `${p.lat}, ${p.lon}` : "—";
    els.facts.replaceChildren(
      ...fact("Matrícula", p.account), ...fact("Endereço", p.address), ...fact("Titular", c.holder),
      ...fact("Categoria", (c.category_names || []).join(", ")), ...fact("Economias", p.economies || (p.categories || []).reduce((a, c) => a + Number(c[1] || 0), 0)),
      ...fact("Hidrômetro", `${p.meter || "—"} (${p.dials || "?"} dígitos)`), ...fact("Localização", where),
      ...fact("Leitura anterior", p.previous), ...fact("Últimos consumos", (p.last || []).map((r) => `${r.reference.slice(5)}/${r.reference.slice(2, 4)}: ${r.m3} m³`).join(" · ")),
    );
    els.reading.value = local && local.reading !== null && local.reading !== undefined ? String(local.reading) : "";
    els.occurrence.value = local ? local.occurrence || "" : "";
    state.photos = local ? (local.photos || []).slice() : [];
    renderPhotos();
    hideCritique();
    showBill(local);
    els.readingForm.hidden = !!local && !local.correcting;
    els.card.hidden = false;
    els.route.hidden = true;
    $("prev").disabled = index === 0;
    $("next").disabled = index === state.order.length - 1;
    window.scrollTo(0, 0);
    if (!els.readingForm.hidden) els.reading.focus();
  }
  els.readingForm = $("readingForm");
  function hideCritique() { els.critique.hidden = true; els.confirm.value = ""; }
  function occurrenceOf(code) { return (state.pkg.occurrences || []).find((o) => o.code === code) || null; }
  function renderPhotos() {
    const occ = occurrenceOf(els.occurrence.value);
    els.photoBox.hidden = !occ;
    els.photoNeed.textContent = occ && occ.photo_required ? "(obrigatória para esta ocorrência)" : "(opcional)";
    els.photos.replaceChildren(...state.photos.map((src, i) => el("img", { src, alt: `Foto ${i + 1} da ocorrência` })));
  }
  els.occurrence.addEventListener("change", renderPhotos);
  els.photo.addEventListener("change", () => {
    const file = els.photo.files && els.photo.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { state.photos.push(String(reader.result)); renderPhotos(); };
    reader.readAsDataURL(file);
  });
  function where() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition((pos) => resolve(pos.coords), () => resolve(null), { timeout: 3000, maximumAge: 60000 });
    });
  }

  // the track between readings (3.2.5.6): a fix every `track_every_s` seconds, kept offline too
  let trackTimer = null;
  function startTrack() {
    if (trackTimer || !navigator.geolocation || !state.pkg) return;
    const every = Number((state.pkg.app && state.pkg.app.track_every_s) || 60) * 1000;
    trackTimer = setInterval(async () => {
      const c = await where();
      if (!c) return;
      const track = (await idb.get("meta", "track")) || [];
      track.push({ at: new Date().toISOString(), lat: c.latitude.toFixed(6), lon: c.longitude.toFixed(6) });
      await idb.put("meta", track.slice(-5000), "track");
    }, every);
  }

  els.readingForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const p = state.order[state.index];
    const raw = els.reading.value.trim();
    const code = els.occurrence.value;
    const occ = occurrenceOf(code);
    if (raw === "" && !code) { say("Informe a leitura ou escolha uma ocorrência."); els.reading.focus(); return; }
    if (raw !== "" && !/^\d+$/.test(raw)) { say("A leitura deve ter só algarismos."); els.reading.focus(); return; }
    if (occ && occ.photo_required && !state.photos.length) { say(`A ocorrência ${occ.code} exige foto: tire a foto antes de gravar.`); return; }
    const value = raw === "" ? null : Number(raw);
    let m3 = null;
    if (value !== null && p.previous !== null && p.previous !== undefined) {
      try {
        m3 = T.meterDelta(p.previous, value, p.dials || 5, state.pkg.app ? state.pkg.app.rollover_window_percent : "10", false).m3;
      } catch (err) {
        say(err.message);
        els.reading.focus();
        return;
      }
    }
    // the critique on the spot (3.2.5.7, 3.2.5.17): outside the window or zero → typed again
    const reasons = [];
    if (value !== null && p.expected && (value < p.expected[0] || value > p.expected[1])) {
      reasons.push(`Leitura ${value} fora da faixa esperada (${p.expected[0]} a ${p.expected[1]}).`);
    }
    if (m3 === 0) reasons.push("Consumo zero neste mês.");
    if (reasons.length) {
      if (els.critique.hidden) {
        els.critiqueText.textContent = reasons.join(" ");
        els.critique.hidden = false;
        els.confirm.focus();
        return;
      }
      if (els.confirm.value.trim() !== raw) { say("As leituras digitadas não conferem: confira o hidrômetro e digite de novo."); els.confirm.focus(); return; }
    }
    say("");
    const coords = await where();
    const local = state.local[p.id];
    const event = {
      id: uuid(),
      device: state.pkg.device,
      label: `${p.account} (${p.address})`,
      key: state.key,
      body: {
        property: p.id,
        reading: value,
        read_at: new Date().toISOString(),
        ...(code ? { occurrence: code } : {}),
        ...(coords ? { lat: coords.latitude.toFixed(6), lon: coords.longitude.toFixed(6) } : {}),
      },
      photos: state.photos.slice(),
    };
    let bill = null;
    const facts = billFacts(p);
    if (state.pkg.app && state.pkg.app.on_site_billing && facts && !facts.office && m3 !== null) {
      try {
        bill = T.priceBill(state.pkg.billing.tariff, facts, m3);
        event.body.bill = { total: T.fmt(bill.total) };
      } catch (err) {
        bill = null; // the office bills it (a consumption the tariff does not price, credits above the bill)
      }
    }
    const replaced = [];
    if (local) {
      // a correction (3.2.5.26): the event not yet sent is replaced; the original stays in the log
      if (local.event && !local.synced) { await idb.del("outbox", local.event); replaced.push(local.event); }
      (local.replaced || []).forEach((id) => replaced.push(id));
    }
    await idb.put("outbox", event);
    state.local[p.id] = {
      reading: value, occurrence: code, m3, event: event.id, synced: false, photos: state.photos.slice(),
      status: code ? `Ocorrência ${code}` : "Lido", read_at: event.body.read_at, replaced,
      bill: bill ? { total: T.fmt(bill.total), billed: bill.billed, lines: bill.lines.map((l) => ({ description: l.description, amount: T.brl(l.amount) })), brl: T.brl(bill.total) } : null,
      office: facts && facts.office ? facts.office : "",
    };
    await idb.put("meta", state.local, `local:${state.key}`);
    showBill(state.local[p.id]);
    els.readingForm.hidden = true;
    if (bill) await printBill(p);
    await renderList();
    await maybeSync();
  });

  function receiptFor(p) {
    const local = state.local[p.id];
    const facts = billFacts(p);
    const c = card(p);
    const company = state.pkg.billing.company_code;
    const ref = state.pkg.reference.replace("-", "").slice(2);
    const free = `9${String(p.id).padStart(11, "0")}${String(facts.account_base).padStart(9, "0")}${ref}`;
    const code = T.barcode(local.bill.total, company, free);
    const last = (p.last || [])[0];
    return {
      utility: root.dataset.utility, reference: `${state.pkg.reference.slice(5)}/${state.pkg.reference.slice(0, 4)}`,
      account: p.account, holder: facts.payer || c.holder, address: p.address, meter: p.meter,
      categories: (c.category_names || []).join(", "), economies: p.economies, previous: p.previous,
      previous_date: last ? `${last.reference}-01` : null, reading: local.reading, read_on: local.read_at.slice(0, 10),
      billed: local.bill.billed, occurrence: local.occurrence ? (occurrenceOf(local.occurrence) || {}).description : "",
      history: (p.last || []).slice(0, 6).map((r) => ({ month: `${r.reference.slice(5)}/${r.reference.slice(2, 4)}`, m3: r.m3 })),
      lines: local.bill.lines, total: local.bill.brl, due: facts.due, tariff_act: state.pkg.billing.tariff.act,
      typeable: code.formatted, barcode: code.digits, messages: messagesFor(p, local, facts),
      water_quality: (state.pkg.billing.texts || {}).water_quality || null,
    };
  }
  function excessive(p, local) {
    const avg = Number(card(p).average || 0);
    const pct = Number(state.pkg.app.excess_percent || 0);
    return avg > 0 && local.bill.billed * 100 > avg * (100 + pct);
  }
  // the server's messages_for on the phone: the category and the condition of each message
  function messagesFor(p, local, facts) {
    const codes = new Set((p.categories || []).map((c) => c[0]));
    const holds = {
      "": true,
      excess_consumption: excessive(p, local),
      overdue_debts: !!(facts.overdue && facts.overdue.length),
      zero_value: local.bill.total === "0.00",
    };
    return ((state.pkg.billing.texts || {}).messages || [])
      .filter((m) => (!m.category || codes.has(m.category)) && holds[m.condition || ""])
      .map((m) => ({ title: m.title, body: m.body }));
  }
  function showBill(local) {
    els.billBox.hidden = !(local && (local.bill || local.office));
    if (!local || els.billBox.hidden) return;
    if (!local.bill) { els.bill.textContent = `Conta emitida no escritório: ${local.office || "o consumo não é faturado no local."}`; $("print").hidden = true; return; }
    $("print").hidden = false;
    const row = (a, b, cls) => { const tr = el("tr", cls ? { class: cls } : {}); tr.append(el("td", {}, a), el("td", { class: "n" }, b)); return tr; };
    const table = el("table");
    table.append(row("Consumo faturado", `${local.bill.billed} m³`), ...local.bill.lines.map((l) => row(l.description, l.amount)), row("Total", `R$ ${local.bill.brl}`, "total"));
    els.bill.replaceChildren(table);
  }

  // --- printing (ESC/POS) ------------------------------------------------------------------------
  function paperMm() { return (state.pkg && state.pkg.app && state.pkg.app.paper_mm) || 80; }
  async function emit(kind, property, receipt) {
    const bytes = receipt.toBytes();
    let sent = false;
    if (state.printer) {
      try { await state.printer.write(bytes); sent = true; } catch (e) { els.printerState.textContent = `Falha na impressora: ${e.message}`; }
    }
    await idb.add("prints", { kind, property, at: new Date().toISOString(), sent, length_mm: receipt.length, data: toBase64(bytes) });
    return sent;
  }
  async function printBill(p) {
    const local = state.local[p.id];
    if (!local || !local.bill) return;
    const b = receiptFor(p);
    const sent = await emit("bill", p.id, P.bill(b, paperMm()));
    const facts = billFacts(p);
    if (facts.overdue && facts.overdue.length) await emit("debt_notice", p.id, P.debtNotice(b, facts.overdue.map((d) => ({ ...d, total: T.brl(T.dec(d.total)) })), paperMm()));
    if (excessive(p, local)) await emit("excess_notice", p.id, P.excessNotice(b, card(p).average, state.pkg.app.excess_percent, paperMm()));
    local.printed = (local.printed || 0) + 1;
    await idb.put("meta", state.local, `local:${state.key}`);
    say(sent ? "Conta impressa." : "Conta emitida e guardada no aparelho (nenhuma impressora conectada).", true);
  }
  $("print").addEventListener("click", () => printBill(state.order[state.index]));
  $("correct").addEventListener("click", () => {
    const p = state.order[state.index];
    const local = state.local[p.id];
    if (local && local.synced) { say("Esta leitura já foi enviada: a correção é feita pela análise de leituras."); return; }
    local.correcting = true;
    els.readingForm.hidden = false;
    els.reading.value = "";
    els.reading.focus();
  });
  $("testPrint").addEventListener("click", async () => {
    const sent = await emit("test", null, P.testPattern(paperMm(), new Date().toLocaleString("pt-BR")));
    els.printerState.textContent = sent ? "Teste de impressão enviado." : "Teste de impressão gerado e registrado (nenhuma impressora conectada).";
  });
  function rollEstimate() {
    const pkg = state.pkg;
    if (!pkg.app || !pkg.app.on_site_billing || !pkg.billing) return "";
    const billable = pkg.properties.filter((p) => { const f = billFacts(p); return f && !f.office; });
    // a typical bill of this route: its lines at the tariff's first category, plus header and barcode
    const sample = new P.Receipt(paperMm());
    const lines = 34 + 2 * ((pkg.billing.tariff.categories[0] || { bands: [] }).bands.length);
    const mm = lines * P.MM_PER_LINE + 18;
    const total = billable.length * mm;
    const rolls = Math.max(1, Math.ceil(total / (pkg.app.roll_length_m * 1000)));
    return `Papel de ${sample.columns === 32 ? "58" : "80"} mm: ${billable.length} conta(s) a emitir, cerca de ${(total / 1000).toFixed(1)} m — ${rolls} bobina(s) de ${pkg.app.roll_length_m} m.`;
  }

  // printers: Web Serial (cable, USB-serial adapters) and Web Bluetooth (BLE printers' 18F0 service)
  const serialButton = $("connectSerial");
  if (serialButton) serialButton.addEventListener("click", async () => {
    if (!navigator.serial) { say("Este navegador não oferece a conexão serial."); return; }
    try {
      const port = await navigator.serial.requestPort();
      await port.open({ baudRate: 9600 });
      const writer = port.writable.getWriter();
      state.printer = { write: (bytes) => writer.write(bytes) };
      els.printerState.textContent = "Impressora serial conectada.";
    } catch (e) { say(`Impressora não conectada: ${e.message}`); }
  });
  const bluetoothButton = $("connectBluetooth");
  if (bluetoothButton) bluetoothButton.addEventListener("click", async () => {
    if (!navigator.bluetooth) { say("Este navegador não oferece Bluetooth."); return; }
    try {
      const device = await navigator.bluetooth.requestDevice({ filters: [{ services: [0x18f0] }], optionalServices: [0x18f0] });
      const server = await device.gatt.connect();
      const service = await server.getPrimaryService(0x18f0);
      const characteristic = await service.getCharacteristic(0x2af1);
      state.printer = {
        write: async (bytes) => {
          for (let i = 0; i < bytes.length; i += 180) await characteristic.writeValue(bytes.slice(i, i + 180));
        },
      };
      els.printerState.textContent = `Impressora ${device.name || "Bluetooth"} conectada.`;
    } catch (e) { say(`Impressora não conectada: ${e.message}`); }
  });
  const wipeButton = $("wipe");
  if (wipeButton) wipeButton.addEventListener("click", async () => {
    const outbox = await idb.all("outbox");
    if (outbox.length && !window.confirm(`${outbox.length} leitura(s) ainda não enviada(s) serão perdidas. Apagar mesmo assim?`)) return;
    db.close();
    indexedDB.deleteDatabase("leitura");
    window.location.reload();
  });

  // --- messages from the office (3.2.5.20) -----------------------------------------------------
  async function keepMessages(list) {
    const kept = (await idb.get("meta", "messages")) || [];
    const seen = new Set(kept.map((m) => m.id));
    list.forEach((m) => { if (!seen.has(m.id)) kept.push({ ...m, read: false }); });
    await idb.put("meta", kept, "messages");
    renderMessages(kept);
  }
  function renderMessages(list) {
    els.messages.hidden = !list.length;
    els.messages.querySelector("ul").replaceChildren(...list.map((m) => {
      const li = el("li", {}, `${m.text} `);
      if (!m.read) {
        const b = el("button", { type: "button", class: "btn small secondary" }, "Li a mensagem");
        b.addEventListener("click", async () => {
          m.read = true;
          const acks = (await idb.get("meta", "acks")) || [];
          acks.push(m.id);
          await idb.put("meta", acks, "acks");
          await idb.put("meta", list, "messages");
          renderMessages(list);
          if (navigator.onLine) sync();
        });
        li.appendChild(b);
      } else li.appendChild(el("span", { class: "tag read" }, "lida"));
      return li;
    }));
  }

  // --- sync ------------------------------------------------------------------------------------
  async function maybeSync() {
    if (!navigator.onLine) return;
    const outbox = await idb.all("outbox");
    const every = (state.pkg && state.pkg.app && state.pkg.app.upload_every) || 10;
    if (outbox.filter((e) => e.body.bill).length >= every || outbox.filter((e) => !e.body.bill).length >= every) await sync();
  }
  async function battery() {
    try { if (navigator.getBattery) { const b = await navigator.getBattery(); return Math.round(b.level * 100); } } catch (e) { /* none */ }
    return undefined;
  }
  function fromDataUrl(url) {
    const [head, data] = url.split(",", 2);
    const type = (head.match(/^data:([^;]+)/) || [])[1] || "image/jpeg";
    const raw = atob(data || "");
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return new Blob([bytes], { type });
  }
  async function uploadPhotos(event) {
    for (let i = (event.uploaded || 0); i < event.photos.length; i++) {
      const blob = fromDataUrl(event.photos[i]); // not fetch(data:): the CSP's connect-src is 'self'
      const form = new FormData();
      form.append("device", event.device);
      form.append("event", event.id);
      form.append("image", blob, `foto-${i + 1}.jpg`);
      const response = await fetch(root.dataset.photoUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }, body: form });
      if (!response.ok) throw new Error("photo");
      event.uploaded = i + 1;
      await idb.put("outbox", event);
    }
  }
  async function sendOrders() {
    const keys = (await idb.keys("meta")).filter((k) => String(k).startsWith("order:"));
    for (const key of keys) {
      const order = await idb.get("meta", key);
      const response = await fetch(`/api/v1/reading/batches/${order.batch}/routes/${order.route}/order`, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ device: order.device, properties: order.properties }),
      });
      if (response.ok) { await idb.del("meta", key); say("Nova ordem da rota enviada.", true); }
      else { const body = await response.json(); say(`Ordem da rota não aceita: ${body.detail || response.status}`); await idb.del("meta", key); }
    }
  }
  async function sync() {
    if (state.syncing) return;
    state.syncing = true;
    try {
      const outbox = await idb.all("outbox");
      const acks = (await idb.get("meta", "acks")) || [];
      const devices = [...new Set(outbox.map((e) => e.device).filter(Boolean))];
      const track = (await idb.get("meta", "track")) || [];
      if (!devices.length && (acks.length || track.length) && state.pkg && state.pkg.device) devices.push(state.pkg.device);
      const rejected = (await idb.get("meta", "rejected")) || [];
      for (const device of devices) {
        const events = outbox.filter((e) => e.device === device);
        for (const e of events) await uploadPhotos(e);
        const response = await fetch(root.dataset.syncUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify({ device, sent_at: new Date().toISOString(), battery: await battery(), acknowledged: acks, track: device === devices[0] ? track : [], events: events.map((e) => ({ id: e.id, ...e.body })) }),
        });
        const body = await response.json();
        if (!response.ok) { say(body.detail || "O servidor recusou o envio."); return; }
        setOnline(true);
        await idb.put("meta", [], "acks");
        if (device === devices[0] && track.length) {
          const kept = (await idb.get("meta", "track")) || [];
          await idb.put("meta", kept.slice(track.length), "track"); // the fixes taken meanwhile stay
        }
        const byId = Object.fromEntries(events.map((e) => [e.id, e]));
        const touched = {};
        for (const result of body.results) {
          const e = byId[result.id];
          if (!e) continue;
          const local = (touched[e.key] = touched[e.key] || (e.key === state.key ? state.local : (await idb.get("meta", `local:${e.key}`)) || {}));
          const row = local[e.body.property];
          if (result.status === "refused") {
            rejected.push({ id: result.id, label: e.label, reason: result.reason || result.code });
            if (row && row.event === e.id) { row.status = "Recusada"; row.refused = result.reason; row.synced = true; }
          } else if (row && row.event === e.id) {
            row.synced = true;
            row.status = row.occurrence ? `Ocorrência ${row.occurrence} · enviada` : "Lido · enviado";
          }
          await idb.del("outbox", result.id);
        }
        for (const [key, local] of Object.entries(touched)) await idb.put("meta", local, `local:${key}`);
        if (body.messages && body.messages.length) await keepMessages(body.messages);
        say(body.refused ? `${body.refused} leitura(s) recusada(s): veja abaixo.` : `Enviado: ${body.accepted} nova(s), ${body.duplicate} já recebida(s).`, !body.refused);
      }
      await idb.put("meta", rejected.slice(-50), "rejected");
      await sendOrders();
      els.sync.dataset.last = new Date().toISOString();
    } catch (e) {
      setOnline(false);
    } finally {
      state.syncing = false;
      if (state.pkg) await renderList();
    }
  }

  // --- navigation and start ----------------------------------------------------------------------
  $("prev").addEventListener("click", () => openCard(state.index - 1));
  $("next").addEventListener("click", () => openCard(state.index + 1));
  $("back").addEventListener("click", async () => { els.card.hidden = true; els.route.hidden = false; await renderList(); });
  els.sync.addEventListener("click", () => sync());
  $("toRoutes").addEventListener("click", async () => { await loadMe(); renderRoutes(); els.route.hidden = true; els.card.hidden = true; els.routes.hidden = false; });

  // the test (and the support desk) read what was printed: the ESC/POS jobs kept on the phone
  window.readerPrints = () => idb.all("prints");

  async function start() {
    db = await openDb();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.sw, { scope: "/leitura/app/" }).catch(() => {});
    }
    window.addEventListener("online", () => { setOnline(true); sync(); });
    window.addEventListener("offline", () => setOnline(false));
    await loadMe();
    renderRoutes();
    renderMessages((await idb.get("meta", "messages")) || []);
    const active = await idb.get("meta", "active");
    if (active && (await idb.get("meta", `package:${active}`))) await openRoute(active);
    if (navigator.onLine && (await idb.all("outbox")).length) await sync();
    setInterval(() => { if (navigator.onLine) sync(); }, 60000);
    root.dataset.ready = "1";
  }
  start();
})();
