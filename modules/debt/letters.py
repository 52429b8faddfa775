"""Collection letters (cartas de cobrança, seed 001 3.2.9.6): the units in arrears that the filters
choose — one property, a route range, a reference period, an open-amount range, a count of overdue
bills, months in arrears, categories, the property's situation — and, when issued, one letter each
with a debt statement (collection's payable document) whose FEBRABAN barcode settles the listed bills.

Units with held bills, bills under a live agreement or a legal lock are left out as for notices
(`disconnection.cut_candidates`, the notice purpose).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum

from modules.billing.models import Bill, BillStatus
from modules.billing.selectors import HELD_BILLS
from modules.collection.models import PaymentDocument
from modules.collection.services import document_create
from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed
from modules.registry.models import PropertyCategory

from .errors import ErrorCode
from .models import AgreementBill, DebtSettings
from .notices import event_add
from .selectors import debt_position


@dataclass(frozen=True)
class LetterFilters:
    account_number: str = ""
    route_from: int | None = None
    route_to: int | None = None
    reference_from: dt.date | None = None
    reference_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    bills_min: int = 1
    bills_max: int | None = None
    months_in_arrears: int = 0
    categories: tuple[str, ...] = ()
    property_status: str = ""


@dataclass(frozen=True)
class LetterRow:
    property_id: int
    account_number: str
    bills: int
    total: Decimal
    oldest_due: dt.date


def _check(f: LetterFilters) -> None:
    pairs = (
        ("route_to", f.route_from, f.route_to),
        ("reference_to", f.reference_from, f.reference_to),
        ("amount_max", f.amount_min, f.amount_max),
        ("bills_max", f.bills_min, f.bills_max),
    )
    for field, low, high in pairs:
        if low is not None and high is not None and high < low:  # type: ignore[operator]
            raise ValidationFailed(
                "O fim da faixa não pode ser menor que o início.", field=field, code=ErrorCode.INVALID
            )
    if f.bills_min < 1 or f.months_in_arrears < 0:
        raise ValidationFailed("Informe números não negativos.", field="bills_min", code=ErrorCode.INVALID)


def letter_selection(filters: LetterFilters, as_of: dt.date, limit: int = 5000) -> list[LetterRow]:
    """The units the filters choose, oldest debt first, each with its overdue bills' count and total
    (the bills inside the reference period, when one is given). A read."""
    _check(filters)
    negotiated = AgreementBill.objects.filter(active=True).values("bill_id")
    bills = (
        Bill.objects.filter(status=BillStatus.RELEASED, due_date__lt=as_of, property__cut_notice_allowed=True)
        .exclude(HELD_BILLS)
        .exclude(pk__in=negotiated)
    )
    if filters.account_number:
        bills = bills.filter(property__account_number=filters.account_number.strip())
    if filters.route_from is not None:
        bills = bills.filter(property__route__code__gte=filters.route_from)
    if filters.route_to is not None:
        bills = bills.filter(property__route__code__lte=filters.route_to)
    if filters.reference_from:
        bills = bills.filter(reference__gte=filters.reference_from.replace(day=1))
    if filters.reference_to:
        bills = bills.filter(reference__lte=filters.reference_to.replace(day=1))
    if filters.categories:
        bills = bills.filter(
            property_id__in=PropertyCategory.objects.filter(
                category__code__in=list(filters.categories)
            ).values("property_id")
        )
    if filters.property_status:
        bills = bills.filter(property__status=filters.property_status)
    rows = bills.values("property_id", "property__account_number").annotate(
        bills=Count("id"), total=Sum("total"), oldest=Min("due_date")
    )
    having = Q(bills__gte=filters.bills_min)
    if filters.bills_max is not None:
        having &= Q(bills__lte=filters.bills_max)
    if filters.amount_min is not None:
        having &= Q(total__gte=filters.amount_min)
    if filters.amount_max is not None:
        having &= Q(total__lte=filters.amount_max)
    if filters.months_in_arrears:
        month = as_of.month - filters.months_in_arrears
        year = as_of.year + (month - 1) // 12
        cutoff = dt.date(year, (month - 1) % 12 + 1, 1)
        having &= Q(oldest__lt=cutoff)
    rows = rows.filter(having).order_by("oldest", "property_id")[:limit]
    return [
        LetterRow(r["property_id"], r["property__account_number"], r["bills"], r["total"], r["oldest"])
        for r in rows
    ]


@transaction.atomic(durable=True)
def letters_issue(*, actor: Actor, filters: LetterFilters, as_of: dt.date) -> list[PaymentDocument]:
    """One letter per chosen unit: a debt statement over its chosen bills, payable until today plus
    the utility's statement validity, recorded on the property's history."""
    valid_until = as_of + dt.timedelta(days=DebtSettings.current().statement_valid_days)
    documents: list[PaymentDocument] = []
    for row in letter_selection(filters, as_of):
        bill_ids = list(
            Bill.objects.filter(property_id=row.property_id, status=BillStatus.RELEASED, due_date__lt=as_of)
            .exclude(HELD_BILLS)
            .values_list("id", flat=True)
        )
        if filters.reference_from or filters.reference_to:
            bill_ids = [
                b
                for b, ref in Bill.objects.filter(id__in=bill_ids).values_list("id", "reference")
                if (not filters.reference_from or ref >= filters.reference_from.replace(day=1))
                and (not filters.reference_to or ref <= filters.reference_to.replace(day=1))
            ]
        items = debt_position(row.property_id, valid_until, bill_ids).items
        if not items:
            continue
        doc = document_create(
            actor=actor,
            property_id=row.property_id,
            kind=PaymentDocument.Kind.STATEMENT,
            lines=items,
            as_of=as_of,
            valid_until=valid_until,
            source="debt.collection_letter",
        )
        event_add(
            property_id=row.property_id,
            step="letter",
            action="issued",
            summary=f"Carta de cobrança: {len(items)} conta(s), extrato nº {doc.pk} "
            f"pagável até {valid_until:%d/%m/%Y}",
            actor=actor,
            citizen=True,
        )
        documents.append(doc)
    audit_record(
        actor=actor,
        action="debt.collection_letters_issue",
        object_type="collection.paymentdocument",
        after={"as_of": as_of, "count": len(documents)},
    )
    return documents
