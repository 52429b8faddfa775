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


# * `register_batch_created(name, hook)`: debt issues the cut notices of the group's eligible units
#   with the reading batch (seed 001 3.2.9.8), in the batch's own transaction: hook(actor, group id,
#   property ids, the reading window's last day — the latest the reader delivers them).
# * `register_package_extras(name, provider)`: debt answers, per property of a route's package, what
#   the device prints right after the on-site bill (the pending notice and its thermal lines).
BatchCreated = Callable[[object, int, list[int], dt.date], None]
PackageExtras = Callable[[list[int]], dict[int, dict[str, object]]]

_BATCH_CREATED: dict[str, BatchCreated] = {}
_PACKAGE_EXTRAS: dict[str, PackageExtras] = {}


def register_batch_created(name: str, hook: BatchCreated) -> None:
    _BATCH_CREATED[name] = hook


def batch_created(actor: object, group_id: int, property_ids: list[int], delivered_by: dt.date) -> None:
    """Runs inside the batch's transaction: every registered hook, in name order."""
    for name in sorted(_BATCH_CREATED):
        _BATCH_CREATED[name](actor, group_id, property_ids, delivered_by)


def register_package_extras(name: str, provider: PackageExtras) -> None:
    _PACKAGE_EXTRAS[name] = provider


def package_extras(property_ids: list[int]) -> dict[int, dict[str, object]]:
    """property id → the extra keys of its package entry (merged from every provider)."""
    out: dict[int, dict[str, object]] = {}
    for name in sorted(_PACKAGE_EXTRAS):
        for pid, extra in _PACKAGE_EXTRAS[name](property_ids).items():
            out.setdefault(pid, {}).update(extra)
    return out


# * `register_package_billing(provider)`: billing answers what a reader's phone needs to price the
#   bills of a route on the spot with the server's rules (ADR 0227): the tariff version in force as
#   data, and per property its economias, service, sewer share, other modules' items, exemptions,
#   due date, payer and overdue bills, or why it is billed at the office. None: no on-site billing.
PackageBilling = Callable[[int, dt.date, Sequence[int]], "dict[str, object] | None"]

_PACKAGE_BILLING: dict[str, PackageBilling] = {}


def register_package_billing(name: str, provider: PackageBilling) -> None:
    _PACKAGE_BILLING[name] = provider


def package_billing(
    group_id: int, reference: dt.date, property_ids: Sequence[int]
) -> dict[str, object] | None:
    """The first provider's answer for the route (None: nobody prices on the spot)."""
    for name in sorted(_PACKAGE_BILLING):
        found = _PACKAGE_BILLING[name](group_id, reference, property_ids)
        if found is not None:
            return found
    return None
