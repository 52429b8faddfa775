"""Runs the reader app's bill engine (modules/reading/static/reading/reader/tariff.js) under node for
the tests: one call prices a whole table of cases. Also decodes an ESC/POS byte stream back into
its printed lines and barcodes (the thermal printer itself is not here)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "modules" / "reading" / "static" / "reading" / "reader"

RUNNER = """
const T = require(process.argv[1] + "/tariff.js");
let input = "";
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const { tariffs, cases } = JSON.parse(input);
  const out = cases.map((c) => {
    try {
      if (c.meter) {
        const d = T.meterDelta(c.meter[0], c.meter[1], c.meter[2], c.meter[3], false);
        return { m3: d.m3, rollover: d.rollover };
      }
      const bill = T.priceBill(tariffs[c.tariff], c.facts, c.m3);
      return { total: T.fmt(bill.total), billed: bill.billed,
               lines: bill.lines.map((l) => [l.kind, l.description, T.fmt(l.amount)]) };
    } catch (e) {
      return { error: e.code || String(e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def node() -> str:
    found = shutil.which("node")
    if found is None:  # pragma: no cover - make install brings node for the front-end build
        raise RuntimeError("node ausente: o motor de cálculo do aparelho é testado com node")
    return found


def run_engine(tariffs: dict[str, Any], cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [node(), "-e", RUNNER, str(STATIC)],
        input=json.dumps({"tariffs": tariffs, "cases": cases}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


# --- ESC/POS ----------------------------------------------------------------------------------

CP860 = {
    0x80: "Ç",
    0x81: "ü",
    0x82: "é",
    0x83: "â",
    0x84: "ã",
    0x85: "à",
    0x86: "Á",
    0x87: "ç",
    0x88: "ê",
    0x89: "Ê",
    0x8A: "è",
    0x8B: "Í",
    0x8C: "Ô",
    0x8D: "ì",
    0x8E: "Ã",
    0x8F: "Â",
    0x90: "É",
    0x91: "À",
    0x92: "È",
    0x93: "ô",
    0x94: "õ",
    0x95: "ò",
    0x96: "Ú",
    0x97: "ù",
    0x98: "Ì",
    0x99: "Õ",
    0x9A: "Ü",
    0x9C: "£",
    0x9D: "Ù",
    0x9F: "Ó",
    0xA0: "á",
    0xA1: "í",
    0xA2: "ó",
    0xA3: "ú",
    0xA4: "ñ",
    0xA5: "Ñ",
    0xA6: "ª",
    0xA7: "º",
    0xA8: "¿",
    0xA9: "Ò",
    0xB0: "░",
    0xF8: "°",
    0xFD: "²",
    0xC4: "─",
}


def decode_escpos(data: bytes) -> dict[str, Any]:
    """The stream's text lines, its barcodes ((system, digits)), cuts and the commands seen; raises
    ValueError on a byte sequence that is not ESC/POS as the app writes it."""
    lines: list[str] = []
    barcodes: list[tuple[int, str]] = []
    commands: list[str] = []
    current: list[str] = []
    i = 0
    cuts = 0
    while i < len(data):
        b = data[i]
        if b == 0x1B:  # ESC
            op = data[i + 1]
            if op == 0x40:
                commands.append("init")
                i += 2
            elif op in (
                0x45,
                0x61,
                0x74,
                0x21,
                0x2D,
                0x64,
                0x4D,
            ):  # bold, align, codepage, mode, underline, feed, font
                commands.append(f"ESC {chr(op)} {data[i + 2]}")
                if op == 0x64:
                    lines.extend([""] * data[i + 2])
                i += 3
            else:
                raise ValueError(f"ESC {op:#x} desconhecido na posição {i}")
        elif b == 0x1D:  # GS
            op = data[i + 1]
            if op == 0x6B:  # GS k m n d1..dn (function B)
                system, n = data[i + 2], data[i + 3]
                barcodes.append((system, data[i + 4 : i + 4 + n].decode("ascii")))
                i += 4 + n
            elif op in (0x48, 0x68, 0x77, 0x21, 0x66):  # HRI, height, width, size, HRI font
                commands.append(f"GS {chr(op)} {data[i + 2]}")
                i += 3
            elif op == 0x56:  # cut
                cuts += 1
                i += 4 if data[i + 2] in (0x41, 0x42) else 3
            else:
                raise ValueError(f"GS {op:#x} desconhecido na posição {i}")
        elif b == 0x0A:
            lines.append("".join(current))
            current = []
            i += 1
        elif b < 0x20:
            raise ValueError(f"byte de controle {b:#x} na posição {i}")
        else:
            current.append(chr(b) if b < 0x80 else CP860.get(b, "?"))
            i += 1
    if current:
        lines.append("".join(current))
    return {"lines": lines, "barcodes": barcodes, "cuts": cuts, "commands": commands}
