"""The attendant's view of a property's bills (seed 001 3.2.13.9.1, TR S10.11-01/03): every bill with
the status a person asks about — em aberto, vencida, paga, cancelada, refaturada, parcelada, em
processo, aguardando baixa, em crítica — and the flags that explain it; an open bill's late charges
(fine, interest, correction) up to today, each on its own column, and the charges a bill paid late
passed on to a later bill. A read, over billing, collection and debt (service sits above them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from modules.billing.legal import legal_locks
from modules.billing.models import Bill, BillHold, BillStatus
from modules.collection.models import Settlement
from modules.collection.policies import late_charge_rule
from modules.collection.selectors import price_bill
from modules.debt.models import AgreementBill

# the status filter of the page and the API: value → label
BILL_FILTERS = {
    "": "Todas",
    "open": "Em aberto",
    "overdue": "Vencidas",
    "paid": "Pagas",
    "cancelled": "Canceladas",
    "rebilled": "Refaturadas (substituídas)",
    "in_installments": "Parceladas",
    "in_process": "Em processo administrativo ou judicial",
    "awaiting_payment": "Pagamento comprovado, aguardando baixa",
    "draft": "Em crítica",
    # TR S10.11-01: the legal flags (modules/billing/legal.py), next to the bill's own situation
    "active_debt": "Inscritas em dívida ativa",
    "execution": "Em execução fiscal",
}
LATE_SOURCE = "collection.late_charge"


@dataclass(frozen=True)
class BillRow:
    bill: Bill
    states: tuple[str, ...]  # BILL_FILTERS keys this bill answers to
    agreement: int | None = None
    replaced_by: int | None = None
    fine: Decimal = Decimal("0.00")
    interest: Decimal = Decimal("0.00")
    correction: Decimal = Decimal("0.00")
    incorporated: tuple[str, ...] = field(default=())  # late-charge lines of this bill (earlier bills)
    active_debt: str = ""  # the dívida-ativa process inscribing the bill, if any
    execution: str = ""  # the execução fiscal over the property's open bills, if any
    paid_on: dt.date | None = None  # the day of the (latest, not reversed) settlement

    @property
    def updated_total(self) -> Decimal:
        return self.bill.total + self.fine + self.interest + self.correction

    @property
    def labels(self) -> list[str]:
        return [BILL_FILTERS[s] for s in self.states]


def _states(bill: Bill, agreement: int | None, replaced: int | None, today: dt.date) -> tuple[str, ...]:
    if bill.status == BillStatus.DRAFT:
        return ("draft",)
    if bill.status == BillStatus.PAID:
        return ("paid",)
    if bill.status == BillStatus.CANCELLED:
        return ("cancelled", "rebilled") if replaced else ("cancelled",)
    if bill.hold:
        return (bill.hold,)
    if agreement is not None:
        return ("in_installments",)
    return ("open", "overdue") if bill.due_date < today else ("open",)


def property_bills(property_id: int, *, status: str = "", today: dt.date) -> list[BillRow]:
    """The property's bills, newest first, those answering to `status` (a BILL_FILTERS key; "" all).
    Six queries (the legal locks are three) and one late-charge rule, whatever the number of bills."""
    if status not in BILL_FILTERS:
        status = ""
    bills = list(
        Bill.objects.filter(property_id=property_id).order_by("-reference", "-id").prefetch_related("items")
    )
    ids = [b.pk for b in bills]
    agreements = dict(
        AgreementBill.objects.filter(bill_id__in=ids, active=True).values_list("bill_id", "agreement_id")
    )
    replaced = dict(Bill.objects.filter(replaces_id__in=ids).values_list("replaces_id", "id"))
    paid = dict(
        Settlement.objects.filter(bill_id__in=ids, reversed=False)
        .order_by("bill_id", "paid_on")
        .values_list("bill_id", "paid_on")
    )
    rule = late_charge_rule(today)
    locks = legal_locks(property_id, on=today)
    rows = []
    for b in bills:
        states = _states(b, agreements.get(b.pk), replaced.get(b.pk), today)
        inscribed = locks.active_debt(b.pk)
        execution = locks.execution if b.status == BillStatus.RELEASED else None
        states += ("active_debt",) if inscribed else ()
        states += ("execution",) if execution else ()
        if status and status not in states:
            continue
        charges = {}
        if "overdue" in states:
            priced = price_bill(b.pk, b.reference, b.due_date, b.total, today, rule)
            charges = {"fine": priced.fine, "interest": priced.interest, "correction": priced.correction}
        incorporated = tuple(
            f"{i.description}: R$ {i.amount}" for i in b.items.all() if i.source == LATE_SOURCE
        )
        rows.append(
            BillRow(
                b,
                states,
                agreement=agreements.get(b.pk),
                replaced_by=replaced.get(b.pk),
                incorporated=incorporated,
                paid_on=paid.get(b.pk),
                active_debt=inscribed.label if inscribed else "",
                execution=execution.label if execution else "",
                **charges,
            )
        )
    return rows


HOLD_LABELS = dict(BillHold.choices)
