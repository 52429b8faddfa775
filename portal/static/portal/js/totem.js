// Totem mode: the on-screen keypad (digits, or letters for an e-mail), and the automatic sign-out after inactivity with a
// visible countdown (the server also drops an idle totem session, see AgencySettings).
"use strict";
(() => {
  const body = document.body;

  // --- keypad: types into the last focused field that asks for it -------------------------------
  const targets = Array.from(document.querySelectorAll("[data-keypad-target]"));
  let active = targets.find((t) => !t.value) || targets[0] || null;
  const mark = (field) => {
    for (const t of targets) t.classList.toggle("totem-field-active", t === field);
    active = field;
  };
  for (const t of targets) {
    t.addEventListener("focus", () => mark(t));
    t.addEventListener("click", () => mark(t));
  }
  if (active) mark(active);
  for (const key of document.querySelectorAll(".totem-key")) {
    key.addEventListener("click", () => {
      if (!active) return;
      const k = key.dataset.key;
      if (k === "clear") active.value = "";
      else if (k === "back") active.value = active.value.slice(0, -1);
      else {
        const max = active.maxLength > 0 ? active.maxLength : 20;
        if (active.value.length + k.length <= max) active.value += k;
      }
      active.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // --- idle sign-out ------------------------------------------------------------------------------
  const idleSeconds = Number(body.dataset.idleSeconds || 0);
  const form = document.getElementById("sign-out-form");
  const banner = document.getElementById("totem-idle");
  if (!idleSeconds || !form || !banner) return;
  const counter = document.getElementById("totem-idle-seconds");
  const warnAt = Math.min(30, Math.max(5, Math.floor(idleSeconds / 2)));
  let last = Date.now();
  let done = false;
  const reset = () => {
    last = Date.now();
    banner.hidden = true;
  };
  for (const ev of ["pointerdown", "keydown", "touchstart", "input"]) {
    document.addEventListener(ev, reset, { passive: true });
  }
  document.getElementById("totem-idle-stay").addEventListener("click", reset);
  const tick = () => {
    if (done) return;
    const left = Math.ceil(idleSeconds - (Date.now() - last) / 1000);
    if (left <= 0) {
      done = true;
      document.getElementById("sign-out-reason").value = "idle";
      form.submit();
      return;
    }
    if (left <= warnAt) {
      counter.textContent = String(left);
      banner.hidden = false;
    }
  };
  setInterval(tick, 250);
})();
