"""Money: the one place that rounds.

Amounts are `Decimal` built from strings (never float). Rates and percentages keep full precision
until a documented rounding point (a bill line, an installment), where the tenant's rule applies:
truncation (SAAE Sorocaba, TR §14.5: "os valores após a segunda casa decimal são desprezados") or
half-up. Truncation goes toward zero, so a credit is never rounded up either.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class Rounding(StrEnum):
    TRUNCATE = "truncate"
    HALF_UP = "half_up"


_DECIMAL_ROUNDING = {Rounding.TRUNCATE: ROUND_DOWN, Rounding.HALF_UP: ROUND_HALF_UP}


def round_money(value: Decimal, rule: Rounding) -> Decimal:
    """`value` to the cent under `rule`."""
    if not isinstance(value, Decimal):
        raise TypeError("money must be a Decimal")
    return value.quantize(CENT, rounding=_DECIMAL_ROUNDING[Rounding(rule)])
