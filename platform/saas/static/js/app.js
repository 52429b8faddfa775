// Password strength meter. The scorer is modules/access/domain/passwords.py's password_strength;
// this copy is proven equal to it by one table of cases (tests/access/password_strength_cases.json,
// run against both). Letters and digits are Unicode's: "ç" and "ã" are letters, not special
// characters; lengths count characters, not UTF-16 units.
(function () {
  function strength(p) {
    var classes = [/\p{Lowercase}/u, /\p{Uppercase}/u, /\p{Nd}/u, /[^\p{L}\p{N}]/u].filter(function (r) {
      return r.test(p);
    }).length;
    var length = Array.from(p).length;
    var score = classes + (length >= 10 ? 1 : 0) + (length >= 14 ? 1 : 0);
    if (length < 8 || score <= 2) return "fraca";
    if (score === 3) return "normal";
    if (score === 4 || score === 5) return "forte";
    return "muito forte";
  }
  window.manancialPasswordStrength = strength;
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
