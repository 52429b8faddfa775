"""Reads of attendances: the attendant's open one, one attendance with what happened in it (the
automatic action log, 3.2.13.2), the list, the indicators per period and attendant (S10.1-07), the
search for a person's earlier contacts (S10.2-03), the follow-up queue of protocols (3.2.13.4) and a
property's attendance history (S10.5-01)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from modules.common.domain.documents import strip_document
from modules.common.models import AuditEntry
from modules.registry.models import Customer, Property

from .models_desk import Attendance, ServiceRequest
from .selectors_desk import with_type_labels

LIMIT = 50


def open_attendance_of(user_id: int) -> Attendance | None:
    found: Attendance | None = (
        Attendance.objects.filter(attendant_id=user_id, ended_at__isnull=True)
        .select_related("property")
        .first()
    )
    return found


def attendance_get(pk: int) -> Attendance | None:
    found: Attendance | None = (
        Attendance.objects.select_related("attendant", "property", "customer")
        .prefetch_related("subjects__type", "comments__author", "documents")
        .filter(pk=pk)
        .first()
    )
    return found


def attendance_protocols(attendance: Attendance) -> list[ServiceRequest]:
    return list(with_type_labels(attendance.protocols.select_related("order")).order_by("created_at", "id"))


def attendance_action_log(attendance: Attendance) -> list[AuditEntry]:
    """What the attendant did while the attendance was open, as the audit trail recorded it: the
    attendance's own steps and every other write (a due-date change, a rebill, an order), oldest
    first — nothing to type by hand (3.2.13.2)."""
    qs = AuditEntry.objects.filter(actor_id=attendance.attendant_id, at__gte=attendance.started_at)
    if attendance.ended_at:
        qs = qs.filter(at__lte=attendance.ended_at + dt.timedelta(seconds=1))
    return list(qs.order_by("at", "id")[:200])


@dataclass(frozen=True)
class AttendanceFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    attendant_id: int | None = None
    channel: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    start: dt.datetime = timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone()
    )
    return start


def attendance_list(f: AttendanceFilter) -> QuerySet[Attendance]:
    qs = Attendance.objects.select_related("attendant", "property", "customer")
    if f.date_from:
        qs = qs.filter(started_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(started_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.attendant_id:
        qs = qs.filter(attendant_id=f.attendant_id)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs.order_by("-started_at", "-id")


@dataclass(frozen=True)
class IndicatorRow:
    """S10.1-07: the three times (averages, in seconds) of the closed attendances of a group."""

    attendant: str
    channel: str
    count: int
    waiting: int
    service: int
    total: int


def _seconds(value: dt.timedelta | None) -> int:
    return int(value.total_seconds()) if value else 0


def attendance_indicators(f: AttendanceFilter) -> tuple[list[IndicatorRow], IndicatorRow]:
    """Per attendant and channel, and for everybody: how many closed attendances, the average
    waiting time (ticket → start), service time (start → end) and total. One aggregate query each."""
    zero = Value(dt.timedelta(0), output_field=DurationField())
    waiting = Coalesce(
        ExpressionWrapper(F("started_at") - F("waiting_since"), output_field=DurationField()), zero
    )
    service = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    qs = attendance_list(f).filter(ended_at__isnull=False).order_by()
    measures = {"n": Count("id"), "w": Avg(waiting), "s": Avg(service), "t": Avg(waiting + service)}
    rows = [
        IndicatorRow(
            attendant=r["attendant__username"],
            channel=dict(Attendance.Channel.choices)[r["channel"]],
            count=r["n"],
            waiting=_seconds(r["w"]),
            service=_seconds(r["s"]),
            total=_seconds(r["t"]),
        )
        for r in qs.values("attendant__username", "channel")
        .annotate(**measures)
        .order_by("attendant__username", "channel")
    ]
    everyone = qs.aggregate(**measures)
    total = IndicatorRow(
        "Todos",
        "Todos",
        everyone["n"],
        _seconds(everyone["w"]),
        _seconds(everyone["s"]),
        _seconds(everyone["t"]),
    )
    return rows, total


@dataclass(frozen=True)
class PriorContact:
    customer: Customer | None
    properties: list[Property]
    attendances: list[Attendance]
    protocols: list[ServiceRequest]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def prior_contacts(q: str) -> list[PriorContact]:
    """S10.2-03: the people matching a name, CPF/CNPJ, RG, address or phone, each with their
    properties, earlier attendances and protocols (newest first), and the calls from an unknown
    number that matches."""
    text = q.strip()
    if len(text) < 3:
        return []
    digits = _digits(text)
    scope = Q(name__icontains=text) | Q(mail_street__icontains=text) | Q(rg__iexact=text)
    if digits:
        scope |= Q(cpf_cnpj=strip_document(text)) | Q(rg=digits)
    if len(digits) >= 8:
        scope |= (
            Q(phone__endswith=digits[-8:])
            | Q(phone_home__endswith=digits[-8:])
            | Q(phone_work__endswith=digits[-8:])
        )
    customers = list(Customer.objects.filter(scope).order_by("name")[:20])
    by_address = (
        list(Property.objects.filter(street__name__icontains=text).values_list("pk", flat=True)[:20])
        if not digits
        else []
    )
    found: list[PriorContact] = []
    for c in customers:
        props = list(Property.objects.filter(relations__customer=c).distinct()[:10])
        contacts = Q(customer=c) | Q(property__in=props)
        found.append(
            PriorContact(
                customer=c,
                properties=props,
                attendances=list(Attendance.objects.filter(contacts).select_related("attendant")[:LIMIT]),
                protocols=list(
                    with_type_labels(
                        ServiceRequest.objects.filter(
                            Q(requester_document=c.cpf_cnpj or "-") | Q(customer=c) | Q(property__in=props)
                        )
                    )[:LIMIT]
                ),
            )
        )
    if by_address:
        props = list(Property.objects.filter(pk__in=by_address))
        found.append(
            PriorContact(
                customer=None,
                properties=props,
                attendances=list(
                    Attendance.objects.filter(property__in=props).select_related("attendant")[:LIMIT]
                ),
                protocols=list(with_type_labels(ServiceRequest.objects.filter(property__in=props))[:LIMIT]),
            )
        )
    if len(digits) >= 8:
        calls = list(
            Attendance.objects.filter(
                caller_number__endswith=digits[-8:], customer__isnull=True, property__isnull=True
            ).select_related("attendant")[:LIMIT]
        )
        if calls:
            found.append(PriorContact(customer=None, properties=[], attendances=calls, protocols=[]))
    return found


def follow_up_queue(unit: str = "") -> list[ServiceRequest]:
    """3.2.13.4: the protocols still owed to the customer — not closed and not yet answered — the
    least remaining deadline first, with the service order that carries each one out."""
    qs = ServiceRequest.objects.exclude(
        status__in=[ServiceRequest.Status.CLOSED, ServiceRequest.Status.ANSWERED]
    )
    if unit:
        qs = qs.filter(unit=unit)
    qs = with_type_labels(qs.select_related("property", "order", "attendance"))
    return list(qs.order_by(F("expected_on").asc(nulls_last=True), "created_at", "id")[:200])


def property_attendances(pk: int) -> tuple[list[Attendance], list[ServiceRequest]]:
    """S10.5-01: a property's attendances and protocols for the one-screen history."""
    attendances = list(Attendance.objects.filter(property_id=pk).select_related("attendant")[:36])
    protocols = list(
        with_type_labels(ServiceRequest.objects.filter(property_id=pk).select_related("order"))[:36]
    )
    return attendances, protocols
