"""What the bill PDF reads, for a batch of bills at once (the background job's 50 a layout batch):
the items, categories, consumption history and delivery addresses of every bill in one query each,
the settings, message candidates and quality tables once. `pdf.bill_context_data` reads the same
rows one bill at a time when it is given none (the on-demand render of one bill). All reads are of
the current tenant's schema; the batch never spans tenants (a task runs in one)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import prefetch_related_objects

from modules.common.domain.dates import YearMonth
from modules.registry.models import PropertyCategory

from .domain.statuses import BillStatus
from .models import Bill, BillItem, BillText
from .services.settings import billing_settings


@dataclass
class BillReads:
    months: int
    items: dict[int, list[BillItem]]
    categories: dict[int, list[PropertyCategory]]
    history: dict[int, list[tuple[dt.date, int]]]
    delivery: dict[int, str]
    messages: list[BillText]  # every message that may apply, (valid_from, id) order
    qualities: list[BillText]  # the water-quality tables, latest first

    def quality(self, reference: dt.date) -> BillText | None:
        return next((q for q in self.qualities if q.valid_from <= reference), None)


def deliveries(property_ids: list[int]) -> dict[int, str]:
    """Each property's delivery address text ('' for none), as registry's delivery_address reads it."""
    from modules.registry.models import PropertyAddress

    found: dict[int, str] = {}
    for address in (
        PropertyAddress.objects.select_related("street", "neighbourhood")
        .filter(property_id__in=property_ids, active=True, delivery=True)
        .order_by("pk")
    ):
        found.setdefault(address.property_id, address.text)
    return {pk: found.get(pk, "") for pk in property_ids}


def bill_reads(bills: list[Bill]) -> BillReads:
    from modules.reading.models import Reading

    rules = billing_settings()
    months = rules.history_months
    property_ids = sorted({b.property_id for b in bills})
    # the property's street, neighbourhood, group and route print on the bill: a query each for the
    # batch, not four a bill
    prefetch_related_objects([b.property for b in bills], "street", "neighbourhood", "billing_group", "route")
    latest = max(b.reference for b in bills)
    first = min(YearMonth.of(b.reference).plus(-(months - 1)).first_day() for b in bills)
    if rules.history_start is not None:  # seed 001 3.2.7.12.6: nothing printed before the start month
        first = max(first, min(rules.history_start, latest))
    items: dict[int, list[BillItem]] = defaultdict(list)
    for item in BillItem.objects.filter(bill_id__in=[b.pk for b in bills]):
        items[item.bill_id].append(item)
    categories: dict[int, list[PropertyCategory]] = defaultdict(list)
    for pc in PropertyCategory.objects.filter(property_id__in=property_ids).select_related("category"):
        categories[pc.property_id].append(pc)
    readings: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for property_id, reference, m3 in Reading.objects.filter(
        property_id__in=property_ids, reference__range=(first, latest)
    ).values_list("property_id", "reference", "consumption_m3"):
        readings[property_id][reference] = m3
    billed: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for property_id, reference, m3 in (
        Bill.objects.filter(property_id__in=property_ids, reference__range=(first, latest))
        .exclude(status=BillStatus.CANCELLED)
        .order_by("pk")
        .values_list("property_id", "reference", "consumption_m3")
    ):
        billed[property_id].append((reference, m3 or 0))
    history: dict[int, list[tuple[dt.date, int]]] = {}
    for bill in bills:
        start = YearMonth.of(bill.reference).plus(-(months - 1)).first_day()
        if rules.history_start is not None:
            start = max(start, rules.history_start)
        volumes = {r: v for r, v in readings[bill.property_id].items() if start <= r <= bill.reference}
        for reference, m3 in billed[bill.property_id]:
            if start <= reference <= bill.reference:
                volumes[reference] = m3
        history[bill.pk] = sorted(volumes.items())
    texts = list(
        BillText.objects.filter(
            kind__in=[BillText.Kind.MESSAGE, BillText.Kind.WATER_QUALITY], valid_from__lte=latest
        ).order_by("valid_from", "id")
    )
    messages = [t for t in texts if t.kind == BillText.Kind.MESSAGE]
    # latest first, as texts.quality_for orders them
    qualities = sorted(
        (t for t in texts if t.kind == BillText.Kind.WATER_QUALITY), key=lambda t: t.valid_from, reverse=True
    )
    return BillReads(
        months=months,
        items=items,
        categories=categories,
        history=history,
        delivery=deliveries(property_ids),
        messages=messages,
        qualities=qualities,
    )


def context_reads(bill: Bill, reads: BillReads) -> dict[str, Any]:
    """The parts of the bill's context that come from the batch's reads."""
    return {
        "months": reads.months,
        "items": reads.items.get(bill.pk, []),
        "categories": reads.categories.get(bill.property_id, []),
        "history": reads.history[bill.pk],
        "delivery": reads.delivery[bill.property_id],
        "quality": reads.quality(bill.reference),
    }
