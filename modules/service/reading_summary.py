"""The attendant's summary of a property's last months of readings and bills (S10.7-01): per month, the
meter reading and its date, the days since the previous reading, the m³ measured and billed, how the
billed volume was reached (measured, average, minimum, fixed) and the average used, the reading's
occurrence, the meter installed or swapped that month, the bill's amount and composition, and whether
a recalculation, a critique or an action changed the bill (a rebill, a bill it replaced, a note).

Five queries whatever the number of months (readings; bills, their items and notes; the
installations and removals); lives in service (the top layer) because it reads reading, billing
and metering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q

from modules.billing.models import Bill, BillItem, BillNote
from modules.common.domain.dates import YearMonth
from modules.metering.models import Installation
from modules.reading.domain.consumption import consumption_kind_label
from modules.reading.models import Reading

MAX_MONTHS = 60


@dataclass(frozen=True)
class Component:
    kind: str
    description: str
    amount: Decimal


@dataclass
class SummaryMonth:
    reference: dt.date
    reading: int | None = None
    read_on: dt.date | None = None
    days: int | None = None
    measured_m3: int | None = None
    billed_m3: int | None = None
    consumption_kind: str = ""
    average_m3: Decimal | None = None
    occurrence: str = ""
    meter_events: list[str] = field(default_factory=list)
    bill_id: int | None = None
    bill_status: str = ""
    total: Decimal | None = None
    components: list[Component] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # what changed the bill's final value

    @property
    def consumption_label(self) -> str:
        return consumption_kind_label(self.consumption_kind) if self.consumption_kind else ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def reading_summary(pk: int, *, today: dt.date, months: int = 12) -> list[SummaryMonth]:
    """The last `months` months (this one included), newest first."""
    months = max(1, min(months, MAX_MONTHS))
    first = YearMonth.of(today).plus(-(months - 1)).first_day()
    rows = {
        YearMonth.of(today).plus(-back).first_day(): SummaryMonth(YearMonth.of(today).plus(-back).first_day())
        for back in range(months)
    }
    readings = list(
        Reading.objects.filter(property_id=pk, reference__gte=first - dt.timedelta(days=31))
        .select_related("occurrence")
        .order_by("reference")
    )
    previous_read_on: dt.date | None = None
    for reading in readings:
        row = rows.get(reading.reference)
        if row is not None:
            row.reading, row.read_on = reading.value, reading.read_on
            row.days = (reading.read_on - previous_read_on).days if previous_read_on else None
            row.measured_m3 = (
                reading.value - reading.previous_value
                if reading.value is not None and reading.previous_value is not None
                else None
            )
            row.consumption_kind, row.average_m3 = reading.consumption_kind, reading.average_m3
            row.occurrence = str(reading.occurrence) if reading.occurrence else ""
        previous_read_on = reading.read_on
    bills = (
        Bill.objects.filter(property_id=pk, reference__gte=first)
        .prefetch_related(
            Prefetch("items", queryset=BillItem.objects.order_by("position", "id")),
            Prefetch("notes", queryset=BillNote.objects.order_by("created_at", "id")),
        )
        .order_by("reference", "id")
    )
    for bill in bills:
        row = rows.get(bill.reference)
        if row is None:
            continue
        if bill.status == "cancelled":
            row.changes.append(f"Fatura {bill.pk} cancelada: {bill.cancel_reason or 'sem motivo'}")
            continue
        row.bill_id, row.bill_status, row.total = bill.pk, bill.get_status_display(), bill.total
        row.billed_m3 = bill.consumption_m3
        if row.measured_m3 is None:
            row.measured_m3 = bill.measured_m3
        if not row.consumption_kind:
            row.consumption_kind = bill.consumption_kind
        row.components = [Component(i.kind, i.description, i.amount) for i in bill.items.all()]
        if bill.replaces_id:
            row.changes.append(f"Refaturada: substitui a fatura {bill.replaces_id}")
        row.changes += [f"{n.KIND_LABELS.get(n.kind, n.kind)}: {n.reason}" for n in bill.notes.all()]
        if bill.status == "draft":
            row.changes.append("Em crítica: aguardando análise")
    meters = list(
        Installation.objects.filter(connection__property_id=pk)
        .filter(Q(installed_on__gte=first) | Q(removed_on__gte=first))
        .select_related("meter")
    )
    events = [(i.installed_on, i.meter, "instalado") for i in meters] + [
        (i.removed_on, i.meter, "retirado") for i in meters if i.removed_on is not None
    ]
    for day, meter, what in events:
        row = rows.get(YearMonth.of(day).first_day())
        if row is not None:
            row.meter_events.append(f"Hidrômetro {meter} {what} em {day:%d/%m/%Y}")
    return [rows[k] for k in sorted(rows, reverse=True)]
