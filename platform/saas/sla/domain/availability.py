"""Availability percent and the annual downtime budget (TR 2.1).

The contract promises at least 99,982 % availability with at most 95 minutes of downtime a year.
The three figures in the tender disagree slightly (8 760 h × 0,018 % = 94,6 min); the budget is
counted in minutes against the contract year, which is the figure a utility can check by hand.

Availability of a period is measured against the period's real length (a 31-day month has
44 640 minutes); only the discount uses the contract's fixed 720 hours. Percentages are truncated
(never rounded up) to three decimals: the report never shows more availability than was delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext

PERCENT_PLACES = Decimal("0.001")


def availability_percent(period: dt.timedelta, unavailable: dt.timedelta) -> Decimal:
    if period <= dt.timedelta(0):
        raise ValueError("period must be positive")
    down = min(max(unavailable, dt.timedelta(0)), period)
    with localcontext() as ctx:
        ctx.prec = 50
        up = Decimal((period - down) // dt.timedelta(microseconds=1))
        value = up * 100 / Decimal(period // dt.timedelta(microseconds=1))
        return value.quantize(PERCENT_PLACES, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class ErrorBudget:
    allowed: dt.timedelta
    used: dt.timedelta

    @property
    def left(self) -> dt.timedelta:
        """Negative when the budget is overspent."""
        return self.allowed - self.used

    @property
    def exhausted(self) -> bool:
        return self.used > self.allowed

    @property
    def left_minutes(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 50
            return (Decimal(self.left // dt.timedelta(microseconds=1)) / Decimal(60_000_000)).quantize(
                Decimal("0.1"), rounding=ROUND_DOWN
            )


def contract_year(start: dt.date, on: dt.date) -> tuple[dt.date, dt.date]:
    """The contract year containing `on`: [anniversary, next anniversary). 29 February → 28."""

    def anniversary(year: int) -> dt.date:
        day = start.day
        if start.month == 2 and day == 29 and not _leap(year):
            day = 28
        return dt.date(year, start.month, day)

    first = anniversary(on.year)
    if on < first:
        first = anniversary(on.year - 1)
    return first, anniversary(first.year + 1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
