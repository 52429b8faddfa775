"""Reads of the agency's money pages (VA-11, VA-12, VA-21, VA-22): the property's bills with what
the citizen may do with each, the debt-statement rows, payments and the consumption chart.

A bill handed to a card operator whose checkout is still pending (VA-13) is *em revisão*: shown in
red, not selectable, not payable, until the gateway says paid (then it is paid) or the checkout ends
unpaid (then it is open again). So is a bill whose payment arrived but waits in the utility's review
queue (*em conferência*), until the utility accepts it (paid) or refunds it (open again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Q

from modules.billing.models import Bill, BillStatus
from modules.billing.selectors import consumption_history
from modules.collection.models import GatewayCharge, Payment
from modules.collection.selectors import card_review_bills, payment_review_bills
from modules.common.domain.dates import YearMonth
from modules.debt.active_debt_selectors import live_locations
from modules.debt.selectors import debt_position, held_bill_ids
from modules.registry.models import Property

from .access_bills import property_bills

ZERO = Decimal("0.00")
CHART_MONTHS = (12, 18, 24)
REVIEW_LABEL = "Em revisão (pagamento com cartão em andamento)"
# a payment of the bill arrived and waits for the utility's review (issue 12): not offered again
PAYMENT_REVIEW_LABEL = "Em conferência (pagamento recebido, em análise pela empresa)"

CHARGE_LABELS = {
    "paid": "Pago",
    "overpaid": "Pago",
    "underpaid": "Pago (valor menor)",
    "pending": "Aguardando pagamento",
    "waiting_payment": "Aguardando pagamento",
    "processing": "Em processamento",
    "failed": "Não aprovado",
    "canceled": "Cancelado",
    "expired": "Expirado",
}
CHARGE_ENDED = ("failed", "canceled", "expired")


def charge_label(charge: GatewayCharge) -> str:
    # a status the gateway added later is still not a word for a citizen: never shown as it comes
    return CHARGE_LABELS.get(charge.status, "Em processamento" if charge.status else "Aguardando pagamento")


def charge_paid(charge: GatewayCharge) -> bool:
    return charge.status in ("paid", "overpaid", "underpaid")


def charge_ended(charge: GatewayCharge) -> bool:
    """Ended without payment (card refused, checkout cancelled or expired): nothing left to wait for."""
    return charge.status in CHARGE_ENDED


@dataclass(frozen=True)
class BillRow:
    bill: Bill
    state: str  # open, overdue, paid, agreement, review, active_debt
    label: str
    payable: bool


def bill_rows(prop: Property, today: dt.date, limit: int = 24) -> list[BillRow]:
    """VA-11: the property's bills, newest first, with their state as the citizen reads it."""
    bills = list(property_bills(prop).order_by("-reference", "-id")[:limit])
    held = held_bill_ids([b.pk for b in bills])
    review = card_review_bills(property_id=prop.pk)
    received = payment_review_bills(property_id=prop.pk)
    enrolled = live_locations([b.pk for b in bills])
    rows = []
    for b in bills:
        if b.status == BillStatus.PAID:
            rows.append(BillRow(b, "paid", "Paga", False))
        elif b.pk in held:
            rows.append(BillRow(b, "agreement", "Em parcelamento", False))
        elif b.pk in enrolled:  # its 2ª via is refused by the agency (access_bill_copy)
            rows.append(BillRow(b, "active_debt", f"Inscrita em dívida ativa ({enrolled[b.pk]})", False))
        elif b.pk in review:
            rows.append(BillRow(b, "review", REVIEW_LABEL, False))
        elif b.pk in received:
            rows.append(BillRow(b, "review", PAYMENT_REVIEW_LABEL, False))
        elif b.due_date < today:
            rows.append(BillRow(b, "overdue", "Vencida", True))
        else:
            rows.append(BillRow(b, "open", "Em aberto", True))
    return rows


@dataclass(frozen=True)
class StatementRow:
    bill_id: int
    reference: dt.date
    due_date: dt.date
    original: Decimal
    charges: Decimal
    total: Decimal
    state: str  # open, paid, agreement, review
    label: str

    @property
    def selectable(self) -> bool:
        return self.state == "open"


def statement_rows(prop: Property, as_of: dt.date) -> list[StatementRow]:
    """VA-12: the open bills priced up to `as_of` (total = valor + acréscimos, R-02), then the bills
    under an agreement and the paid ones of the last two years, shown but not selectable; an open bill
    handed to a card operator is shown *em revisão*, one whose payment waits in the review queue *em
    conferência*, not selectable either."""
    position = debt_position(prop.pk, as_of)
    review = card_review_bills(property_id=prop.pk)
    received = payment_review_bills(property_id=prop.pk)
    rows = [
        StatementRow(
            i.bill_id,
            i.reference,
            i.due_date,
            i.original,
            i.fine + i.interest + i.correction,
            i.total,
            *(
                ("review", REVIEW_LABEL)
                if i.bill_id in review
                else ("review", PAYMENT_REVIEW_LABEL)
                if i.bill_id in received
                else ("open", "Em aberto")
            ),
        )
        for i in position.items
    ]
    # a bill in dívida ativa is shown with its book line, never offered for the citizen's own statement
    # or payment: the statement of a bill in dívida ativa is the attendant's (TR S10.13-03)
    enrolled = live_locations([r.bill_id for r in rows])
    rows = [
        replace(r, state="active_debt", label=f"Inscrita em dívida ativa ({enrolled[r.bill_id]})")
        if r.bill_id in enrolled
        else r
        for r in rows
    ]
    others = list(
        property_bills(prop)
        .exclude(pk__in=[r.bill_id for r in rows])
        .filter(reference__gte=as_of.replace(day=1) - dt.timedelta(days=730))
        .order_by("due_date", "id")
    )
    held = held_bill_ids([b.pk for b in others])
    for b in others:
        if b.status == BillStatus.PAID:
            state, label = "paid", "Paga"
        elif b.pk in held:
            state, label = "agreement", "Em parcelamento"
        else:
            continue
        rows.append(StatementRow(b.pk, b.reference, b.due_date, b.total, ZERO, b.total, state, label))
    return sorted(rows, key=lambda r: (r.due_date, r.bill_id))


def payments_of(prop: Property, limit: int = 60) -> list[Payment]:
    """VA-22: payments of the property (by bill or by document), newest first."""
    return list(
        Payment.objects.filter(Q(property=prop) | Q(bill__property=prop) | Q(document__property=prop))
        .exclude(status=Payment.Status.REVIEW)
        .select_related("agent", "bill", "document")
        .order_by("-paid_on", "-id")[:limit]
    )


@dataclass(frozen=True)
class Bar:
    reference: dt.date
    m3: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class ConsumptionChart:
    months: int
    bars: list[Bar]
    width: int
    height: int
    bar_width: int
    max_m3: int
    average: Decimal


CHART_HEIGHT = 160
CHART_TOP = 16
BAR_STEP = 28


def consumption_chart(prop: Property, until: dt.date, months: int) -> ConsumptionChart:
    """VA-21: the billed m³ of the last `months` months as SVG bars (drawn on the server)."""
    history = consumption_history(prop.pk, until, months)
    top = max([m3 for _, m3 in history] + [1])
    plot = CHART_HEIGHT - CHART_TOP - 20
    bars = []
    for index, (reference, m3) in enumerate(history):
        height = round(plot * m3 / top)
        bars.append(Bar(reference, m3, 8 + index * BAR_STEP, CHART_TOP + plot - height, height))
    average = (
        (Decimal(sum(m3 for _, m3 in history)) / len(history)).quantize(Decimal("0.1")) if history else ZERO
    )
    return ConsumptionChart(
        months=months,
        bars=bars,
        width=16 + max(len(history), 1) * BAR_STEP,
        height=CHART_HEIGHT,
        bar_width=BAR_STEP - 8,
        max_m3=top,
        average=average,
    )


@dataclass(frozen=True)
class ConsumptionRow:
    """A row of seed 003's Histórico de Consumo (VA-21): Mês/Ano, Data da leitura, Leitura, Cons.
    Medido, Cons. Faturado, Cons. Médio, Dias de Consumo."""

    reference: dt.date
    read_on: dt.date | None
    reading: int | None
    measured_m3: int | None  # reading − previous reading (blank when not read)
    billed_m3: int
    average_m3: int | None  # truncated mean of the previous six non-zero billed months
    days: int | None  # between this reading's date and the previous one's


AVERAGE_MONTHS = 6


def consumption_rows(prop: Property, until: dt.date, months: int) -> list[ConsumptionRow]:
    """VA-21's table, newest first, from the bills of the last `months` months (the months before them
    feed the first averages and days). Medido is the bill's measured volume, or current − previous
    reading; Dias the days between consecutive reading dates; Médio the mean of the six non-zero
    billed months before the month, truncated (seed 003 fits it; a hypothesis the catalogue names)."""
    first = YearMonth.of(until).plus(-(months - 1)).first_day()
    earlier = YearMonth.of(first).plus(-AVERAGE_MONTHS).first_day()
    bills = list(
        Bill.objects.filter(property=prop, reference__range=(earlier, until))
        .exclude(status=BillStatus.CANCELLED)
        .order_by("reference", "id")
        .values(
            "reference", "read_on", "previous_reading", "current_reading", "measured_m3", "consumption_m3"
        )
    )
    by_month: dict[dt.date, dict[str, Any]] = {b["reference"]: b for b in bills}  # a rebill replaces
    ordered = sorted(by_month.values(), key=lambda b: b["reference"])
    rows: list[ConsumptionRow] = []
    for index, b in enumerate(ordered):
        if b["reference"] < first:
            continue
        previous = ordered[index - 1] if index else None
        measured = b["measured_m3"]
        if measured is None and b["current_reading"] is not None and b["previous_reading"] is not None:
            measured = b["current_reading"] - b["previous_reading"]
        before = [p["consumption_m3"] for p in ordered[:index] if p["consumption_m3"]][-AVERAGE_MONTHS:]
        days = (
            (b["read_on"] - previous["read_on"]).days
            if previous is not None and b["read_on"] and previous["read_on"]
            else None
        )
        rows.append(
            ConsumptionRow(
                reference=b["reference"],
                read_on=b["read_on"],
                reading=b["current_reading"],
                measured_m3=measured,
                billed_m3=b["consumption_m3"] or 0,
                average_m3=sum(before) // len(before) if before else None,
                days=days,
            )
        )
    return list(reversed(rows))
