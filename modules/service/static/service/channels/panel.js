// The call display (S10.1-04): asks the state every 1.5 s; when the latest call's key changes (a
// new call or a recall) it shows ticket and desk, flashes and chimes (WebAudio, no audio file),
// while the media playlist keeps playing. A TV launched without a user gesture may keep audio
// suspended: the "Ativar som" button appears then (or start Chromium with
// --autoplay-policy=no-user-gesture-required).
(function () {
  var body = document.body;
  var url = body.getAttribute("data-state-url");
  var keyEl = document.querySelector("[data-current-key]");
  var known = keyEl ? keyEl.getAttribute("data-current-key") : "";
  var ctx = null;
  var soundBtn = document.querySelector("[data-sound]");

  function audio() {
    if (!ctx) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return null;
      ctx = new Ctx();
    }
    if (ctx.state === "suspended" && soundBtn) soundBtn.hidden = false;
    return ctx;
  }

  function tone(ac, freq, start, length) {
    var osc = ac.createOscillator();
    var gain = ac.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, ac.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.6, ac.currentTime + start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + start + length);
    osc.connect(gain).connect(ac.destination);
    osc.start(ac.currentTime + start);
    osc.stop(ac.currentTime + start + length + 0.05);
  }

  function chime() {
    var ac = audio();
    body.setAttribute("data-chimes", String(Number(body.getAttribute("data-chimes") || "0") + 1));
    if (!ac) return;
    tone(ac, 880, 0, 0.6);
    tone(ac, 660, 0.45, 0.9);
  }

  if (soundBtn) {
    soundBtn.addEventListener("click", function () {
      audio();
      if (ctx) ctx.resume();
      soundBtn.hidden = true;
    });
  }

  function render(state) {
    var current = state.current;
    document.querySelector("[data-current-label]").textContent = current ? current.label : "—";
    document.querySelector("[data-current-desk]").textContent = current ? current.desk : "—";
    var list = document.querySelector("[data-last]");
    list.textContent = "";
    state.last.slice(1).forEach(function (c) {
      var li = document.createElement("li");
      var a = document.createElement("span");
      var b = document.createElement("span");
      a.textContent = c.label;
      b.textContent = c.desk;
      li.appendChild(a);
      li.appendChild(b);
      list.appendChild(li);
    });
    var key = current ? current.key : "";
    if (key && key !== known) {
      known = key;
      body.classList.remove("flash");
      void body.offsetWidth;
      body.classList.add("flash");
      chime();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) render(state); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 1500); });
  }

  // the playlist: one item at a time, each for its seconds (a video until it ends)
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-media] > [data-seconds]"));
  var index = -1;
  function next() {
    if (!items.length) return;
    items.forEach(function (el) { el.classList.remove("showing"); if (el.pause) el.pause(); });
    index = (index + 1) % items.length;
    var el = items[index];
    el.classList.add("showing");
    if (el.tagName === "VIDEO") {
      el.currentTime = 0;
      el.onended = next;
      var p = el.play();
      if (p && p.catch) p.catch(function () { window.setTimeout(next, 5000); });
    } else {
      window.setTimeout(next, Number(el.getAttribute("data-seconds") || "15") * 1000);
    }
  }

  audio();
  next();
  window.setTimeout(poll, 1500);
})();
