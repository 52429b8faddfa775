/* The agency's money pages: copy buttons, live totals of the debt statement, and the payment
   status poll. External file (the CSP forbids inline scripts); every page works without it. */
(function () {
  "use strict";

  function brl(cents) {
    var negative = cents < 0;
    cents = Math.abs(cents);
    var units = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var rest = String(cents % 100).padStart(2, "0");
    return (negative ? "-" : "") + units + "," + rest;
  }

  function toCents(text) {
    var parts = String(text).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt((parts[1] || "0").padEnd(2, "0").slice(0, 2), 10);
  }

  /* Sum of the checked boxes' data-total (decimal strings), in cents: no float money. */
  function selectedCents(boxes) {
    var sum = 0;
    boxes.forEach(function (box) {
      if (box.checked && !box.disabled) sum += toCents(box.getAttribute("data-total"));
    });
    return sum;
  }

  function setupCopy() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target || !navigator.clipboard) return;
      button.hidden = false;
      var status = button.parentElement.querySelector("[data-copy-status]");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.getAttribute("data-copy-value") || target.textContent.trim()).then(
          function () { if (status) status.textContent = "Copiado."; },
          function () { if (status) status.textContent = "Não foi possível copiar; selecione e copie o texto."; }
        );
      });
    });
  }

  function setupStatement() {
    document.querySelectorAll("form[data-statement]").forEach(function (form) {
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=bills]"));
      var output = form.querySelector("[data-selected-total]");
      var all = form.querySelector("[data-select-all]");
      function update() {
        if (output) output.textContent = brl(selectedCents(boxes));
        if (all) {
          var enabled = boxes.filter(function (b) { return !b.disabled; });
          all.checked = enabled.length > 0 && enabled.every(function (b) { return b.checked; });
        }
      }
      boxes.forEach(function (box) { box.addEventListener("change", update); });
      if (all) {
        all.hidden = false;
        all.addEventListener("change", function () {
          boxes.forEach(function (box) { if (!box.disabled) box.checked = all.checked; });
          update();
        });
      }
      update();
    });
  }

  function setupPoll() {
    var card = document.querySelector("[data-charge-poll]");
    if (!card || !window.fetch) return;
    var url = card.getAttribute("data-charge-status-url");
    var label = card.querySelector("[data-charge-label]");
    var timer = window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          if (label) label.textContent = data.label;
          if (data.paid || data.ended) {  // settled, or a card checkout that ended unpaid
            window.clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () {});
    }, 3000);
  }

  window.ManancialBills = { brl: brl, toCents: toCents, selectedCents: selectedCents };
  if (typeof document !== "undefined") {
    document.addEventListener("DOMContentLoaded", function () {
      setupCopy();
      setupStatement();
      setupPoll();
    });
  }
})();
