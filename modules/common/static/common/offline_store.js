/* The offline apps' local store (the field app, the reader app): IndexedDB behind promises, the ids
   their events carry and the CSRF token they post with. Loaded before each app's own script. */
(function () {
  "use strict";

  // stores: name → the createObjectStore options (null for none); created on the first open
  function open(name, stores) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        const d = request.result;
        Object.entries(stores).forEach(([store, options]) => d.createObjectStore(store, options || undefined));
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // the stores of the database `currentDb()` answers at call time (the app opens it after start-up)
  function over(currentDb) {
    function tx(store, mode, fn) {
      return new Promise((resolve, reject) => {
        const t = currentDb().transaction(store, mode);
        const request = fn(t.objectStore(store));
        let out;
        if (request) request.onsuccess = () => { out = request.result; };
        t.oncomplete = () => resolve(out);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      });
    }
    return {
      get: (store, key) => tx(store, "readonly", (s) => s.get(key)),
      put: (store, value, key) => tx(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))),
      add: (store, value) => tx(store, "readwrite", (s) => s.add(value)),
      del: (store, key) => tx(store, "readwrite", (s) => s.delete(key)),
      all: (store) => tx(store, "readonly", (s) => s.getAll()),
      keys: (store) => tx(store, "readonly", (s) => s.getAllKeys()),
    };
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrf() {
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  window.OfflineStore = { open, over, uuid, csrf };
})();
