"""Cadastral inscription of a property: localidade.setor.quadra.lote.sublote-DV (seed 002 S8.3-03).

Widths are the utility's (R-07, ADR 0214): by default the usual layout of Brazilian utilities'
legacy systems (3.3.4.4.3 digits), or GSAN's 3.3.3.4.3 (seed 003: `425.001.003.1058.000`); every
function takes the widths, `modules.registry.numbering.inscription_widths()` gives the utility's. The
formatted form is zero-padded, so a prefix such as "001.002" finds every property of a sector. Two
check digits follow the routing fields after a hyphen: `001.002.0034.0056.000-95`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Widths = tuple[int, int, int, int, int]
WIDTHS: Widths = (3, 3, 4, 4, 3)
GSAN_WIDTHS: Widths = (3, 3, 3, 4, 3)
LABELS = ("localidade", "setor", "quadra", "lote", "sublote")
ROUTING_DIGITS = sum(WIDTHS)  # 17 by default
_DOTTED = re.compile(r"^\s*\d{1,4}(\.\d{1,4}){1,4}\s*$")
_TYPED = re.compile(r"^(?P<parts>\d{1,4}(?:\.\d{1,4}){3,4})(?:\s*-\s*(?P<dv>\d{2}))?$")


def widths_text(widths: Widths) -> str:
    """(3, 3, 4, 4, 3) → '3.3.4.4.3'."""
    return ".".join(str(w) for w in widths)


def parse_widths(text: str) -> Widths:
    parts = tuple(int(p) for p in text.split("."))
    if len(parts) != 5 or not all(1 <= p <= 4 for p in parts):
        raise InvalidInscription("Larguras da inscrição inválidas: cinco campos de 1 a 4 dígitos.", "widths")
    return (parts[0], parts[1], parts[2], parts[3], parts[4])


def _run(widths: Widths) -> re.Pattern[str]:
    return re.compile(rf"^(?P<parts>\d{{{sum(widths)}}})(?:-?(?P<dv>\d{{2}}))?$")


class InvalidInscription(ValueError):
    def __init__(self, message: str, field: str = "inscription") -> None:
        super().__init__(message)
        self.field = field


def _mod10(digits: str) -> int:
    """Luhn-like modulo 10, as FEBRABAN's: weights 2, 1, 2, 1 … from the rightmost digit; a product
    above 9 counts as the sum of its two digits (16 → 1 + 6); DV = 10 − (sum mod 10), and 10 → 0."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _mod11(digits: str) -> int:
    """Modulo 11: weights 2, 3 … 9 from the rightmost digit, restarting at 2 after 9; DV = 11 − (sum
    mod 11), and a result of 10 or 11 becomes 0."""
    total = sum(int(ch) * (2 + i % 8) for i, ch in enumerate(reversed(digits)))
    dv = 11 - total % 11
    return 0 if dv >= 10 else dv


def check_digits(routing: str) -> str:
    """The two check digits of the routing digits (by default 17: localidade 3, setor 3, quadra 4,
    lote 4, sublote 3, zero-padded and run together; 16 in GSAN's layout): the first by modulo 10
    (`_mod10`: weights 2,1 from the right, Luhn-like as FEBRABAN, 10 → 0) over the routing digits;
    the second by modulo 11 (`_mod11`: weights 2..9 from the right, 10 or 11 → 0) over them followed
    by the first DV.

    >>> check_digits("00100200340056000")
    '95'
    """
    if not re.fullmatch(r"\d{5,20}", routing):
        raise InvalidInscription("Inscrição inválida: os campos de roteiro são só dígitos.")
    first = _mod10(routing)
    second = _mod11(routing + str(first))
    return f"{first}{second}"


@dataclass(frozen=True)
class Inscription:
    locality: int
    sector: int
    block: int
    lot: int
    sublot: int = 0
    widths: Widths = WIDTHS

    def __post_init__(self) -> None:
        for label, value, width in zip(LABELS, self.parts(), self.widths, strict=True):
            if value < 0 or value >= 10**width:
                raise InvalidInscription(
                    f"Inscrição inválida: {label} deve ter até {width} dígitos e não ser negativo.", label
                )

    def parts(self) -> tuple[int, int, int, int, int]:
        return (self.locality, self.sector, self.block, self.lot, self.sublot)

    def routing(self) -> str:
        """'001.002.0034.0056.000': the routing fields only, the prefix every search matches."""
        return ".".join(str(v).zfill(w) for v, w in zip(self.parts(), self.widths, strict=True))

    @property
    def check_digits(self) -> str:
        return check_digits(self.routing().replace(".", ""))

    def formatted(self) -> str:
        """'001.002.0034.0056.000-95': the stored and shown form, routing fields and check digits."""
        return f"{self.routing()}-{self.check_digits}"


def _make(values: list[int], widths: Widths) -> Inscription:
    """Four or five typed fields (the sublote defaults to 0)."""
    locality, sector, block, lot, *rest = values
    return Inscription(locality, sector, block, lot, rest[0] if rest else 0, widths=widths)


def parse_inscription(value: str, widths: Widths = WIDTHS) -> Inscription:
    """'1.2.34.56.0', '001.002.0034.0056.000', the 17 digits run together, or any of them followed by
    the two check digits ('001.002.0034.0056.000-95', 19 digits run together). Without the check
    digits they are computed; with them, wrong ones are refused (field "inscription")."""
    text = re.sub(r"\s+", "", value or "")
    run, typed = _run(widths).match(text), _TYPED.match(text)
    if run:
        digits, pos, chunks = run["parts"], 0, []
        for width in widths:
            chunks.append(int(digits[pos : pos + width]))
            pos += width
        insc, dv = _make(chunks, widths), run["dv"]
    elif typed:
        insc, dv = _make([int(p) for p in typed["parts"].split(".")], widths), typed["dv"]
    else:
        raise InvalidInscription(
            "Inscrição inválida: use localidade.setor.quadra.lote[.sublote][-DV] "
            "(ex.: 001.002.0034.0056.000-95)."
        )
    if dv is not None and dv != insc.check_digits:
        raise InvalidInscription(
            f"Inscrição {insc.routing()}: dígitos verificadores {dv} não conferem "
            f"(o correto é {insc.check_digits})."
        )
    return insc


def inscription_prefix(value: str, widths: Widths = WIDTHS) -> str | None:
    """A zero-padded prefix for searching ('1.2' -> '001.002'), or None if it is not dotted digits; a
    complete inscription with check digits answers its stored form, or None when they are wrong."""
    text = (value or "").strip()
    if "-" in text:
        try:
            return parse_inscription(text, widths).formatted()
        except InvalidInscription:
            return None
    if not _DOTTED.match(text):
        return None
    parts = text.split(".")
    if len(parts) > len(widths):
        return None
    out = []
    for part, width in zip(parts, widths, strict=False):
        if len(part) > width:
            return None
        out.append(part.zfill(width))
    return ".".join(out)
