"""The attendance desk's one screen of a property: registry, bills, readings and consumption, payments,
open debts, agreements, service orders, documents and history, each block read only when the
user's profile grants the function behind it. Lives in service (the top layer) because it reads every
module below; the number of queries is bounded (tests/service/test_overview.py): every block is one or
a few queries whatever the number of bills, readings or payments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q

from modules.billing.legal import LegalLocks, legal_locks
from modules.billing.models import Bill
from modules.billing.selectors import consumption_history
from modules.collection.models import Payment, PaymentDocument
from modules.common.domain.dates import YearMonth
from modules.debt.models import Agreement, Certificate
from modules.debt.selectors import DebtPosition, debt_position
from modules.reading.models import Reading
from modules.registry.selectors import Property360, property_360

from .models import ServiceOrder
from .models_desk import Attendance, ServiceRequest
from .selectors_attendance import property_attendances

# block → the function a profile must grant (view) to see it; the page itself needs registry.properties
BLOCKS: dict[str, str] = {
    "registry": "registry.properties",
    "debts": "debt.position",
    "bills": "billing.bills",
    "readings": "reading.readings",
    "payments": "collection.payments",
    "agreements": "debt.agreements",
    "orders": "service.orders",
    "documents": "debt.certificates",
    "attendances": "service.attendances",
}
BLOCK_LABELS: dict[str, str] = {
    "registry": "Cadastro",
    "debts": "Débitos em aberto",
    "bills": "Faturas",
    "readings": "Leituras e consumo",
    "payments": "Pagamentos",
    "agreements": "Parcelamentos",
    "orders": "Ordens de serviço",
    "documents": "Documentos e certidões",
    "attendances": "Atendimentos e protocolos",
    "history": "Histórico",
}
MONTHS = 13  # a year of readings and the same month of the year before
LIMIT = 36  # bills, payments, orders: three years of monthly rows at most


@dataclass(frozen=True)
class ConsumptionMonth:
    reference: dt.date
    m3: int
    reading: Reading | None
    width: int  # percent of the largest month, for the bar


@dataclass
class PropertyOverview:
    registry: Property360
    blocks: list[str]
    bills: list[Bill] = field(default_factory=list)
    consumption: list[ConsumptionMonth] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    debts: DebtPosition | None = None
    statements: list[PaymentDocument] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    orders: list[ServiceOrder] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    attendances: list[Attendance] = field(default_factory=list)
    protocols: list[ServiceRequest] = field(default_factory=list)
    legal: LegalLocks | None = None  # exceptions and processes in force (ADR 0188)
    locked_debts: int = 0  # debts under execução / dívida ativa hidden from this user (S10.11-02)

    @property
    def prop(self) -> Any:
        return self.registry.prop

    def shows(self, block: str) -> bool:
        return block in self.blocks

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(anchor, pt-BR title) of the blocks shown, in page order; history closes the page."""
        return [(b, BLOCK_LABELS[b]) for b in [*self.blocks, "history"] if b != "registry"]


def visible_blocks(can: Callable[[str], bool]) -> list[str]:
    return [block for block, function in BLOCKS.items() if can(function)]


def property_overview(
    pk: int, *, can: Callable[[str], bool], today: dt.date, reveal_legal: bool = False
) -> PropertyOverview:
    """The one screen of property `pk` for a user whose grants answer `can(function)`; raises
    Property.DoesNotExist. A block the user cannot see is never queried. Debts under execução fiscal
    or in dívida ativa are left out of the debts block unless `reveal_legal` (the special privilege)."""
    view = PropertyOverview(registry=property_360(pk), blocks=visible_blocks(can))
    view.legal = locks = legal_locks(pk, on=today)
    if view.shows("bills"):
        view.bills = list(Bill.objects.filter(property_id=pk).order_by("-reference", "-id")[:LIMIT])
    if view.shows("readings"):
        view.consumption = _consumption(pk, today)
    if view.shows("payments"):
        view.payments = _payments(pk)
    if view.shows("debts"):
        view.debts = debt_position(pk, today)
        locked = [i for i in view.debts.items if locks.lock_of(i.bill_id)]
        if locked and not reveal_legal:
            view.locked_debts = len(locked)
            view.debts = replace(view.debts, items=tuple(i for i in view.debts.items if i not in locked))
        view.statements = list(PaymentDocument.objects.filter(property_id=pk).order_by("-created_at")[:12])
    if view.shows("agreements"):
        view.agreements = list(Agreement.objects.filter(property_id=pk).order_by("-created_at", "-id")[:12])
    if view.shows("orders"):
        view.orders = list(
            ServiceOrder.objects.filter(property_id=pk)
            .select_related("code", "team")
            .order_by("-opened_at", "-id")[:LIMIT]
        )
    if view.shows("documents"):
        view.certificates = list(
            Certificate.objects.filter(property_id=pk).order_by("-issued_on", "-id")[:12]
        )
    if view.shows("attendances"):
        # S10.5-01: the contacts about the property with the protocols they opened (and the agency's)
        view.attendances, view.protocols = property_attendances(pk)
    return view


def _payments(pk: int) -> list[Payment]:
    """The LIMIT latest payments of the property or of its bills. Two indexed queries merged here: one
    query with `property = pk OR bill.property = pk` cannot use either index and scans every payment
    of the utility (290 ms with 324,000 payments, tests/benchmarks/desk.py)."""
    found: dict[int, Payment] = {}
    for where in (Q(property_id=pk), Q(bill__property_id=pk)):
        for payment in (
            Payment.objects.filter(where).select_related("agent", "bill").order_by("-paid_on", "-id")[:LIMIT]
        ):
            found[payment.pk] = payment
    return sorted(found.values(), key=lambda p: (p.paid_on, p.pk), reverse=True)[:LIMIT]


def _consumption(pk: int, today: dt.date) -> list[ConsumptionMonth]:
    """The last MONTHS months, newest first: the billed (or read) m³ and the month's reading."""
    first = YearMonth.of(today).plus(-(MONTHS - 1)).first_day()
    readings = {
        r.reference: r
        for r in Reading.objects.filter(property_id=pk, reference__gte=first).select_related("occurrence")
    }
    volumes = dict(consumption_history(pk, today, MONTHS))
    for reference, reading in readings.items():
        volumes.setdefault(reference, reading.consumption_m3)
    top = max(volumes.values(), default=0) or 1
    return [
        ConsumptionMonth(reference, m3, readings.get(reference), round(100 * m3 / top))
        for reference, m3 in sorted(volumes.items(), reverse=True)
    ]
