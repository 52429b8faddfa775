// Password strength meter: the same four levels and scoring as modules/access/domain/passwords.py.
(function () {
  function strength(p) {
    var classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(function (r) { return r.test(p); }).length;
    var score = classes + (p.length >= 10 ? 1 : 0) + (p.length >= 14 ? 1 : 0);
    if (p.length < 8 || score <= 2) return "fraca";
    if (score === 3) return "normal";
    if (score === 4 || score === 5) return "forte";
    return "muito forte";
  }
  document.addEventListener("input", function (e) {
    if (!e.target.matches("[data-strength]")) return;
    var out = document.querySelector("[data-strength-out]");
    if (out) out.textContent = e.target.value ? strength(e.target.value) : "—";
  });
})();

// Behaviour that templates once wrote inline (onchange, style=""), which the Content-Security-Policy
// refuses: a select that submits its form, and bars whose width comes from the data.
(function () {
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]") && e.target.form) e.target.form.submit();
  });
  function widths() {
    document.querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", widths);
  else widths();
})();
