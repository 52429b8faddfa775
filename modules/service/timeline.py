"""S10.5-03: a property's timeline of the records that change its status – meter installs, swaps and
removals, connection situation changes, cuts and reconnections, property status changes, protocols,
service orders, installment agreements, attendances (phone contacts included), telephony calls, and
bill cancellations and rebills – newest first, filterable by type, for checking them with the citizen.

Lives in service (the top layer) because it reads every module below. Each type is one query limited
to LIMIT rows, and only when the user's profile grants the function behind it (as desk.BLOCKS): the
number of queries does not grow with the number of events (tests/service/test_timeline.py).
There is no fraud-fine model in the system, so fines are not a type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from modules.billing.models import Bill
from modules.common.errors import ValidationFailed
from modules.debt.models import Agreement, CollectionEvent
from modules.metering.models import Installation
from modules.registry.models import ConnectionEvent, Property, PropertyStatusChange, ServiceConnection

from .errors import ErrorCode
from .models import ServiceOrder
from .models_channels import Call
from .models_desk import Attendance, ServiceRequest
from .models_units import CutRecord
from .selectors_desk import with_type_labels

# type → the function a profile must grant (view) to see it
TYPES: dict[str, str] = {
    "meters": "metering.meters",
    "connections": "registry.properties",
    "status": "registry.properties",
    "cuts": "service.orders",
    "protocols": "service.attendances",
    "orders": "service.orders",
    "agreements": "debt.agreements",
    "attendances": "service.attendances",
    "calls": "service.cti",
    "bills": "billing.bills",
    "collection": "debt.collection",
}
TYPE_LABELS: dict[str, str] = {
    "meters": "Hidrômetro (instalação, troca, retirada)",
    "connections": "Situação da ligação",
    "status": "Situação do imóvel",
    "cuts": "Corte e religação",
    "protocols": "Protocolos",
    "orders": "Ordens de serviço",
    "agreements": "Parcelamentos",
    "attendances": "Atendimentos e contatos telefônicos",
    "calls": "Ligações (telefonia)",
    "bills": "Cancelamentos e refaturamentos",
    "collection": "Cobrança (avisos, bloqueios, ordens de corte)",
}
LIMIT = 50  # rows read per type


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    type: str
    label: str  # pt-BR name of the type
    summary: str
    link: str = ""


def visible_types(can: Callable[[str], bool]) -> list[str]:
    return [t for t, function in TYPES.items() if can(function)]


def parse_types(raw: str | list[str] | None) -> set[str] | None:
    """`a,b` (or a list of values) → the set of types; None when nothing asked (every type); an
    unknown type is a pt-BR error naming the field `type`."""
    if raw is None:
        return None
    values = [raw] if isinstance(raw, str) else raw
    asked = {t.strip() for v in values for t in v.split(",") if t.strip()}
    unknown = sorted(asked - set(TYPES))
    if unknown:
        raise ValidationFailed(
            f"Tipo de evento desconhecido: {', '.join(unknown)}. Use: {', '.join(TYPES)}.",
            field="type",
            code=ErrorCode.INVALID,
        )
    return asked or None


def _moment(day: dt.date) -> dt.datetime:
    """A date-only record at the start of its day in the utility's time zone."""
    moment: dt.datetime = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return moment


def property_timeline(pk: int, *, types: set[str] | None, can: Callable[[str], bool]) -> list[TimelineEvent]:
    """The timeline of property `pk`, newest first: the asked `types` (None: all) the user's grants
    answer `can(function)` for. A type not granted or not asked is never queried. Raises
    Property.DoesNotExist."""
    if not Property.objects.filter(pk=pk).exists():
        raise Property.DoesNotExist
    events: list[TimelineEvent] = []
    for kind in visible_types(can):
        if types is None or kind in types:
            events.extend(_READERS[kind](pk))
    return sorted(events, key=lambda e: e.at, reverse=True)


def _meters(pk: int) -> Iterator[TimelineEvent]:
    label = TYPE_LABELS["meters"]
    rows = list(
        Installation.objects.filter(connection__property_id=pk)
        .select_related("meter")
        .order_by("-installed_on", "-id")[:LIMIT]
    )
    removed_on = {i.removed_on for i in rows if i.removed_on}
    for i in rows:
        link = reverse("metering:meter", args=[i.meter_id])
        verb = "Troca: instalado" if i.installed_on in removed_on else "Instalado"
        yield TimelineEvent(
            _moment(i.installed_on),
            "meters",
            label,
            f"{verb} o hidrômetro {i.meter.number} (leitura {i.initial_reading}) por {i.installed_by}",
            link,
        )
        if i.removed_on:
            reason = f" – {i.removal_reason}" if i.removal_reason else ""
            yield TimelineEvent(
                _moment(i.removed_on),
                "meters",
                label,
                f"Retirado o hidrômetro {i.meter.number} (leitura {i.final_reading}){reason}",
                link,
            )


def _connections(pk: int) -> Iterator[TimelineEvent]:
    names = dict(ServiceConnection.SITUATION_CHOICES)
    kinds = dict(ServiceConnection.Kind.choices)
    for e in (
        ConnectionEvent.objects.filter(connection__property_id=pk)
        .select_related("connection")
        .order_by("-on", "-id")[:LIMIT]
    ):
        was = names.get(e.situation_from, e.situation_from) if e.situation_from else "—"
        reason = f" – {e.reason}" if e.reason else ""
        yield TimelineEvent(
            _moment(e.on),
            "connections",
            TYPE_LABELS["connections"],
            f"Ligação de {kinds.get(e.connection.kind, e.connection.kind).lower()}: {was} → "
            f"{names.get(e.situation_to, e.situation_to)}{reason} ({e.actor})",
        )


def _status(pk: int) -> Iterator[TimelineEvent]:
    names = dict(Property.Status.choices)
    for s in PropertyStatusChange.objects.filter(property_id=pk).order_by("-since", "-id")[:LIMIT]:
        reason = f" – {s.reason}" if s.reason else ""
        yield TimelineEvent(
            _moment(s.since),
            "status",
            TYPE_LABELS["status"],
            f"Imóvel {names.get(s.status, s.status).lower()}{reason} ({s.actor})",
        )


def _cuts(pk: int) -> Iterator[TimelineEvent]:
    label = TYPE_LABELS["cuts"]
    for c in CutRecord.objects.filter(property_id=pk).order_by("-cut_on", "-id")[:LIMIT]:
        level = c.get_level_display()
        yield TimelineEvent(
            _moment(c.cut_on),
            "cuts",
            label,
            f"Corte ({level})",
            reverse("service:order", args=[c.cut_order_id]),
        )
        if c.reconnected_on:
            yield TimelineEvent(
                _moment(c.reconnected_on),
                "cuts",
                label,
                f"Religação ({level})",
                reverse("service:order", args=[c.reconnection_order_id]) if c.reconnection_order_id else "",
            )


def _protocols(pk: int) -> Iterator[TimelineEvent]:
    for r in with_type_labels(ServiceRequest.objects.filter(property_id=pk)).order_by("-created_at", "-id")[
        :LIMIT
    ]:
        yield TimelineEvent(
            r.created_at,
            "protocols",
            TYPE_LABELS["protocols"],
            f"Protocolo {r.protocol} – {r.type_label} ({r.get_channel_display()}): {r.get_status_display()}",
            reverse("desk:request", args=[r.protocol]),
        )


def _orders(pk: int) -> Iterator[TimelineEvent]:
    for o in (
        ServiceOrder.objects.filter(property_id=pk)
        .select_related("code")
        .order_by("-opened_at", "-id")[:LIMIT]
    ):
        yield TimelineEvent(
            o.opened_at,
            "orders",
            TYPE_LABELS["orders"],
            f"OS {o.label} – {o.code.description}: {o.get_status_display()}",
            reverse("service:order", args=[o.pk]),
        )


def _agreements(pk: int) -> Iterator[TimelineEvent]:
    for a in Agreement.objects.filter(property_id=pk).order_by("-created_at", "-id")[:LIMIT]:
        yield TimelineEvent(
            a.created_at,
            "agreements",
            TYPE_LABELS["agreements"],
            f"Parcelamento nº {a.pk}: {a.count}× R$ {a.installment_value} (total R$ {a.total}) – "
            f"{a.get_status_display()}",
            reverse("debt:agreement", args=[a.pk]),
        )


def _attendances(pk: int) -> Iterator[TimelineEvent]:
    for a in (
        Attendance.objects.filter(property_id=pk)
        .select_related("attendant")
        .order_by("-started_at", "-id")[:LIMIT]
    ):
        closing = f" – {a.get_closing_display()}" if a.closing else ""
        yield TimelineEvent(
            a.started_at,
            "attendances",
            TYPE_LABELS["attendances"],
            f"Atendimento {a.protocol} ({a.get_channel_display()}) por {a.attendant.username}{closing}",
            reverse("service:attendance", args=[a.pk]),
        )


def _calls(pk: int) -> Iterator[TimelineEvent]:
    for c in Call.objects.filter(property_id=pk).order_by("-started_at", "-id")[:LIMIT]:
        queue = f" na fila {c.queue}" if c.queue else ""
        how = "abandonada" if c.abandoned else (f"atendida por {c.agent}" if c.agent else "recebida")
        yield TimelineEvent(
            c.started_at,
            "calls",
            TYPE_LABELS["calls"],
            f"Ligação de {c.caller or 'número não identificado'}{queue}: {how}",
        )


def _bills(pk: int) -> Iterator[TimelineEvent]:
    label = TYPE_LABELS["bills"]
    for b in Bill.objects.filter(
        Q(cancelled_at__isnull=False) | Q(replaces__isnull=False), property_id=pk
    ).order_by("-created_at", "-id")[:LIMIT]:
        link = reverse("billing:bill", args=[b.pk])
        month = b.reference.strftime("%m/%Y")
        if b.replaces_id:
            yield TimelineEvent(
                b.created_at,
                "bills",
                label,
                f"Refaturamento de {month}: fatura {b.pk} substitui a {b.replaces_id}",
                link,
            )
        if b.cancelled_at:
            reason = f" – {b.cancel_reason}" if b.cancel_reason else ""
            yield TimelineEvent(
                b.cancelled_at, "bills", label, f"Fatura {b.pk} de {month} cancelada{reason}", link
            )


def _collection(pk: int) -> Iterator[TimelineEvent]:
    for e in CollectionEvent.objects.filter(property_id=pk).order_by("-at", "-id")[:LIMIT]:
        yield TimelineEvent(e.at, "collection", TYPE_LABELS["collection"], e.summary)


_READERS: dict[str, Callable[[int], Iterator[TimelineEvent]]] = {
    "meters": _meters,
    "connections": _connections,
    "status": _status,
    "cuts": _cuts,
    "protocols": _protocols,
    "orders": _orders,
    "agreements": _agreements,
    "attendances": _attendances,
    "calls": _calls,
    "bills": _bills,
    "collection": _collection,
}
