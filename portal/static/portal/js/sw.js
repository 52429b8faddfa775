// The agency's service worker (portal/views/app.py serves it at /agencia/sw.js, with SHELL and
// VERSION written above this line). ADR 0206.
// - the app shell (offline page, styles, scripts) is kept at install;
// - the bills the citizen opens (the list and each PDF) are kept as they are viewed, and shown when
//   the network is gone; nothing else of the citizen's is kept;
// - signing in or out (the forms' POST) drops what was kept, so the next person on this device
//   never sees it; the sign-in page drops it too (a session that ended by itself).
// The caches belong to this utility's host (its own origin): no other utility can read them.
"use strict";
const SHELL_CACHE = "agencia-shell-" + VERSION;
const CITIZEN_CACHE = "agencia-cidadao";
const SCOPE = new URL(self.registration.scope).pathname; // "/agencia/"
const BILL_PAGE = /^\/agencia\/imoveis\/\d+\/contas\/(\d+\/pdf\/)?$/;
const SIGN_IN_OR_OUT = /^\/agencia\/(sair\/)?$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("agencia-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "clear-citizen") event.waitUntil(caches.delete(CITIZEN_CACHE));
});

async function offlinePage() {
  const cached = await caches.match(SCOPE + "offline/", { cacheName: SHELL_CACHE });
  return cached || new Response("Sem conexão com a internet.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

async function billFirstFromNetwork(request) {
  try {
    const response = await fetch(request);
    // only a real answer for this citizen: never a redirect to the sign-in page or an error page
    if (response.ok && !response.redirected) {
      const cache = await caches.open(CITIZEN_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName: CITIZEN_CACHE });
    return cached || offlinePage();
  }
}

async function pageFromNetwork(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage();
  }
}

async function staticFile(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SIGN_IN_OR_OUT.test(url.pathname)) {
    event.waitUntil(caches.delete(CITIZEN_CACHE));
    return; // the network answers it as always
  }
  if (request.method !== "GET" || url.pathname.startsWith(SCOPE + "api/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (BILL_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(billFirstFromNetwork(request));
  } else if (request.mode === "navigate") {
    event.respondWith(pageFromNetwork(request));
  }
});

// Web Push (the notifications the citizen chose, channel "push"): the payload is the message's
// title, text and link; an empty push (a provider without payload encryption) says there is news.
self.addEventListener("push", (event) => {
  let data = { title: "Agência virtual", body: "Há uma novidade na sua agência virtual.", url: SCOPE };
  try {
    if (event.data) data = Object.assign(data, event.data.json());
  } catch (error) {
    /* a text payload */
  }
  event.waitUntil(self.registration.showNotification(data.title, { body: data.body, data: { url: data.url }, lang: "pt-BR" }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || SCOPE;
  event.waitUntil(self.clients.openWindow(target));
});
