"""Who a property's bills are issued to: one rule for the billing run, the bill PDF and the agency.

Among the property's relations in force, the customer named responsible for the bill (responsável
pela conta) comes first; else the user (inquilino): during a rental the tenant is responsible and
the bills go in the tenant's name; else the owner (seed 001 3.2.7.21.1: "an invoice issued within
the contract period has the tenant as payer; outside it, the owner").

A relation is in force from its start, inclusive, to its end, exclusive: a transfer ends the old
holder's relation on the day the new one starts, and that day belongs to the new holder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol, TypeVar


class PayerRole(StrEnum):
    """The roles of PropertyRelation, in the order they take the bill."""

    BILL_PAYER = "bill_payer"
    USER = "user"
    OWNER = "owner"


PAYER_ORDER = (PayerRole.BILL_PAYER, PayerRole.USER, PayerRole.OWNER)


class Relation(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date | None: ...


R = TypeVar("R", bound=Relation)


def in_force(relation: Relation, on: dt.date) -> bool:
    return relation.start <= on and (relation.end is None or on < relation.end)


def payer_relation(relations: Iterable[R], on: dt.date | None = None) -> R | None:
    """The relation whose customer the bills are issued to: among `relations` in force on `on` (all of
    them when `on` is None: the caller passed the current ones), the first role of PAYER_ORDER."""
    by_role: dict[str, R] = {}
    for relation in relations:
        if on is not None and not in_force(relation, on):
            continue
        seen = by_role.get(relation.role)
        if seen is None or relation.start > seen.start:  # the latest start, should two overlap
            by_role[relation.role] = relation
    for role in PAYER_ORDER:
        if role in by_role:
            return by_role[role]
    return None
