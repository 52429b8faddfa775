// The agency as an installable app (ADR 0206): registers the service worker (/agencia/sw.js), drops
// the kept bills on the sign-in page (a session that ended by itself) and, on the offline page,
// lists the bills this device kept. External file: the CSP forbids inline scripts.
"use strict";
const CITIZEN_CACHE = "agencia-cidadao";

function billLabel(url, response) {
  const disposition = (response && response.headers.get("Content-Disposition")) || "";
  const month = /conta-(\d{4})-(\d{2})\.pdf/.exec(disposition);
  if (month) return `Conta de ${month[2]}/${month[1]} (PDF)`;
  return "Suas contas (2ª via)";
}

async function listKeptBills(list) {
  const empty = document.getElementById("offline-empty");
  if (!("caches" in window)) return;
  const cache = await caches.open(CITIZEN_CACHE);
  const requests = await cache.keys();
  // the list page first, then the PDFs, newest reference month first
  const items = [];
  for (const request of requests) {
    const response = await cache.match(request);
    items.push({ url: new URL(request.url).pathname, label: billLabel(request.url, response) });
  }
  items.sort((a, b) => (a.url.endsWith("/pdf/") - b.url.endsWith("/pdf/")) || b.label.localeCompare(a.label));
  for (const item of items) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = item.url;
    a.textContent = item.label;
    li.appendChild(a);
    list.appendChild(li);
  }
  if (items.length && empty) empty.hidden = true;
}

document.addEventListener("DOMContentLoaded", () => {
  if (!("serviceWorker" in navigator) || !window.caches) return;
  const body = document.body;
  if (body.hasAttribute("data-clear-citizen-cache")) caches.delete(CITIZEN_CACHE);
  const list = document.getElementById("offline-bills");
  if (list) listKeptBills(list);
  const sw = body.getAttribute("data-service-worker");
  if (sw) navigator.serviceWorker.register(sw, { scope: body.getAttribute("data-app-scope") || "/agencia/" });
});
