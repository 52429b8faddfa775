"""Which units collection may notify of a cut-off, or cut (seed 001 3.2.13.10.16/.20, 3.2.13.9.11,
.20): units with a bill released and overdue for more than the given days, leaving out

- bills under a hold (payment proven awaiting its file; an administrative or judicial proceeding),
- bills folded into a live installment agreement (their installments are the debt now),
- units whose registry forbids the notice (`cut_notice_allowed`) or the order (`cut_order_allowed`),
- units with an "impede corte" exception in force, and bills a legal process covers (a process
  about no bill in particular covers the whole unit; TR S10.13-01, `modules/billing/legal.py`).

A read: the notices and the orders themselves are written by their own services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, QuerySet, Sum

import modules.common.bulk  # noqa: F401  (the any_of lookup)
from modules.billing.legal import legal_locks_for, properties_with_locks
from modules.billing.models import Bill, BillStatus
from modules.billing.selectors import HELD_BILLS
from modules.common.errors import ValidationFailed

from .errors import ErrorCode
from .models import AgreementBill

NOTICE = "notice"
ORDER = "order"
PURPOSES = {NOTICE: "aviso de corte", ORDER: "ordem de corte"}


@dataclass(frozen=True)
class CutCandidate:
    property_id: int
    account_number: str
    bills: int
    oldest_due: dt.date
    total: Decimal


def cut_candidates(
    *,
    as_of: dt.date,
    purpose: str,
    min_days_overdue: int,
    limit: int = 500,
    among: set[int] | None = None,
) -> list[CutCandidate]:
    """Units with overdue bills that may receive a cut-off notice (NOTICE) or a cut order (ORDER) on
    `as_of`, oldest debt first; only units of `among` when given (the cut orders ask about the
    expired notices' units, not the whole city). Raises ValidationFailed for an unknown purpose or
    negative days."""
    if purpose not in PURPOSES:
        raise ValidationFailed("Finalidade desconhecida.", field="purpose", code=ErrorCode.INVALID)
    if min_days_overdue < 0:
        raise ValidationFailed(
            "Os dias de atraso não podem ser negativos.", field="days", code=ErrorCode.INVALID
        )
    allowed = "property__cut_notice_allowed" if purpose == NOTICE else "property__cut_order_allowed"
    in_agreement = AgreementBill.objects.filter(bill=OuterRef("pk"), active=True)
    overdue = (
        Bill.objects.filter(
            status=BillStatus.RELEASED,
            due_date__lt=as_of - dt.timedelta(days=min_days_overdue),
            **{allowed: True},
        )
        .exclude(HELD_BILLS)
        .exclude(Exists(in_agreement))
    )
    if among is not None:
        overdue = overdue.filter(property_id__any_of=among)
    locked = _legally_locked(overdue, as_of)
    rows = (
        overdue.exclude(property_id__in=locked.properties)
        .exclude(pk__in=locked.bills)
        .values("property_id", "property__account_number")
        .annotate(bills=Count("id"), oldest=Min("due_date"), total=Sum("total"))
        .order_by("oldest", "property_id")[:limit]
    )
    return [
        CutCandidate(r["property_id"], r["property__account_number"], r["bills"], r["oldest"], r["total"])
        for r in rows
    ]


@dataclass(frozen=True)
class _Locked:
    properties: list[int]
    bills: list[int]


def _legally_locked(overdue: QuerySet[Bill], as_of: dt.date) -> _Locked:
    """The units and bills among `overdue` that exceptions and processes keep from the cut: only
    units with one of them are read bill by bill (two queries for the rest)."""
    with_any = properties_with_locks(as_of)
    if not with_any:
        return _Locked([], [])
    locks = legal_locks_for(with_any, as_of)
    properties = [pid for pid, lock in locks.items() if lock.no_cut]
    bills = [
        pk
        for pk, pid in overdue.filter(property_id__in=with_any).values_list("id", "property_id")
        if locks[pid].process_over(pk) is not None
    ]
    return _Locked(properties, bills)
