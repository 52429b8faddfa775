"""What reading asks of the modules above it, through hooks they register at start-up
(AppConfig.ready), since reading may not import them.

* `register_billed_months(provider)`: billing answers which (group id, reference month) pairs it has
  billed from a month on. A version of the consumption regulation in force on a billed month is never
  changed, and a billed month's schedule is never adjusted: the bills were computed from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
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


# * `register_reading_pricer(provider)`: billing answers the totals of the bills readings give, priced
#   with the server's rules (the device's on-site bill is compared with it on sync, ADR 0200), for the
#   readings it can price. No provider: the device's total is stored and not compared.
ReadingPricer = Callable[[Sequence[int]], dict[int, Decimal]]

_PRICERS: dict[str, ReadingPricer] = {}


def register_reading_pricer(name: str, provider: ReadingPricer) -> None:
    _PRICERS[name] = provider


def readings_price(reading_ids: Sequence[int]) -> dict[int, Decimal]:
    """reading id → the server's total for its bill, from the first provider that prices it."""
    found: dict[int, Decimal] = {}
    for name in sorted(_PRICERS):
        for pk, total in _PRICERS[name]([i for i in reading_ids if i not in found]).items():
            found.setdefault(pk, total)
    return found
