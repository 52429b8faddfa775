"""Money rounding for the collection and debt rules.

Temporary home: the shared kernel is getting `modules/common/domain/money.py` with the same API
(`CENT`, `Rounding`, `round_money`); once it lands, this module should become a re-export of it and
then disappear. Kept private (underscore) so nothing outside collection/debt starts depending on it.

Rates and percentages keep full precision; only money is rounded, at documented points, with the
tenant's rule: truncate (SAAE Sorocaba, TR §14.5: "os valores após a segunda casa decimal são
desprezados") or half-up (DESO's installment simulator, seed 003).
"""

from __future__ import annotations

import enum
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_MONEY_TEXT = re.compile(r"-?\d{1,15}(\.\d{1,2})?")


class Rounding(enum.StrEnum):
    TRUNCATE = "truncate"
    HALF_UP = "half_up"


_DECIMAL_ROUNDING = {Rounding.TRUNCATE: ROUND_DOWN, Rounding.HALF_UP: ROUND_HALF_UP}


def round_money(value: Decimal, rule: Rounding) -> Decimal:
    """Round to the cent. Truncation goes toward zero, so a credit is never rounded up either."""
    return value.quantize(CENT, rounding=_DECIMAL_ROUNDING[Rounding(rule)])


def parse_money(text: object) -> Decimal | None:
    """A decimal amount with at most two places from its string form ("20.59"); None when it is not one.

    Floats are not accepted on purpose: money travels as text (ARCHITECTURE: money is a string on the wire).
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
