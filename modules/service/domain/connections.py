"""Pure rules of new connections (ADR 0191): a fee split into installments to the cent, and the area
(água or esgoto) of a connection request."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
AREAS = {"water": "Água", "sewer": "Esgoto"}


def split_installments(total: Decimal, count: int) -> list[Decimal]:
    """`total` in `count` installments truncated to the cent; the last absorbs the remainder
    (R$ 180,00 in 7: 25,71 × 6 + 25,74)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    each = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [total - each * (count - 1)]


def installment_source_id(charge_id: int, number: int) -> str:
    return f"{charge_id}/{number}"
