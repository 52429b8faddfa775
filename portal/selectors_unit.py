"""Reads of the citizen's unit for the agency (issue 23): the last and the next reading dates
(3.2.14.9), the unit's service orders without internal-only fields (3.2.14.5), and what the printable
registration sheet carries (3.2.14.2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max

from modules.reading.models import Reading, ReadingSchedule
from modules.registry.models import Property
from modules.service.domain.orders import STATUS_LABELS, OrderStatus
from modules.service.models import ServiceOrder


@dataclass(frozen=True)
class ReadingDates:
    last_read_on: dt.date | None
    next_start: dt.date | None  # the reading calendar of the unit's billing group
    next_end: dt.date | None


def reading_dates(prop: Property, today: dt.date) -> ReadingDates:
    last = Reading.objects.filter(property=prop).aggregate(last=Max("read_on"))["last"]
    upcoming = (
        ReadingSchedule.objects.filter(group_id=prop.billing_group_id, reading_end__gte=today)
        .exclude(reading_start__lte=last or dt.date.min)
        .order_by("reading_start")
        .first()
        if prop.billing_group_id
        else None
    )
    return ReadingDates(
        last_read_on=last,
        next_start=upcoming.reading_start if upcoming else None,
        next_end=upcoming.reading_end if upcoming else None,
    )


@dataclass(frozen=True)
class OrderView:
    """What the citizen sees of an order: no team, vehicle, notes or costs."""

    number: str
    service: str
    status: str
    status_label: str
    opened_at: dt.datetime
    due_at: dt.datetime
    scheduled_for: dt.date | None
    finished_at: dt.datetime | None


def unit_orders(prop: Property) -> list[OrderView]:
    rows = ServiceOrder.objects.filter(property=prop).select_related("code").order_by("-opened_at", "-id")
    return [
        OrderView(
            number=o.label,
            service=o.code.description,
            status=o.status,
            status_label=STATUS_LABELS[OrderStatus(o.status)],
            opened_at=o.opened_at,
            due_at=o.due_at,
            scheduled_for=o.scheduled_for,
            finished_at=o.closed_at or o.executed_at,
        )
        for o in rows[:200]
    ]
