"""Cadastral inscription of a property: localidade.setor.quadra.lote.sublote.

Widths follow the usual layout of Brazilian utilities' legacy systems (3.3.4.4.3 digits); the
formatted form is zero-padded, so a prefix such as "001.002" finds every property of a sector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WIDTHS = (3, 3, 4, 4, 3)
LABELS = ("localidade", "setor", "quadra", "lote", "sublote")
_DOTTED = re.compile(r"^\s*\d{1,4}(\.\d{1,4}){1,4}\s*$")


class InvalidInscription(ValueError):
    def __init__(self, message: str, field: str = "inscription") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Inscription:
    locality: int
    sector: int
    block: int
    lot: int
    sublot: int = 0

    def __post_init__(self) -> None:
        for label, value, width in zip(LABELS, self.parts(), WIDTHS, strict=True):
            if value < 0 or value >= 10**width:
                raise InvalidInscription(
                    f"Inscrição inválida: {label} deve ter até {width} dígitos e não ser negativo.", label
                )

    def parts(self) -> tuple[int, int, int, int, int]:
        return (self.locality, self.sector, self.block, self.lot, self.sublot)

    def formatted(self) -> str:
        return ".".join(str(v).zfill(w) for v, w in zip(self.parts(), WIDTHS, strict=True))


def parse_inscription(value: str) -> Inscription:
    """'1.2.34.56.0', '001.002.0034.0056.000' or the 17 digits run together."""
    text = (value or "").strip()
    if re.fullmatch(r"\d{17}", text):
        chunks, pos = [], 0
        for width in WIDTHS:
            chunks.append(int(text[pos : pos + width]))
            pos += width
        return Inscription(*chunks)
    if not _DOTTED.match(text) or text.count(".") < 3:
        raise InvalidInscription(
            "Inscrição inválida: use localidade.setor.quadra.lote[.sublote] (ex.: 001.002.0034.0056.000)."
        )
    numbers = [int(p) for p in text.split(".")]
    return Inscription(*numbers)


def inscription_prefix(value: str) -> str | None:
    """A zero-padded prefix for searching ('1.2' -> '001.002'), or None if it is not dotted digits."""
    text = (value or "").strip()
    if not _DOTTED.match(text):
        return None
    parts = text.split(".")
    if len(parts) > len(WIDTHS):
        return None
    out = []
    for part, width in zip(parts, WIDTHS, strict=False):
        if len(part) > width:
            return None
        out.append(part.zfill(width))
    return ".".join(out)
