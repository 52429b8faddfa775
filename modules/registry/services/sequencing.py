"""Reading sequence inside a route, derived from the place (seed 002 S8.3-02): units are read in the
order street, quadra, lote, número, complemento, so two connections on the same street, quadra and
lote that differ only by complemento get different, adjacent sequences. (route, sequence) stays
unique (constraint property_route_sequence) at every statement."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..domain.text import fold
from ..models import Property, Route

DEFAULT_STEP = 10  # a gap between neighbours, so a unit registered later fits between them
_LEADING_INT = re.compile(r"^\s*(\d+)")


@dataclass(frozen=True, order=True)
class ReadingKey:
    street: str
    street_id: int
    block: int
    lot: int
    number: int  # the house number's leading integer; "S/N" sorts last
    number_text: str
    complement: str
    sublot: int
    pk: int  # the tie-breaker: a unit already registered keeps its place before a new one


def _number(value: str) -> int:
    match = _LEADING_INT.match(value or "")
    return int(match.group(1)) if match else 10**9


def reading_key(prop: Property, *, street_name: str | None = None) -> ReadingKey:
    return ReadingKey(
        street=street_name if street_name is not None else prop.street.name_search,
        street_id=prop.street_id,
        block=prop.block,
        lot=prop.lot,
        number=_number(prop.number),
        number_text=fold(prop.number or ""),
        complement=fold(prop.complement or ""),
        sublot=prop.sublot,
        pk=prop.pk or 2**62,
    )


def _route_units(route: Route, exclude: Iterable[int] = ()) -> list[Property]:
    return list(
        Property.objects.filter(route=route)
        .exclude(pk__in=list(exclude))
        .select_related("street")
        .only("pk", "street__name_search", "street_id", "block", "lot", "number", "complement", "sublot",
              "route_sequence")
    )  # fmt: skip


def derived_sequence(route: Route, prop: Property, *, step: int = DEFAULT_STEP) -> int | None:
    """The sequence `prop` takes in `route` from its place: halfway between the units read just
    before and just after it, or `step` past the last. None when there is no free number between its
    neighbours: the caller then re-sequences the route (`route_resequence_within`).

    Runs inside the caller's transaction, holding the route's row lock (select_for_update)."""
    key = reading_key(prop)
    placed: list[tuple[ReadingKey, int]] = sorted(
        (reading_key(u), int(u.route_sequence))
        for u in _route_units(route, exclude=[prop.pk] if prop.pk else [])
        if u.route_sequence is not None
    )
    before = [seq for k, seq in placed if k < key]
    after = [seq for k, seq in placed if k > key]
    low = max(before, default=0)
    if not after:
        return max((seq for _, seq in placed), default=0) + step
    high = min(after)
    if high - low >= 2:
        candidate = low + (high - low) // 2
        if all(seq != candidate for _, seq in placed):
            return candidate
    return None


def route_resequence_within(route: Route, *, step: int = DEFAULT_STEP) -> dict[str, tuple[int | None, int]]:
    """Give every unit of `route` the sequence step, 2·step … in reading order; answers
    {account_number: (old, new)} for the units whose sequence changed.

    Runs inside the caller's transaction, holding the route's row lock (select_for_update): the
    sequences are first cleared, then set, so the unique index never sees two units on one place."""
    units = sorted(_route_units(route), key=reading_key)
    changed: dict[str, tuple[int | None, int]] = {}
    accounts = dict(Property.objects.filter(route=route).values_list("pk", "account_number"))
    for index, unit in enumerate(units, start=1):
        new = index * step
        if unit.route_sequence != new:
            changed[accounts[unit.pk]] = (unit.route_sequence, new)
        unit.route_sequence = new
    Property.objects.filter(route=route).update(route_sequence=None)
    Property.objects.bulk_update(units, ["route_sequence"], batch_size=2000)
    return changed
