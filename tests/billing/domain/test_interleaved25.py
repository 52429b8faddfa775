"""Interleaved 2 of 5 pattern and SVG of the 44-digit collection barcode."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.billing.domain.interleaved25 import (
    PATTERNS,
    START,
    STOP,
    Element,
    SvgOptions,
    Width,
    decode,
    encode,
    render_svg,
)

SAMPLE_BARCODE = "82630000004152900414250046472620184667291415"
N, W = Width.NARROW, Width.WIDE


def test_every_digit_has_two_wide_of_five() -> None:
    assert all(len(p) == 5 and p.count(W) == 2 for p in PATTERNS.values())
    assert len(set(PATTERNS.values())) == 10


def test_a_pair_interleaves_bars_of_the_first_with_spaces_of_the_second() -> None:
    """ "12": bars from 1 (W N N N W), spaces from 2 (N W N N W)."""
    modules = encode("12")
    assert modules[:4] == START and modules[-3:] == STOP
    assert modules[4:14] == (
        (Element.BAR, W), (Element.SPACE, N),
        (Element.BAR, N), (Element.SPACE, W),
        (Element.BAR, N), (Element.SPACE, N),
        (Element.BAR, N), (Element.SPACE, N),
        (Element.BAR, W), (Element.SPACE, W),
    )  # fmt: skip


def test_the_44_digit_barcode() -> None:
    modules = encode(SAMPLE_BARCODE)
    assert len(modules) == 4 + 22 * 10 + 3
    assert decode(modules) == SAMPLE_BARCODE
    bars = [m for m in modules if m[0] is Element.BAR]
    # 44 digits × 5 elements = 220, half bars; plus 2 start bars and 2 stop bars
    assert len(bars) == 114


@given(st.text(alphabet="0123456789", min_size=1, max_size=30).filter(lambda s: len(s) % 2 == 0))
def test_round_trip(digits: str) -> None:
    assert decode(encode(digits)) == digits


@pytest.mark.parametrize("digits", ["123", "12a4", ""])
def test_refuses_odd_or_non_numeric(digits: str) -> None:
    with pytest.raises(ValueError) as raised:
        encode(digits)
    assert str(raised.value) == "Interleaved 2 of 5 codifica um número par de dígitos numéricos."


def test_decode_refuses_garbage() -> None:
    with pytest.raises(ValueError):
        decode(((Element.BAR, W), *encode("12")[1:]))


def test_svg_draws_one_rect_per_bar_with_widths_by_ratio() -> None:
    svg = render_svg(SAMPLE_BARCODE)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    rects = root.findall("{http://www.w3.org/2000/svg}g/{http://www.w3.org/2000/svg}rect")
    assert len(rects) == 114
    assert {r.get("width") for r in rects} == {"1", "3"}
    assert rects[0].get("x") == "10"
    # width: quiet zones 2 × 10 + start 4 + stop (3 + 1 + 1) + 44 digits × (3 narrow + 2 wide)
    assert root.get("viewBox") == f"0 0 {20 + 4 + 5 + 44 * (3 + 2 * 3)} 40"
    assert root.get("width") == "103mm" and root.get("height") == "13mm"
    assert render_svg(SAMPLE_BARCODE) == svg  # reproducible


def test_svg_options() -> None:
    svg = render_svg(
        "00", SvgOptions(narrow=Decimal("0.5"), ratio=Decimal("2.5"), width_attr=None, height_attr=None)
    )
    assert 'width="1.25"' in svg and 'width="0.5"' in svg
    assert "mm" not in svg
    with pytest.raises(ValueError) as raised:
        render_svg("00", SvgOptions(ratio=Decimal("4")))
    assert str(raised.value) == "A razão entre barra larga e estreita deve estar entre 2 e 3."
