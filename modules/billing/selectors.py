"""Reads of billing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from modules.common.domain.dates import YearMonth

from .models import Bill, BillingRun, BillStatus


def bill_list(
    *, property_id: int | None = None, reference: str = "", status: str = "", run: int | None = None
) -> QuerySet[Bill]:
    qs = Bill.objects.select_related("property").order_by("-reference", "property_id", "-id")
    if property_id:
        qs = qs.filter(property_id=property_id)
    if reference:
        qs = qs.filter(reference=YearMonth.parse(reference).first_day())
    if status:
        qs = qs.filter(status=status)
    if run:
        qs = qs.filter(run_id=run)
    return qs


def consumption_history(property_id: int, until: dt.date, months: int = 12) -> list[tuple[dt.date, int]]:
    """(reference, m³) of the last `months` months up to `until`, oldest first: the billed volume of
    each alive bill, else the month's reading (history from before the system billed)."""
    from modules.reading.models import Reading

    first = YearMonth.of(until).plus(-(months - 1)).first_day()
    volumes = dict(
        Reading.objects.filter(property_id=property_id, reference__range=(first, until)).values_list(
            "reference", "consumption_m3"
        )
    )
    for reference, m3 in (
        Bill.objects.filter(property_id=property_id, reference__range=(first, until))
        .exclude(status=BillStatus.CANCELLED)
        .values_list("reference", "consumption_m3")
    ):
        volumes[reference] = m3 or 0
    return sorted(volumes.items())


def run_list() -> QuerySet[BillingRun]:
    return BillingRun.objects.select_related("group").order_by("-reference", "group__code")


def run_anomalies(run: BillingRun) -> QuerySet[Any]:
    return (
        Bill.objects.filter(run=run, anomalies__isnull=False)
        .exclude(status=BillStatus.CANCELLED)
        .select_related("property")
        .prefetch_related("anomalies")
        .distinct()
        .order_by("property_id")
    )
