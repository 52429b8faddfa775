"""Reads of rental contracts and alternative addresses: who answered for a unit on a date (S10.15-04),
the history of responsible parties, the debts a tenant may act on (S10.15-02) and where the bills are
delivered (3.2.13.10.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from modules.common.errors import PermissionDenied

from .domain.payer import PayerRole, in_force, payer_relation
from .domain.rental import Period, references_outside
from .errors import ErrorCode
from .models import Customer, Property, PropertyRelation
from .models_rental import PropertyAddress, RentalContract


@dataclass(frozen=True)
class Responsible:
    on: dt.date
    relation: PropertyRelation | None
    contract: RentalContract | None

    @property
    def customer(self) -> Customer | None:
        return self.relation.customer if self.relation is not None else None


def _contract_of(
    relation: PropertyRelation, contracts: Iterable[RentalContract], on: dt.date
) -> RentalContract | None:
    for c in contracts:
        if c.relation_id == relation.pk and c.start <= on <= c.last_day:
            return c
    return None


def responsible_on(prop: Property, on: dt.date) -> Responsible:
    """Whom the unit's bills were issued to on `on`, in what role, through which contract: the payer
    rule (domain/payer.py) over every relation in force that day."""
    relations = list(PropertyRelation.objects.filter(property=prop).select_related("customer"))
    chosen = payer_relation(relations, on)
    contract = None
    if chosen is not None and chosen.role == PayerRole.USER:
        contract = _contract_of(chosen, RentalContract.objects.filter(property=prop), on)
    return Responsible(on, chosen, contract)


@dataclass(frozen=True)
class HistoryRow:
    start: dt.date
    end: dt.date | None  # the last day, inclusive; None: still responsible
    relation: PropertyRelation
    contract: RentalContract | None


def responsible_history(prop: Property) -> list[HistoryRow]:
    """The unit's responsible parties over time, oldest first: at every day a relation starts or ends
    the payer rule is asked again, and consecutive days with the same answer are one row."""
    relations = list(PropertyRelation.objects.filter(property=prop).select_related("customer"))
    contracts = list(RentalContract.objects.filter(property=prop))
    days = sorted({r.start for r in relations} | {r.end for r in relations if r.end is not None})
    rows: list[HistoryRow] = []
    for i, day in enumerate(days):
        chosen = payer_relation(relations, day)
        nxt = days[i + 1] if i + 1 < len(days) else None
        if chosen is None:
            continue
        if rows and rows[-1].relation.pk == chosen.pk and rows[-1].end == day - dt.timedelta(days=1):
            rows[-1] = HistoryRow(rows[-1].start, None if nxt is None else nxt - dt.timedelta(days=1),
                                  chosen, rows[-1].contract)  # fmt: skip
            continue
        contract = _contract_of(chosen, contracts, day) if chosen.role == PayerRole.USER else None
        rows.append(HistoryRow(day, None if nxt is None else nxt - dt.timedelta(days=1), chosen, contract))
    return rows


def contracts_of(prop: Property) -> list[RentalContract]:
    return list(
        RentalContract.objects.filter(property=prop).select_related("tenant").order_by("-start", "-id")
    )


def tenant_debt_scope_check(
    *, property_id: int, requester_id: int | None, references: Iterable[dt.date], today: dt.date
) -> None:
    """S10.15-02: who asks (`requester_id`, a registry customer) may act on these debts of the unit.
    The owner and the one responsible for the bill, in force today, act on any; a tenant only on the
    reference months within one of their rental contracts of the unit (403 otherwise); anyone else
    on none. Nobody named (staff acting for the utility): no check."""
    if requester_id is None:
        return
    relations = list(PropertyRelation.objects.filter(property_id=property_id, customer_id=requester_id))
    if any(r.role in (PayerRole.OWNER, PayerRole.BILL_PAYER) and in_force(r, today) for r in relations):
        return
    periods = [
        Period(c.start, c.last_day)
        for c in RentalContract.objects.filter(property_id=property_id, tenant_id=requester_id)
    ]
    if not periods:
        raise PermissionDenied(
            "O solicitante não é proprietário, responsável pela conta nem inquilino com contrato "
            "deste imóvel.",
            field="requester",
            code=ErrorCode.NOT_RESPONSIBLE,
        )
    outside = references_outside(references, periods)
    if outside:
        months = ", ".join(f"{r:%m/%Y}" for r in outside)
        raise PermissionDenied(
            "O inquilino só pode negociar débitos do período do seu contrato de locação; "
            f"fora dele: {months}.",
            field="requester",
            code=ErrorCode.DEBT_OUTSIDE_CONTRACT,
        )


def delivery_address(property_id: int) -> PropertyAddress | None:
    """The active alternative address the unit's bills are delivered to, or None (the unit's own)."""
    address: PropertyAddress | None = (
        PropertyAddress.objects.select_related("street", "neighbourhood")
        .filter(property_id=property_id, active=True, delivery=True)
        .first()
    )
    return address


def addresses_of(prop: Property) -> list[PropertyAddress]:
    return list(PropertyAddress.objects.filter(property=prop).select_related("street", "neighbourhood"))
