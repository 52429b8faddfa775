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

// Web Push on this device (the notices page): subscribe with the utility's VAPID key and hand the
// subscription to the agency, which keeps it for this property.
function vapidKey(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("push-box");
  if (!box || !("PushManager" in window) || !("serviceWorker" in navigator)) return;
  box.hidden = false;
  const status = document.getElementById("push-status");
  document.getElementById("push-enable").addEventListener("click", async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        status.textContent = "O navegador não permitiu as notificações. Libere-as nas configurações do navegador.";
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidKey(box.dataset.pushKey) });
      const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
      const response = await fetch(box.dataset.pushUrl, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(subscription) });
      status.textContent = response.ok ? "Notificações ativadas neste aparelho." : "Não foi possível ativar agora. Tente de novo.";
    } catch (error) {
      status.textContent = "Não foi possível ativar as notificações neste aparelho.";
    }
  });
});
