"""Interruption discount (TR 1.8): Desconto do mês (R$) = VMS ÷ TTSP × TTI.

VMS is the monthly service value, TTI the month's total unavailable time in hours, and TTSP is fixed
by the contract at 720 hours whatever the month's length (28 to 31 days). The computation keeps
full precision and rounds once, half-up to the cent, at the end: rounding VMS ÷ 720 first would give
R$ 97,23 instead of R$ 97,22 for 7 hours of R$ 10.000,00.

The discount never exceeds VMS: a 31-day month has 744 hours, and more than 720 unavailable hours
would otherwise credit more than the month costs.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
TTSP_HOURS = 720
_MICROSECONDS_PER_HOUR = 3_600_000_000


def hours(duration: dt.timedelta) -> Decimal:
    """A duration in hours, exact to the microsecond (as many digits as the division needs)."""
    with localcontext() as ctx:
        ctx.prec = 50
        return Decimal(duration // dt.timedelta(microseconds=1)) / Decimal(_MICROSECONDS_PER_HOUR)


def interruption_discount(monthly_value: Decimal, unavailable: dt.timedelta) -> Decimal:
    if monthly_value < 0:
        raise ValueError("monthly value cannot be negative")
    if unavailable < dt.timedelta(0):
        raise ValueError("unavailable time cannot be negative")
    micros = unavailable // dt.timedelta(microseconds=1)
    with localcontext() as ctx:
        # 50 significant digits: VMS × µs ÷ (720 h in µs) is exact far beyond the cent before the
        # single rounding below, so no intermediate rounding can move the result across a half-cent.
        ctx.prec = 50
        exact = monthly_value * Decimal(micros) / Decimal(TTSP_HOURS * _MICROSECONDS_PER_HOUR)
        rounded = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return min(rounded, monthly_value.quantize(CENT, rounding=ROUND_HALF_UP))
