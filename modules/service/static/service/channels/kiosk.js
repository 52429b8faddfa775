// The ticket slip: printed by the browser (the totem's Chromium runs with --kiosk-printing to skip
// the dialog), then back to the buttons.
(function () {
  var body = document.body;
  if (!body.hasAttribute("data-autoprint")) return;
  window.setTimeout(function () { window.print(); }, 300);
  window.setTimeout(function () { window.location.href = body.getAttribute("data-return"); }, 8000);
})();
