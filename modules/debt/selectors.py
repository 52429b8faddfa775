"""Reads of debt: the debt position of a property (open bills with late charges), agreements' state,
the installment policy in force, and what a certificate decision needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from modules.billing.models import BillItem, BillStatus
from modules.collection.policies import late_charge_rule
from modules.collection.selectors import PricedBill, open_bills, price_bill
from modules.common.domain.money import Rounding
from modules.common.errors import NotFound

from .domain.certificates import DebtItem, DebtStatus
from .domain.installments import InstallmentPolicy, LeftoverPlacement
from .models import Agreement, AgreementBill, Installment, InstallmentPolicyVersion

ZERO = Decimal("0.00")
INSTALLMENT_SOURCE = "debt.installment"


@dataclass(frozen=True)
class DebtPosition:
    property_id: int
    as_of: dt.date
    items: tuple[PricedBill, ...]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(i, name) for i in self.items), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {k: self._sum(k) for k in ("original", "fine", "interest", "correction", "total")}


def held_bill_ids(bill_ids: list[int]) -> dict[int, str]:
    """Bills folded into a live agreement (collection's hold hook)."""
    rows = AgreementBill.objects.filter(bill_id__in=bill_ids, active=True).values_list(
        "bill_id", "agreement_id"
    )
    return {bill: f"fatura incluída no parcelamento {agreement}" for bill, agreement in rows}


def debt_position(property_id: int, as_of: dt.date, bill_ids: list[int] | None = None) -> DebtPosition:
    rule = late_charge_rule(as_of)
    bills = list(open_bills(property_id).values_list("id", "reference", "due_date", "total"))
    held = set(
        AgreementBill.objects.filter(bill__property_id=property_id, active=True).values_list(
            "bill_id", flat=True
        )
    )
    items = tuple(
        price_bill(pk, reference, due, total, as_of, rule)
        for pk, reference, due, total in bills
        if pk not in held and (bill_ids is None or pk in bill_ids)
    )
    return DebtPosition(property_id, as_of, items)


def installment_policy(on: dt.date) -> tuple[InstallmentPolicyVersion, InstallmentPolicy]:
    version = (
        InstallmentPolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if version is None:
        raise NotFound("Não há política de parcelamento vigente nesta data.", field="policy")
    return version, InstallmentPolicy(
        monthly_rate=Decimal(version.monthly_rate),
        max_installments=version.max_installments,
        min_down_payment_rate=Decimal(version.min_down_payment_rate),
        down_payment_required=version.down_payment_required,
        min_installment=Decimal(version.min_installment),
        min_debt=Decimal(version.min_debt),
        fine_discount_rate=Decimal(version.fine_discount_rate),
        interest_discount_rate=Decimal(version.interest_discount_rate),
        rounding=Rounding(version.rounding),
        leftover=LeftoverPlacement(version.leftover),
    )


@dataclass(frozen=True)
class InstallmentState:
    installment: Installment
    bill_id: int | None
    bill_status: str | None
    due_date: dt.date | None

    @property
    def paid(self) -> bool:
        return self.bill_status == BillStatus.PAID


def installment_states(agreement: Agreement) -> list[InstallmentState]:
    installments = list(agreement.installments.all())
    billed = {
        int(source_id): (bill_id, status, due)
        for source_id, bill_id, status, due in BillItem.objects.filter(
            source=INSTALLMENT_SOURCE, source_id__in=[str(i.pk) for i in installments]
        )
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("source_id", "bill_id", "bill__status", "bill__due_date")
    }
    return [
        InstallmentState(i, *(billed.get(i.pk) or (None, None, None)))  # type: ignore[arg-type]
        for i in installments
    ]


def certificate_debts(property_id: int, as_of: dt.date) -> list[DebtItem]:
    """Open bills outside agreements, and the unpaid installments of live agreements (an installment
    not yet on a bill has no due date: never overdue, TR §10.11)."""
    position = debt_position(property_id, as_of)
    items = [
        DebtItem(f"{p.reference:%m/%Y}", p.original, p.due_date, DebtStatus.OPEN) for p in position.items
    ]
    live = Agreement.objects.filter(
        property_id=property_id, status__in=[Agreement.Status.ACTIVE, Agreement.Status.AWAITING_DOWN_PAYMENT]
    )
    for agreement in live:
        if agreement.status == Agreement.Status.AWAITING_DOWN_PAYMENT and agreement.down_payment_document:
            doc = agreement.down_payment_document
            items.append(
                DebtItem("entrada", doc.amount, doc.valid_until, DebtStatus.OPEN, agreement=agreement.number)
            )
        for state in installment_states(agreement):
            if not state.paid:
                items.append(
                    DebtItem(
                        f"parcela {state.installment.number}/{agreement.count}",
                        state.installment.amount,
                        state.due_date,
                        DebtStatus.OPEN,
                        agreement=agreement.number,
                    )
                )
    return items


def year_bills(property_id: int, year: int) -> list[DebtItem]:
    from modules.billing.models import Bill
    from modules.collection.models import Settlement

    paid_on = dict(
        Settlement.objects.filter(
            bill__property_id=property_id, reversed=False, bill__due_date__year=year
        ).values_list("bill_id", "paid_on")
    )
    status_map = {BillStatus.PAID: DebtStatus.PAID, BillStatus.CANCELLED: DebtStatus.CANCELLED}
    return [
        DebtItem(
            f"{b.reference:%m/%Y}",
            b.total,
            b.due_date,
            status_map.get(b.status, DebtStatus.OPEN),
            paid_on=paid_on.get(b.pk),
        )
        for b in Bill.objects.filter(property_id=property_id, due_date__year=year).exclude(
            status=BillStatus.DRAFT
        )
    ]
