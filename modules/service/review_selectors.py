"""Reads of the consumption review: the cases by phase (the work queue), one case with its timeline,
and the visits agenda with the double-booked slots marked (seed 001 3.2.6.3, 3.2.6.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from modules.common.clock import tenant_today, tenant_zone
from modules.common.errors import NotFound

from .domain import reviews as rules
from .errors import ErrorCode
from .models_review import ConsumptionReview
from .services.reviews import review_phases, review_settings

MAX_AGENDA_DAYS = 31


def reviews(*, phase: str = "") -> QuerySet[ConsumptionReview]:
    """Open cases by the nearest phase deadline (`phase` narrows; "closed": the closed ones)."""
    qs = ConsumptionReview.objects.select_related(
        "property", "protocol", "bill", "new_bill", "visit_order", "visit_technician"
    )
    qs = qs.filter(phase=phase) if phase else qs.exclude(phase=rules.CLOSED)
    return qs.order_by("phase_due_on", "year", "number")


def review(pk: int) -> ConsumptionReview:
    found: ConsumptionReview | None = (
        ConsumptionReview.objects.select_related(
            "property",
            "protocol",
            "customer",
            "bill",
            "new_bill",
            "visit_order__code",
            "visit_technician",
            "reading",
        )
        .prefetch_related("events")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("Revisão de consumo não encontrada.", code=ErrorCode.REVIEW_NOT_FOUND)
    return found


@dataclass(frozen=True)
class CitizenStep:
    at: dt.datetime
    text: str


def review_of_protocol(protocol_id: int) -> ConsumptionReview | None:
    """The case behind a protocol of the review type (None for any other protocol)."""
    found: ConsumptionReview | None = (
        ConsumptionReview.objects.select_related("protocol").filter(protocol_id=protocol_id).first()
    )
    return found


def citizen_steps(review: ConsumptionReview) -> list[CitizenStep]:
    """The case's timeline as the customer reads it (3.2.6.3 "visible to all"): each step with its
    day and a plain sentence, oldest first; staff names, order numbers and internal notes stay in
    the back office."""
    labels = {p.code: p.label for p in review_phases()}
    labels[rules.CLOSED] = "Encerrada"
    steps = []
    for e in review.events.order_by("at", "id"):
        if e.action == "open":
            text = "Pedido de revisão registrado"
        elif e.action == "phase":
            text = f"Fase: {labels.get(e.to_phase, e.to_phase)}"
        elif e.action == "visit":
            text = "Vistoria técnica agendada"
        elif e.action == "visit_done":
            text = "Vistoria técnica realizada"
        elif e.action == "rebill":
            text = "Conta revisada"
        elif e.action == "close":
            text = e.note
        elif e.action == "email" and e.note.startswith("Laudo enviado"):
            text = "Laudo enviado por e-mail"
        else:
            continue
        steps.append(CitizenStep(at=e.at, text=text))
    return steps


@dataclass(frozen=True)
class Visit:
    review_id: int
    control: str
    at: dt.datetime
    ends_at: dt.datetime
    technician: str
    account_number: str
    address: str
    order: str
    clash: bool


def agenda_window(start: str | None, days: str | None) -> tuple[dt.date, int]:
    """The agenda's first day (default: this week's Monday) and length (default 7, at most 31)."""
    try:
        first = dt.date.fromisoformat(start) if start else None
    except ValueError:
        first = None
    if first is None:
        today = tenant_today()
        first = today - dt.timedelta(days=today.weekday())
    try:
        length = min(max(int(days or 7), 1), MAX_AGENDA_DAYS)
    except ValueError:
        length = 7
    return first, length


def agenda(start: dt.date, days: int) -> list[Visit]:
    zone = tenant_zone()
    begin = dt.datetime.combine(start, dt.time(0), zone)
    end = begin + dt.timedelta(days=days)
    minutes = review_settings().visit_minutes
    rows = list(
        ConsumptionReview.objects.filter(visit_at__gte=begin, visit_at__lt=end)
        .exclude(phase=rules.CLOSED)
        .select_related("property", "visit_order", "visit_technician")
        .order_by("visit_at", "year", "number")
    )
    bookings = [
        rules.Booking(
            r.control, r.visit_technician_id or 0, r.visit_at, r.visit_at + dt.timedelta(minutes=minutes)
        )
        for r in rows
        if r.visit_at is not None
    ]
    visits = []
    for r in rows:
        assert r.visit_at is not None
        others = [b for b in bookings if b.control != r.control]
        clash = bool(rules.double_booking(others, r.visit_technician_id or 0, r.visit_at, minutes))
        visits.append(
            Visit(
                review_id=r.pk,
                control=r.control,
                at=r.visit_at.astimezone(zone),
                ends_at=(r.visit_at + dt.timedelta(minutes=minutes)).astimezone(zone),
                technician=r.visit_technician.get_username() if r.visit_technician else "",
                account_number=r.property.account_number,
                address=r.address,
                order=r.visit_order.label if r.visit_order else "",
                clash=clash,
            )
        )
    return visits
