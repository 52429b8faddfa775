"""Reads of field work: the user's team today, the day's orders of a team in route order with each
code's closing form, the back office's map of requested and scheduled orders (3.2.11.25), teams'
last positions (3.2.12.6), productivity per team (3.2.12.7), a team's track (3.2.12.1) and the photo
feed (3.2.12.9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Avg, F, Q, QuerySet

from modules.common.clock import tenant_zone

from .domain.closing import fields_json
from .domain.field import Fix, Job, TrackSummary, track_summary, travel_seconds
from .domain.orders import STATUS_LABELS, OrderStatus
from .models import (
    FieldClosing,
    FieldEvent,
    FieldPhoto,
    FieldSettings,
    Position,
    ServiceCode,
    ServiceOrder,
    Team,
    TeamMember,
)
from .services.opening_settings import closing_field

S = OrderStatus
ON_THE_PHONE = (S.SCHEDULED, S.IN_PROGRESS, S.PAUSED)
ON_THE_MAP = (S.OPEN, S.SUSPENDED_FOR_APPROVAL, S.PENDING, S.SCHEDULED, S.IN_PROGRESS, S.PAUSED)

# the fields every closing asks, whatever the code (3.2.12.3); the code's own follow
COMMON_FIELDS: list[dict[str, Any]] = [
    {"key": "executed_at", "label": "Data e hora da execução", "kind": "datetime", "required": True},
    {"key": "vehicle_plate", "label": "Placa do veículo", "kind": "text", "required": False},
    {"key": "distance_km", "label": "Quilometragem percorrida (km)", "kind": "number", "required": False},
    {"key": "travel_minutes", "label": "Tempo de deslocamento (min)", "kind": "number", "required": False},
    {"key": "materials", "label": "Materiais usados", "kind": "materials", "required": False},
    {"key": "notes", "label": "Observações", "kind": "text", "required": False},
]


def field_settings() -> FieldSettings:
    row: FieldSettings = FieldSettings.objects.get_or_create(pk=1)[0]
    return row


def team_of(user: Any, day: dt.date) -> Team | None:
    """The active team the user is a member of on `day` (the first, should there be two)."""
    pk = getattr(user, "pk", None)
    if not isinstance(pk, int):
        return None
    member = (
        TeamMember.objects.select_related("team")
        .filter(user_id=pk, start__lte=day, team__is_active=True)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("start", "id")
        .first()
    )
    return member.team if member else None


def closing_form(code: ServiceCode) -> dict[str, Any]:
    """The common fields, then the code's own closing form (3.2.11.8): the order engine's
    `ClosingForm`, in the shape `GET /api/v1/service/codes/{code}/closing-fields` gives (`name`,
    `label`, `kind`, `required`, `choices`); read through `code.closing_form` (select it related)."""
    try:
        stored = code.closing_form.fields
    except ObjectDoesNotExist:
        stored = []
    return {"common": COMMON_FIELDS, "fields": fields_json([closing_field(d) for d in stored])}


def today_orders(team: Team, day: dt.date) -> QuerySet[ServiceOrder]:
    """The team's orders of the day still to do, in route order: the property's reading route and
    its sequence on it (the order a reader walks), then priority and deadline."""
    return (
        ServiceOrder.objects.filter(team=team, scheduled_for=day, status__in=ON_THE_PHONE)
        .select_related(
            "code",
            "code__closing_form",
            "code__kit",
            "property",
            "property__street",
            "property__neighbourhood",
        )
        .prefetch_related("code__kit__items__material")
        .order_by(
            F("property__route__code").asc(nulls_last=True),
            F("property__route_sequence").asc(nulls_last=True),
            "priority",
            "due_at",
            "id",
        )
    )


def address_of(order: ServiceOrder) -> str:
    prop = order.property
    if prop is None:
        return ""
    parts = [f"{prop.street.name}, {prop.number}"]
    if prop.complement:
        parts.append(prop.complement)
    parts.append(prop.neighbourhood.name)
    return " — ".join(parts)


def phone_order_json(order: ServiceOrder) -> dict[str, Any]:
    prop = order.property
    kit = order.code.kit
    return {
        "id": order.pk,
        "label": order.label,
        "code": order.code.code,
        "service": order.code.description,
        "status": order.status,
        "status_label": STATUS_LABELS[OrderStatus(order.status)],
        "priority": order.priority,
        "due_at": order.due_at.isoformat(),
        "account": prop.account_number if prop else None,
        "address": address_of(order),
        "latitude": str(prop.latitude) if prop and prop.latitude is not None else None,
        "longitude": str(prop.longitude) if prop and prop.longitude is not None else None,
        "description": order.description,
        "kit": [
            {"code": i.material.code, "quantity": str(i.quantity)} for i in (kit.items.all() if kit else [])
        ],
        "closing_form": closing_form(order.code),
    }


def map_orders(
    *, address: str = "", team_id: int | None = None, code: str = "", limit: int = 2000
) -> QuerySet[ServiceOrder]:
    """Requested and scheduled orders (not final) on properties with coordinates (3.2.11.25)."""
    qs = (
        ServiceOrder.objects.filter(status__in=ON_THE_MAP, property__latitude__isnull=False)
        .select_related("code", "team", "property", "property__street", "property__neighbourhood")
        .order_by("due_at", "id")
    )
    if address.strip():
        qs = qs.filter(property__address_search__icontains=address.strip().lower())
    if team_id:
        qs = qs.filter(team_id=team_id)
    if code.strip():
        qs = qs.filter(code__code=code.strip().upper())
    return qs[:limit]


def order_feature(order: ServiceOrder) -> dict[str, Any]:
    prop = order.property
    assert prop is not None and prop.latitude is not None and prop.longitude is not None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(prop.longitude), float(prop.latitude)]},
        "properties": {
            "id": order.pk,
            "label": order.label,
            "code": order.code.code,
            "status": order.status,
            "status_label": STATUS_LABELS[OrderStatus(order.status)],
            "team": order.team.name if order.team else None,
            "scheduled_for": order.scheduled_for.isoformat() if order.scheduled_for else None,
            "address": address_of(order),
        },
    }


@dataclass(frozen=True)
class LastPosition:
    team: Team
    at: dt.datetime
    latitude: Decimal
    longitude: Decimal
    username: str
    open_orders: int


def last_positions(now: dt.datetime) -> list[LastPosition]:
    """Each active team's latest fix (within the retention, since older ones are pruned), with how
    many of its orders are still open today."""
    latest = Position.objects.order_by("team_id", "-at").distinct("team_id")
    teams = {t.pk: t for t in Team.objects.filter(is_active=True)}
    day = now.astimezone(tenant_zone()).date()
    open_counts: dict[int, int] = {}
    for team_id in ServiceOrder.objects.filter(
        team_id__in=teams, scheduled_for=day, status__in=ON_THE_PHONE
    ).values_list("team_id", flat=True):
        open_counts[team_id] = open_counts.get(team_id, 0) + 1
    out = [
        LastPosition(
            teams[p.team_id], p.at, p.latitude, p.longitude, p.username, open_counts.get(p.team_id, 0)
        )
        for p in latest
        if p.team_id in teams
    ]
    return sorted(out, key=lambda r: r.team.name)


@dataclass(frozen=True)
class Productivity:
    team: Team
    executed: int
    not_executed: int
    average_execution_minutes: int | None
    travel_minutes: int


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = tenant_zone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def productivity(day: dt.date) -> list[Productivity]:
    """Per team, on the local day: orders executed and not executed, the average execution time
    without pauses (as the phones reported it) and Σ travel time between one job's end and the next
    one's start (3.2.12.7)."""
    start, end = _day_bounds(day)
    closed = ServiceOrder.objects.filter(executed_at__gte=start, executed_at__lt=end, team__isnull=False)
    by_team: dict[int, dict[str, Any]] = {}
    for team_id, status in closed.values_list("team_id", "status"):
        row = by_team.setdefault(team_id, {"executed": 0, "not_executed": 0})
        if status == S.EXECUTED:
            row["executed"] += 1
        elif status == S.NOT_EXECUTED:
            row["not_executed"] += 1
    averages = dict(
        FieldClosing.objects.filter(order__in=closed, execution_minutes__isnull=False)
        .values_list("order__team_id")
        .annotate(avg=Avg("execution_minutes"))
        .values_list("order__team_id", "avg")
    )
    marks: dict[tuple[int, int], list[FieldEvent]] = {}
    for event in FieldEvent.objects.filter(
        at__gte=start,
        at__lt=end,
        team__isnull=False,
        order__isnull=False,
        kind__in=("start", "close", "not_execute"),
    ).order_by("at"):
        marks.setdefault((event.team_id or 0, event.order_id or 0), []).append(event)
    jobs: dict[int, list[Job]] = {}
    for (team_id, _), events in marks.items():
        ends = [e.at for e in events if e.kind != "start"]
        starts = [e.at for e in events if e.kind == "start"] or ends
        # a job still in progress counts from its start: the way to it was travel too
        jobs.setdefault(team_id, []).append(Job(started=min(starts), ended=max(ends or starts)))
    teams = Team.objects.filter(pk__in=set(by_team) | set(jobs)).order_by("name")
    return [
        Productivity(
            team=t,
            executed=by_team.get(t.pk, {}).get("executed", 0),
            not_executed=by_team.get(t.pk, {}).get("not_executed", 0),
            average_execution_minutes=round(averages[t.pk]) if averages.get(t.pk) is not None else None,
            travel_minutes=round(travel_seconds(jobs.get(t.pk, [])) / 60),
        )
        for t in teams
    ]


def team_track(team: Team, day: dt.date) -> TrackSummary:
    start, end = _day_bounds(day)
    settings = field_settings()
    fixes = [
        Fix(at, float(lat), float(lon))
        for at, lat, lon in Position.objects.filter(team=team, at__gte=start, at__lt=end)
        .order_by("at")
        .values_list("at", "latitude", "longitude")
    ]
    return track_summary(fixes, float(settings.stop_speed_kmh), settings.stop_min_seconds)


def photo_feed(after_id: int = 0, limit: int = 24) -> list[FieldPhoto]:
    qs = FieldPhoto.objects.select_related("order", "property").order_by("-id")
    if after_id:
        qs = qs.filter(pk__gt=after_id)
    return list(qs[:limit])
