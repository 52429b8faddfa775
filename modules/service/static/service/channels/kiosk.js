// The totem (unattended): the ticket slip is printed by the browser (the totem's Chromium runs with
// --kiosk --kiosk-printing, docs/agency-deployment.md) and goes back to the buttons; on the
// buttons page an answer left half-way (a priority chosen, nobody took the ticket) is reset after
// the idle time, and the long-press menu, text selection and drag are off so nobody leaves the
// page.
(function () {
  var body = document.body;
  document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  document.addEventListener("dragstart", function (e) { e.preventDefault(); });
  var again = document.querySelector("[data-print]");
  if (again) again.addEventListener("click", function () { window.print(); });
  if (body.hasAttribute("data-autoprint")) {
    window.setTimeout(function () { window.print(); }, 300);
    window.setTimeout(function () { window.location.href = body.getAttribute("data-return"); }, 8000);
    return;
  }
  if (!body.hasAttribute("data-kiosk")) return;
  var idle = Number(body.getAttribute("data-idle-seconds") || "45") * 1000;
  var timer = null;
  function reset() {
    var none = document.querySelector("input[name=priority][value=none]");
    if (none) none.checked = true;
    body.setAttribute("data-idle-reset", String(Number(body.getAttribute("data-idle-reset") || "0") + 1));
    window.scrollTo(0, 0);
  }
  function touched() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(reset, idle);
  }
  ["pointerdown", "keydown", "change"].forEach(function (name) {
    document.addEventListener(name, touched, true);
  });
  // watchdog: a heartbeat every 30 s; when it fails (network or server down) the screen says so and
  // retries every 5 s, and the first answer after a drop reloads the page (fresh token and news)
  var pulse = body.getAttribute("data-pulse-url");
  var overlay = document.querySelector("[data-offline]");
  var down = false;
  var release = null; // the server's release when this page loaded: a new one reloads the totem
  function beat() {
    fetch(pulse, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (answer) {
        if (down) { window.location.reload(); return; }
        if (release === null) release = answer.release;
        else if (answer.release !== release) { window.location.reload(); return; }
        window.setTimeout(beat, 30000);
      })
      .catch(function () {
        down = true;
        if (overlay) overlay.hidden = false;
        body.setAttribute("data-offline-since", String(Date.now()));
        window.setTimeout(beat, 5000);
      });
  }
  if (pulse) {
    beat();
    window.addEventListener("offline", function () {
      down = true;
      if (overlay) overlay.hidden = false;
    });
    window.addEventListener("online", function () { if (down) window.location.reload(); });
  }
  // a busy or error page returns to the plain buttons after the idle time too
  if (document.querySelector(".kiosk-busy")) {
    window.setTimeout(function () { window.location.href = body.getAttribute("data-home"); }, idle);
  }
})();
