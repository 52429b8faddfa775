/* ESC/POS for the reader's portable thermal printer (ADR 0227): the bill, the debt notice, the
   excess-consumption notice and the print-head test as a byte stream (code page 860, Portuguese),
   for 80 mm (48 columns) or 58 mm (32 columns) paper, the FEBRABAN barcode as ITF (GS k 70).
   The stream goes to a Web Serial or Web Bluetooth printer from app.js; tests decode it back
   (tests/reading/reader_engine.py decode_escpos). */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.ReaderEscPos = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const CP860 = {
    "Ç": 0x80, "ü": 0x81, "é": 0x82, "â": 0x83, "ã": 0x84, "à": 0x85, "Á": 0x86, "ç": 0x87, "ê": 0x88,
    "Ê": 0x89, "è": 0x8a, "Í": 0x8b, "Ô": 0x8c, "ì": 0x8d, "Ã": 0x8e, "Â": 0x8f, "É": 0x90, "À": 0x91,
    "È": 0x92, "ô": 0x93, "õ": 0x94, "ò": 0x95, "Ú": 0x96, "ù": 0x97, "Ì": 0x98, "Õ": 0x99, "Ü": 0x9a,
    "£": 0x9c, "Ù": 0x9d, "Ó": 0x9f, "á": 0xa0, "í": 0xa1, "ó": 0xa2, "ú": 0xa3, "ñ": 0xa4, "Ñ": 0xa5,
    "ª": 0xa6, "º": 0xa7, "¿": 0xa8, "Ò": 0xa9, "°": 0xf8, "²": 0xfd, "³": 0x33, "–": 0x2d, "—": 0x2d, "·": 0x2e,
  };
  const MM_PER_LINE = 4; // 24-dot font A with line spacing at 203 dpi
  const MM_BARCODE = 18;

  function encode(text) {
    const out = [];
    for (const ch of String(text)) {
      const code = ch.codePointAt(0);
      if (code >= 0x20 && code < 0x7f) out.push(code);
      else if (CP860[ch] !== undefined) out.push(CP860[ch]);
      else out.push(0x3f);
    }
    return out;
  }

  class Receipt {
    constructor(paperMm) {
      this.columns = Number(paperMm) === 58 ? 32 : 48;
      this.bytes = [0x1b, 0x40, 0x1b, 0x74, 3]; // initialise; code page 860 (Portuguese)
      this.lines = 0;
      this.barcodes = 0;
    }
    raw(...b) { this.bytes.push(...b); return this; }
    align(where) { return this.raw(0x1b, 0x61, { left: 0, center: 1, right: 2 }[where]); }
    bold(on) { return this.raw(0x1b, 0x45, on ? 1 : 0); }
    big(on) { return this.raw(0x1d, 0x21, on ? 0x11 : 0); }
    /** a line of text, wrapped at word boundaries to the paper's columns */
    line(text) {
      let rest = String(text || "");
      do {
        let cut = rest.length <= this.columns ? rest.length : rest.lastIndexOf(" ", this.columns);
        if (cut <= 0) cut = Math.min(rest.length, this.columns);
        this.bytes.push(...encode(rest.slice(0, cut)), 0x0a);
        this.lines += 1;
        rest = rest.slice(cut).replace(/^ /, "");
      } while (rest.length);
      return this;
    }
    /** label on the left, value on the right of the same line (the label wraps when too long) */
    pair(label, value) {
      const v = String(value);
      const room = this.columns - v.length - 1;
      let l = String(label);
      while (l.length > room) { this.line(l.slice(0, this.columns)); l = l.slice(this.columns); }
      return this.line(l + " ".repeat(this.columns - l.length - v.length) + v);
    }
    rule() { return this.line("-".repeat(this.columns)); }
    feed(n) { this.raw(0x1b, 0x64, n); this.lines += n; return this; }
    itf(digits) {
      // GS h height, GS w module width, GS H HRI below, GS k 70 (ITF, function B)
      this.raw(0x1d, 0x68, 80, 0x1d, 0x77, 2, 0x1d, 0x48, 0, 0x1d, 0x6b, 70, digits.length, ...encode(digits));
      this.barcodes += 1;
      return this;
    }
    cut() { return this.raw(0x1d, 0x56, 0x42, 3); }
    /** paper this receipt takes, in millimetres */
    get length() { return this.lines * MM_PER_LINE + this.barcodes * MM_BARCODE; }
    toBytes() { return Uint8Array.from(this.bytes); }
  }

  function br(iso) { return iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : "—"; }

  /** The bill printed on the spot (seed 001 3.2.5.12.1); `b` is what app.js gathered. */
  function bill(b, paperMm) {
    const r = new Receipt(paperMm);
    r.align("center").bold(true).line(b.utility || "Concessionária").bold(false);
    r.line("CONTA DE ÁGUA E ESGOTO").line(`Referência ${b.reference}`).align("left").rule();
    r.pair("Matrícula", b.account).line(b.holder || "—").line(b.address || "");
    r.pair("Hidrômetro", b.meter || "—").pair("Categoria", b.categories || "—").pair("Economias", String(b.economies));
    r.rule();
    r.pair(`Leitura anterior ${br(b.previous_date)}`, String(b.previous));
    r.pair(`Leitura atual ${br(b.read_on)}`, String(b.reading));
    r.bold(true).pair("Consumo faturado (m³)", String(b.billed)).bold(false);
    if (b.occurrence) r.line(`Ocorrência: ${b.occurrence}`);
    if (b.history && b.history.length) {
      r.line("Consumo dos últimos meses (m³):");
      r.line(b.history.map((h) => `${h.month} ${h.m3}`).join("  "));
    }
    r.rule();
    for (const item of b.lines) r.pair(item.description, item.amount);
    r.rule().bold(true).big(true).line(`TOTAL R$ ${b.total}`).big(false).bold(false);
    r.pair("Vencimento", br(b.due));
    r.line(`Tarifa: ${b.tariff_act}`);
    r.rule().align("center").line(b.typeable).itf(b.barcode).feed(1).align("left");
    for (const m of b.messages || []) {
      r.bold(true).line(m.title).bold(false);
      if (m.body) r.line(m.body);
    }
    if (b.water_quality) {
      // Decreto 5.440/2005: samples required, analysed and in conformity per parameter
      const q = b.water_quality;
      r.rule().bold(true).line(`${q.title} (${q.month})`).bold(false);
      r.line("Parâmetro: exigidas / analisadas / conformes");
      for (const row of q.rows || []) r.pair(String(row[0]), `${row[1]}/${row[2]}/${row[3]}`);
    }
    r.line("Emitida no local pelo leiturista.").feed(3).cut();
    return r;
  }

  /** comunicado de débito (3.2.5.12.2): the overdue bills and the cut warning */
  function debtNotice(b, overdue, paperMm) {
    const r = new Receipt(paperMm);
    r.align("center").bold(true).line("COMUNICADO DE DÉBITO").bold(false).align("left").rule();
    r.pair("Matrícula", b.account).line(b.holder || "—");
    r.line("Constam em aberto as faturas abaixo:");
    for (const d of overdue) r.pair(`${d.reference} venc. ${br(d.due)}`, d.total);
    r.line("Evite a suspensão do fornecimento: pague os débitos ou procure o atendimento.").feed(3).cut();
    return r;
  }

  /** aviso de consumo excessivo (3.2.5.12.3) */
  function excessNotice(b, average, percent, paperMm) {
    const r = new Receipt(paperMm);
    r.align("center").bold(true).line("AVISO DE CONSUMO ELEVADO").bold(false).align("left").rule();
    r.pair("Matrícula", b.account);
    r.line(`O consumo deste mês (${b.billed} m³) passou ${percent}% da sua média (${average} m³).`);
    r.line("Verifique vazamentos nas instalações do imóvel.").feed(3).cut();
    return r;
  }

  /** print-head test (3.2.5.24): every column, the accented letters, a barcode */
  function testPattern(paperMm, when) {
    const r = new Receipt(paperMm);
    r.align("center").bold(true).line("TESTE DE IMPRESSÃO").bold(false).align("left");
    r.line("0123456789".repeat(5).slice(0, r.columns)).line("#".repeat(r.columns));
    r.line("ÁÉÍÓÚ ÂÊÔ ÃÕ Ç áéíóú âêô ãõ ç º ª");
    r.line(`Colunas: ${r.columns} · ${when}`).itf("0123456789").feed(3).cut();
    return r;
  }

  return { Receipt, bill, debtNotice, excessNotice, testPattern, encode, MM_PER_LINE };
});
