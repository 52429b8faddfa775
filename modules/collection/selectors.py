"""Reads of collection: open bills priced with late charges, payment search, review queue, settlement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.common.domain.money import CENT

from .domain.barcode_check import typeable_line_to_barcode
from .domain.late_charges import late_charges
from .models import (
    DocumentBill,
    GatewayAccount,
    GatewayCharge,
    Payment,
    PaymentDocument,
    ReturnFile,
    ReturnFileRefusal,
)
from .policies import TenantLateCharges

ZERO = Decimal("0.00")
# a hosted card checkout in these states may still be paid: its bills are em revisão (VA-12, VA-13)
CARD_PENDING = ("pending", "open", "processing", "waiting_payment")


def card_review_bills(
    *, bill_ids: list[int] | None = None, property_id: int | None = None, now: dt.datetime | None = None
) -> dict[int, str]:
    """Bills (of `bill_ids` or of a property) handed to a card operator whose checkout is still
    pending and within its deadline, with their reference month ("03/2025"). The deadline is checked
    here, on every read, so an expired checkout releases its bills even before the periodic task or
    the gateway's event records it."""
    rows = DocumentBill.objects.filter(
        document__status=PaymentDocument.Status.OPEN,
        document__gateway_charges__method=GatewayCharge.Method.CHECKOUT,
        document__gateway_charges__status__in=CARD_PENDING,
        document__gateway_charges__expires_at__gt=now or timezone.now(),
    )
    if bill_ids is not None:
        rows = rows.filter(bill_id__in=bill_ids)
    if property_id is not None:
        rows = rows.filter(bill__property_id=property_id)
    return {bill: f"{reference:%m/%Y}" for bill, reference in rows.values_list("bill_id", "bill__reference")}


def payment_review_bills(
    *, bill_ids: list[int] | None = None, property_id: int | None = None
) -> dict[int, str]:
    """Bills (of `bill_ids` or of a property) that a payment still in review names, by its barcode or
    through the guia it paid, with their reference month ("03/2025"). The money arrived but the matcher
    could not settle it (a guia paid after its validity, a different amount…): until the utility
    accepts it (the bill is paid) or refunds it (the bill is open again), offering the bill for payment
    once more could charge the customer twice (issue 12)."""
    in_review = Payment.objects.filter(status=Payment.Status.REVIEW)
    rows = Bill.objects.filter(
        Q(pk__in=in_review.exclude(bill=None).values("bill_id"))
        | Q(pk__in=DocumentBill.objects.filter(document__payments__in=in_review).values("bill_id")),
        status=BillStatus.RELEASED,
    )
    if bill_ids is not None:
        rows = rows.filter(pk__in=bill_ids)
    if property_id is not None:
        rows = rows.filter(property_id=property_id)
    return {bill: f"{reference:%m/%Y}" for bill, reference in rows.values_list("id", "reference")}


def card_operators() -> list[GatewayAccount]:
    """The card operators the utility accredited (VA-13): active accounts that accept card."""
    return list(GatewayAccount.objects.filter(active=True, accepts_card=True).order_by("name", "id"))


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
    return PricedBill(
        bill_id,
        reference,
        due_date,
        amount,
        fine=charges.fine.quantize(CENT),  # 0 → 0.00
        interest=charges.interest.quantize(CENT),
        correction=charges.correction.quantize(CENT),
        days_late=charges.days_late,
    )


def without_fine(priced: PricedBill) -> PricedBill:
    """The bill's charges without the fine: an "impede multa" exception (TR S10.13-01)."""
    return replace(priced, fine=Decimal("0.00"))


def payment_list(
    *,
    q: str = "",
    status: str = "",
    paid_from: dt.date | None = None,
    paid_to: dt.date | None = None,
    agent_id: int | None = None,
    return_file_id: int | None = None,
) -> QuerySet[Payment]:
    qs = Payment.objects.select_related("agent", "property", "bill", "document").order_by("-paid_on", "-id")
    q = q.strip()
    if q:
        digits = "".join(c for c in q if c.isdigit())
        cond = Q(property__account_number=q) | Q(authentication=q)
        if len(digits) == 48:  # a typeable line: its four fields carry the 44 barcode digits
            cond |= Q(barcode=typeable_line_to_barcode(digits, validate=False))
        elif len(digits) >= 44:
            cond |= Q(barcode=digits[:44])
        qs = qs.filter(cond)
    if status:
        qs = qs.filter(status=status)
    if paid_from:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to:
        qs = qs.filter(paid_on__lte=paid_to)
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    if return_file_id:
        qs = qs.filter(return_file_id=return_file_id)
    return qs


def payment_totals(qs: QuerySet[Payment]) -> dict[str, object]:
    """Count and sum of a search, for the page header (one aggregate query)."""
    row = qs.order_by().aggregate(n=Count("id"), amount=Sum("amount"))
    return {"count": row["n"], "amount": row["amount"] or ZERO}


def review_queue() -> QuerySet[Payment]:
    return payment_list(status=Payment.Status.REVIEW).order_by("paid_on", "id")


def return_file_list() -> QuerySet[ReturnFile]:
    return ReturnFile.objects.select_related("agent").order_by("-created_at")


def return_file_refusals() -> QuerySet[ReturnFileRefusal]:
    return ReturnFileRefusal.objects.order_by("-created_at")


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
