"""What reading asks of the modules above it, through hooks they register at start-up
(AppConfig.ready), since reading may not import them.

* `register_billed_months(provider)`: billing answers which (group id, reference month) pairs it has
  billed from a month on. A version of the consumption regulation in force on a billed month is never
  changed, and a billed month's schedule is never adjusted: the bills were computed from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

BilledMonths = Callable[[dt.date], set[tuple[int, dt.date]]]

_PROVIDERS: dict[str, BilledMonths] = {}


def register_billed_months(name: str, provider: BilledMonths) -> None:
    _PROVIDERS[name] = provider


def billed_months(since: dt.date) -> set[tuple[int, dt.date]]:
    """(group id, first day of the reference month) of every month billed on or after `since`."""
    found: set[tuple[int, dt.date]] = set()
    for name in sorted(_PROVIDERS):
        found |= _PROVIDERS[name](since)
    return found


# * `register_reading_pricer(provider)`: billing answers the total of the bill a reading gives, priced
#   with the server's rules (the device's on-site bill is compared with it on sync, ADR 0200); None
#   when it cannot price it. No provider: the device's total is stored and not compared.
ReadingPricer = Callable[[int], Decimal | None]

_PRICERS: dict[str, ReadingPricer] = {}


def register_reading_pricer(name: str, provider: ReadingPricer) -> None:
    _PRICERS[name] = provider


def reading_price(reading_id: int) -> Decimal | None:
    """The server's total for the bill of this reading, from the first provider that prices it."""
    for name in sorted(_PRICERS):
        total = _PRICERS[name](reading_id)
        if total is not None:
            return total
    return None
