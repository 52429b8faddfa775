"""Reads of collection: open bills priced with late charges, payment search, review queue, settlement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from modules.billing.models import Bill, BillStatus
from modules.common.domain.money import CENT

from .domain.late_charges import late_charges
from .models import Payment, PaymentDocument, ReturnFile
from .policies import TenantLateCharges

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PricedBill:
    bill_id: int
    reference: dt.date
    due_date: dt.date
    original: Decimal
    fine: Decimal
    interest: Decimal
    correction: Decimal
    days_late: int

    @property
    def total(self) -> Decimal:
        return self.original + self.fine + self.interest + self.correction


def open_bills(property_id: int) -> QuerySet[Bill]:
    """Released bills not yet settled (a settled bill is PAID), oldest first."""
    return Bill.objects.filter(property_id=property_id, status=BillStatus.RELEASED).order_by("due_date", "id")


def price_bill(
    bill_id: int,
    reference: dt.date,
    due_date: dt.date,
    amount: Decimal,
    as_of: dt.date,
    rule: TenantLateCharges,
) -> PricedBill:
    charges = late_charges(
        amount,
        due_date,
        as_of,
        rule.policy,
        interest_series=rule.interest_series,
        correction_series=rule.correction_series,
    )
    cents = [c.quantize(CENT) for c in (charges.fine, charges.interest, charges.correction)]  # 0 → 0.00
    return PricedBill(bill_id, reference, due_date, amount, *cents, charges.days_late)


def payment_list(
    *, q: str = "", status: str = "", paid_from: dt.date | None = None, paid_to: dt.date | None = None
) -> QuerySet[Payment]:
    qs = Payment.objects.select_related("agent", "property", "bill", "document").order_by("-paid_on", "-id")
    if q:
        digits = "".join(c for c in q if c.isdigit())
        cond = Q(property__account_number=q) | Q(authentication=q)
        if len(digits) >= 44:
            cond |= Q(barcode=digits[:44])
        qs = qs.filter(cond)
    if status:
        qs = qs.filter(status=status)
    if paid_from:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to:
        qs = qs.filter(paid_on__lte=paid_to)
    return qs


def review_queue() -> QuerySet[Payment]:
    return payment_list(status=Payment.Status.REVIEW).order_by("paid_on", "id")


def return_file_list() -> QuerySet[ReturnFile]:
    return ReturnFile.objects.select_related("agent").order_by("-created_at")


def settlement_report(day: dt.date) -> list[dict[str, object]]:
    """Per agent, for the credit date: payments applied and in review, amounts and fees (reversed
    payments are left out)."""
    rows = (
        Payment.objects.filter(credited_on=day)
        .exclude(status=Payment.Status.REVERSED)
        .values("agent__code", "agent__name")
        .annotate(
            n=Count("id"),
            gross=Sum("amount"),
            fees_sum=Sum("fee"),
            n_applied=Count("id", filter=Q(status=Payment.Status.APPLIED)),
            applied_sum=Sum("amount", filter=Q(status=Payment.Status.APPLIED)),
            n_review=Count("id", filter=Q(status=Payment.Status.REVIEW)),
        )
        .order_by("agent__code")
    )
    return [
        {
            "agent": r["agent__code"],
            "agent_name": r["agent__name"],
            "count": r["n"],
            "amount": r["gross"] or ZERO,
            "fees": r["fees_sum"] or ZERO,
            "net": (r["gross"] or ZERO) - (r["fees_sum"] or ZERO),
            "applied": r["n_applied"],
            "applied_amount": r["applied_sum"] or ZERO,
            "review": r["n_review"],
        }
        for r in rows
    ]


def open_documents(property_id: int) -> QuerySet[PaymentDocument]:
    return PaymentDocument.objects.filter(property_id=property_id, status=PaymentDocument.Status.OPEN)
