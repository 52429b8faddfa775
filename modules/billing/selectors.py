"""Reads of billing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from modules.common.domain.dates import YearMonth
from modules.registry.domain import connections as conn_rules
from modules.registry.models import PropertyCategory, ServiceConnection

from .domain.pricing import BilledConsumption, UnitFact
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


def billed_consumptions(month: YearMonth) -> list[BilledConsumption]:
    """The month's alive bills as the tariff comparison prices them again: the m³ each billed, with
    the property's economias and active connections (two queries)."""

    def connected(kind: object) -> Exists:
        return Exists(
            ServiceConnection.objects.filter(
                property=OuterRef("property_id"), kind=kind, situation__in=conn_rules.ACTIVE
            )
        )

    bills = list(
        Bill.objects.filter(reference=month.first_day())
        .exclude(status=BillStatus.CANCELLED)
        .annotate(
            water_active=connected(ServiceConnection.Kind.WATER),
            sewer_active=connected(ServiceConnection.Kind.SEWER),
            sewer_percent=Subquery(
                ServiceConnection.objects.filter(
                    property=OuterRef("property_id"), kind=ServiceConnection.Kind.SEWER
                ).values("sewer_share_percent")[:1]
            ),
        )
        .values_list("property_id", "consumption_m3", "water_active", "sewer_active", "sewer_percent")
    )
    units: dict[int, list[UnitFact]] = defaultdict(list)
    for pid, code, sub, economies in PropertyCategory.objects.filter(
        property_id__in=[row[0] for row in bills]
    ).values_list("property_id", "category__code", "subcategory__code", "economies"):
        units[pid].append(UnitFact(code, sub or "", economies))
    return [
        BilledConsumption(
            m3=m3 or 0,
            units=tuple(units[pid]),
            water_active=water,
            sewer_active=sewer,
            sewer_percent=percent,
        )
        for pid, m3, water, sewer, percent in bills
        if units.get(pid)
    ]


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


def billed_months(since: dt.date) -> set[tuple[int, dt.date]]:
    """(group id, reference) of every billing run from `since` on, whatever its state: once a run has
    started, its bills come from that month's schedule and consumption regulation (reading asks this
    through its hook before it changes either)."""
    return set(BillingRun.objects.filter(reference__gte=since).values_list("group_id", "reference"))
