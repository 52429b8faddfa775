// The agent console's screen-pop (3.2.16.3): every 2 s it asks which call the agent is on; a call
// it has not shown yet opens the caller's screen.
(function () {
  var box = document.querySelector("[data-cti-console]");
  if (!box) return;
  var known = box.getAttribute("data-known");
  var url = box.getAttribute("data-current-url");
  var target = box.getAttribute("data-call-url");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        var call = body && body.call;
        if (call && call.call_id !== known) {
          window.location.href = target + "?caller=" + encodeURIComponent(call.caller) + "&call=" + encodeURIComponent(call.call_id);
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 2000);
})();
