"""Money: the one place that rounds.

Amounts are `Decimal` built from strings (never float). Rates and percentages keep full precision
until a documented rounding point (a bill line, an installment), where the tenant's rule applies:
truncation (SAAE Sorocaba, TR §14.5: "os valores após a segunda casa decimal são desprezados") or
half-up. Truncation goes toward zero, so a credit is never rounded up either.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
_MONEY_TEXT = re.compile(r"-?\d{1,15}(\.\d{1,2})?")


class Rounding(StrEnum):
    TRUNCATE = "truncate"
    HALF_UP = "half_up"


_DECIMAL_ROUNDING = {Rounding.TRUNCATE: ROUND_DOWN, Rounding.HALF_UP: ROUND_HALF_UP}


def round_money(value: Decimal, rule: Rounding) -> Decimal:
    """`value` to the cent under `rule`."""
    if not isinstance(value, Decimal):
        raise TypeError("money must be a Decimal")
    return value.quantize(CENT, rounding=_DECIMAL_ROUNDING[Rounding(rule)])


def parse_money(text: object) -> Decimal | None:
    """A decimal amount with at most two places from its string form ("20.59"); None when it is not one.

    Floats are not accepted on purpose: money travels as text on the wire.
    """
    if not isinstance(text, str) or not _MONEY_TEXT.fullmatch(text.strip()):
        return None
    return Decimal(text.strip()).quantize(CENT)


def format_brl(value: Decimal) -> str:
    """pt-BR money without the currency sign: 15336.12 → "15.336,12" (for messages; documents use babel)."""
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value).quantize(CENT):f}".split(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}{'.'.join(groups)},{cents}"
