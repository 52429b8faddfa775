"""What reading asks of the modules above it, through hooks they register at start-up
(AppConfig.ready), since reading may not import them.

* `register_billed_months(provider)`: billing answers which (group id, reference month) pairs it has
  billed from a month on. A version of the consumption regulation in force on a billed month is never
  changed, and a billed month's schedule is never adjusted: the bills were computed from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
