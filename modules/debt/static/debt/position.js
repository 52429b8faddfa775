// Debt position: ticking bills updates the "Selecionadas" totals row. Without JavaScript the page
// still works (every bill starts ticked; the server prices what is posted).
(function () {
  var form = document.querySelector("[data-debt-selection]");
  if (!form) return;
  var row = form.querySelector("[data-selected-total]");
  if (!row) return;
  var fields = ["original", "fine", "interest", "correction", "total"];
  var brl = new Intl.NumberFormat("pt-BR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function cents(text) { // "123.45" → 12345, exactly (no floating-point sums of money)
    var parts = String(text).split(".");
    return parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
  }

  function update() {
    var sums = { original: 0, fine: 0, interest: 0, correction: 0, total: 0 };
    var count = 0;
    form.querySelectorAll("tbody tr[data-total]").forEach(function (tr) {
      var box = tr.querySelector("input[name=bills]");
      tr.classList.toggle("unselected", !box.checked);
      if (!box.checked) return;
      count += 1;
      fields.forEach(function (f) { sums[f] += cents(tr.dataset[f]); });
    });
    fields.forEach(function (f) {
      row.querySelector('[data-sum="' + f + '"]').textContent = brl.format(sums[f] / 100);
    });
    row.querySelector('[data-sum="count"]').textContent = count;
    row.hidden = false;
    var button = form.querySelector("button.btn");
    if (button) button.disabled = count === 0;
  }

  form.addEventListener("change", function (e) {
    if (e.target.matches("input[name=bills]")) update();
  });
  update();
})();
