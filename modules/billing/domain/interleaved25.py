"""Interleaved 2 of 5 (ITF), the symbology of the FEBRABAN collection barcode, and an SVG renderer.

Digits are encoded in pairs: the first digit of a pair by the widths of five bars, the second by the
five spaces between them; each digit has exactly two wide elements. Start = narrow bar, narrow space,
narrow bar, narrow space; stop = wide bar, narrow space, narrow bar. The bill PDF (WeasyPrint) embeds
the SVG, so no barcode font is needed on any workstation (TR Sorocaba §13.1). FEBRABAN admits a
wide/narrow ratio between 2.25 and 3; the default is 3, the easiest for old readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Element(StrEnum):
    BAR = "bar"
    SPACE = "space"


class Width(StrEnum):
    NARROW = "narrow"
    WIDE = "wide"


N, W = Width.NARROW, Width.WIDE

PATTERNS: dict[str, tuple[Width, ...]] = {
    "0": (N, N, W, W, N),
    "1": (W, N, N, N, W),
    "2": (N, W, N, N, W),
    "3": (W, W, N, N, N),
    "4": (N, N, W, N, W),
    "5": (W, N, W, N, N),
    "6": (N, W, W, N, N),
    "7": (N, N, N, W, W),
    "8": (W, N, N, W, N),
    "9": (N, W, N, W, N),
}
_DIGITS = {pattern: digit for digit, pattern in PATTERNS.items()}
START = ((Element.BAR, N), (Element.SPACE, N), (Element.BAR, N), (Element.SPACE, N))
STOP = ((Element.BAR, W), (Element.SPACE, N), (Element.BAR, N))

Module = tuple[Element, Width]


def encode(digits: str) -> tuple[Module, ...]:
    """Bars and spaces, left to right, for an even number of digits (the barcode has 44)."""
    if not digits.isdigit() or len(digits) % 2:
        raise ValueError("Interleaved 2 of 5 codifica um número par de dígitos numéricos.")
    modules: list[Module] = list(START)
    for index in range(0, len(digits), 2):
        bars, spaces = PATTERNS[digits[index]], PATTERNS[digits[index + 1]]
        for bar, space in zip(bars, spaces, strict=True):
            modules += [(Element.BAR, bar), (Element.SPACE, space)]
    modules += STOP
    return tuple(modules)


def decode(modules: tuple[Module, ...]) -> str:
    """The digits back from the bars and spaces (used to test the encoder)."""
    if modules[:4] != START or modules[-3:] != STOP or (len(modules) - 7) % 10:
        raise ValueError("Sequência de barras inválida: início ou fim não reconhecido.")
    body = modules[4:-3]
    digits: list[str] = []
    for index in range(0, len(body), 10):
        chunk = body[index : index + 10]
        bars = tuple(width for _, width in chunk[0::2])
        spaces = tuple(width for _, width in chunk[1::2])
        if bars not in _DIGITS or spaces not in _DIGITS:
            raise ValueError(f"Sequência de barras inválida no par {index // 10 + 1}.")
        digits += [_DIGITS[bars], _DIGITS[spaces]]
    return "".join(digits)


@dataclass(frozen=True)
class SvgOptions:
    narrow: Decimal = Decimal("1")  # user units of the viewBox
    ratio: Decimal = Decimal("3")
    height: Decimal = Decimal("40")
    quiet_zone: Decimal = Decimal("10")  # blank margin each side, in narrow modules
    width_attr: str | None = "103mm"  # printed size; FEBRABAN's collection barcode is about 103 × 13 mm
    height_attr: str | None = "13mm"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def render_svg(digits: str, options: SvgOptions | None = None) -> str:
    """A standalone SVG of the barcode: one <rect> per bar, black on white, no text."""
    opts = options or SvgOptions()
    if not Decimal("2") <= opts.ratio <= Decimal("3"):
        raise ValueError("A razão entre barra larga e estreita deve estar entre 2 e 3.")
    wide = opts.narrow * opts.ratio
    x = opts.quiet_zone * opts.narrow
    rects: list[str] = []
    for element, width in encode(digits):
        size = opts.narrow if width is Width.NARROW else wide
        if element is Element.BAR:
            rects.append(
                f'<rect x="{_number(x)}" y="0" width="{_number(size)}" height="{_number(opts.height)}"/>'
            )
        x += size
    total = x + opts.quiet_zone * opts.narrow
    size_attrs = ""
    if opts.width_attr:
        size_attrs += f' width="{opts.width_attr}"'
    if opts.height_attr:
        size_attrs += f' height="{opts.height_attr}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_number(total)} {_number(opts.height)}"'
        f'{size_attrs} preserveAspectRatio="none" shape-rendering="crispEdges" role="img" '
        f'aria-label="Código de barras {digits}">'
        f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{"".join(rects)}</g></svg>'
    )
