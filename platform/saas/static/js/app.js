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
