/* The reader app's bill engine (ADR 0227): a port of modules/billing/domain/calculation.py
   (calculate_bill), pricing.py (bill_lines, exempt_lines, the total of price_bill with the reading's
   consumption), reading/domain/consumption.py (meter_delta) and febraban.py (build_barcode,
   typeable_line). Money is exact decimal arithmetic on BigInt (never floats): a value is
   {n: BigInt, s: scale}, n / 10^s. tests/reading/test_reader_tariff_matrix.py runs one table of
   cases through this file (node) and through the Python domain and asks for the same cents. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.ReaderTariff = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  class BillError extends Error {
    constructor(code, message) { super(message); this.code = code; }
  }

  // --- exact decimals -------------------------------------------------------------------------
  const TEN = BigInt(10);
  function pow10(k) { let r = BigInt(1); for (let i = 0; i < k; i++) r *= TEN; return r; }
  function dec(value) {
    if (value && typeof value === "object" && "n" in value) return value;
    const text = String(value).trim();
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) throw new BillError("invalid_decimal", `Valor decimal inválido: ${text}`);
    const frac = m[3] || "";
    const n = BigInt(m[2] + frac) * (m[1] ? BigInt(-1) : BigInt(1));
    return { n, s: frac.length };
  }
  function int(k) { return { n: BigInt(k), s: 0 }; }
  function align(a, b) {
    const s = Math.max(a.s, b.s);
    return [a.n * pow10(s - a.s), b.n * pow10(s - b.s), s];
  }
  function add(a, b) { const [x, y, s] = align(a, b); return { n: x + y, s }; }
  function mul(a, b) { return { n: a.n * b.n, s: a.s + b.s }; }
  function cmp(a, b) { const [x, y] = align(a, b); return x < y ? -1 : x > y ? 1 : 0; }
  function isZero(a) { return a.n === BigInt(0); }
  const ZERO = { n: BigInt(0), s: 2 };
  const HUNDRED = int(100);
  /** to the cent: "truncate" toward zero (ROUND_DOWN) or "half_up" (ties away from zero) */
  function round2(a, rule) {
    if (a.s <= 2) return { n: a.n * pow10(2 - a.s), s: 2 };
    const f = pow10(a.s - 2);
    let q = a.n / f; // BigInt division truncates toward zero
    const r = a.n % f;
    if (rule === "half_up") {
      const twice = (r < 0 ? -r : r) * BigInt(2);
      if (twice >= f) q += a.n < 0 ? BigInt(-1) : BigInt(1);
    } else if (rule !== "truncate") {
      throw new BillError("invalid_rounding", `Regra de arredondamento desconhecida: ${rule}`);
    }
    return { n: q, s: 2 };
  }
  function fmt(a) {
    const c = round2(a, "truncate"); // already at the cent where it is called
    const neg = c.n < 0;
    const digits = (neg ? -c.n : c.n).toString().padStart(3, "0");
    return `${neg ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  }
  function brl(a) {
    const [units, cents] = fmt(a).replace("-", "").split(".");
    const groups = units.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return `${cmp(a, ZERO) < 0 ? "-" : ""}${groups},${cents}`;
  }

  // --- apportion (billing/domain/apportion.py) --------------------------------------------------
  function balancedSequence(weights, length) {
    const total = weights.reduce((a, b) => a + b, 0);
    const counts = weights.map(() => 0);
    const picks = [];
    for (let step = 1; step <= length; step++) {
      let best = -1;
      weights.forEach((w, i) => {
        if (counts[i] * total >= step * w) return;
        if (best < 0 || w * (counts[best] + 1) > weights[best] * (counts[i] + 1)) best = i;
      });
      counts[best] += 1;
      picks.push(best);
    }
    return picks;
  }
  function apportion(total, weights) {
    if (weights.length === 1) return [total];
    const sum = weights.reduce((a, b) => a + b, 0);
    const per = Math.floor(total / sum);
    const parts = weights.map((w) => per * w);
    balancedSequence(weights, total - per * sum).forEach((i) => { parts[i] += 1; });
    return parts;
  }

  // --- calculation (billing/domain/calculation.py) -----------------------------------------------
  const SERVICES = {
    water: { water: true, sewer: false, special: false },
    water_sewer: { water: true, sewer: true, special: false },
    special_sewer: { water: false, sewer: false, special: true },
    water_special_sewer: { water: true, sewer: false, special: true },
    water_sewer_special_sewer: { water: true, sewer: true, special: true },
  };
  function category(tariff, code) {
    const found = tariff.categories.find((c) => c.code === code);
    if (!found) throw new BillError("unknown_category", `Categoria ${code} não existe na tarifa do ato ${tariff.act}.`);
    return found;
  }
  function bandCapacity(bands, index) {
    const upper = bands[index][1];
    if (upper === null || upper === undefined) return null;
    const lower = index === 0 ? 0 : bands[index - 1][1];
    return upper - (lower || 0);
  }
  function cascade(cat, units, volume) {
    const parts = [];
    let left = volume;
    for (let index = 0; index < cat.bands.length; index++) {
      if (left <= 0) break;
      const width = bandCapacity(cat.bands, index);
      const capacity = width === null ? null : width * units;
      const used = capacity === null ? left : Math.min(left, capacity);
      parts.push([index, capacity, used]);
      left -= used;
    }
    if (left > 0) {
      const last = cat.bands[cat.bands.length - 1];
      throw new BillError("consumption_above_last_band",
        `Consumo de ${volume} m³ excede a última faixa da tarifa: até ${last[1]} m³ por economia.`);
    }
    return parts;
  }
  function categoryBill(tariff, cat, units, allocated, service, sewerPercent) {
    const rule = tariff.rounding;
    const minimum = (cat.minimum_m3_per_unit || 0) * units;
    const billed = Math.max(allocated, minimum);
    const kind = SERVICES[service];
    if (!kind) throw new BillError("invalid_service", `Serviço desconhecido: ${service}`);
    const percentText = sewerPercent === null || sewerPercent === undefined ? cat.sewer_percent : sewerPercent;
    if (kind.sewer && (percentText === null || percentText === undefined)) {
      throw new BillError("sewer_not_in_tariff", `A categoria ${cat.code} não tem percentual de esgoto na tarifa do ato ${tariff.act}.`);
    }
    if (kind.special && (cat.special_sewer_amount === null || cat.special_sewer_amount === undefined)) {
      throw new BillError("special_sewer_not_in_tariff", `A categoria ${cat.code} não tem tarifa de esgoto especial (TEE) no ato ${tariff.act}.`);
    }
    const percent = dec(percentText === null || percentText === undefined ? "0" : percentText);
    const share = (water) => round2({ n: water.n * percent.n, s: water.s + percent.s + 2 }, rule); // water × percent / 100
    const perBand = kind.sewer && tariff.sewer_rounding === "per_band";
    const lines = [];
    if (kind.water) {
      for (const [index, capacity, volume] of cascade(cat, units, billed)) {
        const band = cat.bands[index];
        const price = dec(band[2]);
        const water = round2(mul(int(volume), price), rule);
        lines.push({ category: cat.code, band: index + 1, from: band[0], to: band[1], capacity, volume, price, water, sewer: perBand ? share(water) : null });
      }
    }
    const waterAmount = lines.reduce((a, l) => add(a, l.water), ZERO);
    let sewerAmount = ZERO;
    if (kind.sewer) sewerAmount = perBand ? lines.reduce((a, l) => add(a, l.sewer), ZERO) : share(waterAmount);
    const special = kind.special ? round2(mul(dec(cat.special_sewer_amount), int(units)), rule) : ZERO;
    const charges = (cat.fixed_charges || []).map((c) => ({
      code: c.code,
      description: c.description,
      amount: round2(mul(dec(c.amount), int(c.per_dwelling_unit ? units : 1)), rule),
    }));
    return { code: cat.code, name: cat.name, units, allocated, billed, lines, water: waterAmount, sewer: sewerAmount, special, charges };
  }
  /** calculate_bill: `units` is [[category code, economias], …] in the tariff's codes */
  function calculateBill(tariff, m3, units, service, sewerPercent) {
    if (!Number.isInteger(m3)) throw new BillError("consumption_not_integer", `O consumo deve ser um número inteiro de m³ (${m3}).`);
    if (m3 < 0) throw new BillError("consumption_negative", `O consumo não pode ser negativo (${m3} m³).`);
    if (!units.length) throw new BillError("no_dwelling_units", "O imóvel deve ter ao menos uma economia.");
    const weights = tariff.category_split === "equal" ? units.map(() => 1) : units.map((u) => u[1]);
    const shares = apportion(m3, weights);
    const categories = units.map((u, i) => categoryBill(tariff, category(tariff, u[0]), u[1], shares[i], service || "water_sewer", sewerPercent));
    const total = categories.reduce((a, c) => c.charges.reduce((b, x) => add(b, x.amount), add(add(add(a, c.water), c.sewer), c.special)), ZERO);
    return { consumption: m3, categories, total, billed: categories.reduce((a, c) => a + c.billed, 0) };
  }

  // --- the bill's lines and total (billing/domain/pricing.py) -----------------------------------
  function bandLabel(from, to) { return to !== null && to !== undefined ? `${from} a ${to} m³` : `acima de ${from - 1} m³`; }
  function billLines(calc, pending) {
    const lines = [];
    for (const c of calc.categories) {
      for (const l of c.lines) {
        lines.push({ kind: "water", description: `Água ${c.name} – faixa ${l.band} (${bandLabel(l.from, l.to)})`, quantity: l.volume, price: l.price, amount: l.water });
      }
      for (const l of c.lines) {
        if (l.sewer !== null) lines.push({ kind: "sewer", description: `Esgoto ${c.name} – faixa ${l.band} (${bandLabel(l.from, l.to)})`, quantity: l.volume, amount: l.sewer });
      }
      if (!isZero(c.sewer) && c.lines.every((l) => l.sewer === null)) {
        lines.push({ kind: "sewer", description: `Esgoto ${c.name}`, quantity: c.billed, amount: c.sewer });
      }
      if (!isZero(c.special)) lines.push({ kind: "sewer", description: `Tarifa de esgoto especial (TEE) ${c.name}`, amount: c.special });
      for (const x of c.charges) lines.push({ kind: "fixed", description: `${x.description} (${c.name})`, amount: x.amount });
    }
    for (const p of pending || []) lines.push({ kind: p.kind, description: p.description, amount: dec(p.amount) });
    return lines;
  }
  function exemptLines(lines, exempt) {
    if (!exempt || !exempt.length) return lines;
    return lines.map((l) => (exempt.includes(l.kind) ? { ...l, amount: ZERO, description: `${l.description} – isento` } : l));
  }
  /** The bill of `m3` for a property's facts from the package (billing/services/field_package.py). */
  function priceBill(tariff, facts, m3) {
    const calc = calculateBill(tariff, m3, facts.units, facts.service, facts.sewer_percent);
    const lines = exemptLines(billLines(calc, facts.pending), facts.exempt);
    const total = lines.reduce((a, l) => add(a, l.amount), ZERO);
    if (cmp(total, ZERO) < 0) throw new BillError("negative_total", `Créditos maiores que a fatura (total ${fmt(total)}).`);
    return { calculation: calc, lines, total, billed: calc.billed };
  }

  // --- consumption (reading/domain/consumption.py meter_delta) -----------------------------------
  function meterDelta(previous, current, digits, windowPercent, confirmed) {
    const capacity = BigInt(10) ** BigInt(digits || 5);
    if (BigInt(current) >= capacity || current < 0) throw new BillError("reading_above_dials", `A leitura ${current} não cabe em ${digits} dígitos.`);
    if (current >= previous) return { m3: current - previous, rollover: false };
    const pct = dec(windowPercent === undefined ? "10" : windowPercent);
    const scale = BigInt(100) * pow10(pct.s);
    const windowScaled = capacity * pct.n; // window × 100 × 10^s
    const obvious = BigInt(previous) * scale >= capacity * scale - windowScaled && BigInt(current) * scale < windowScaled;
    if (!(confirmed || obvious)) {
      throw new BillError("reading_below_previous", `Leitura atual (${current}) menor que a anterior (${previous}) sem virada do hidrômetro nem troca de hidrômetro: confira a leitura.`);
    }
    return { m3: Number(capacity - BigInt(previous) + BigInt(current)), rollover: true };
  }

  // --- FEBRABAN collection barcode (billing/domain/febraban.py), value id 6 (modulo 10) ---------
  function mod10(digits) {
    let total = 0;
    [...digits].reverse().forEach((ch, position) => {
      const product = Number(ch) * (position % 2 === 0 ? 2 : 1);
      total += Math.floor(product / 10) + (product % 10);
    });
    return (10 - (total % 10)) % 10;
  }
  function barcode(total, companyCode, freeField) {
    const cents = round2(dec(total), "truncate").n.toString().padStart(11, "0");
    if (!/^\d{4}$/.test(companyCode) || !/^\d{25}$/.test(freeField) || cents.length !== 11) {
      throw new BillError("barcode_invalid", "Código de barras: código da empresa ou campo livre inválido.");
    }
    const body = `826${cents}${companyCode}${freeField}`;
    const digits = body.slice(0, 3) + String(mod10(body)) + body.slice(3);
    const line = [0, 11, 22, 33].map((i) => digits.slice(i, i + 11) + String(mod10(digits.slice(i, i + 11)))).join("");
    const formatted = [0, 12, 24, 36].map((i) => `${line.slice(i, i + 11)}-${line[i + 11]}`).join(" ");
    return { digits, typeable: line, formatted };
  }

  return { BillError, dec, fmt, brl, round2, add, cmp, apportion, calculateBill, priceBill, billLines, meterDelta, barcode, mod10 };
});
