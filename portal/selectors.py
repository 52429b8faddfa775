"""Reads of the agency. `open_debts_summary` is the seam the collection and debt modules fill in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from modules.billing.models import DueDayChoice
from modules.common.clock import tenant_today
from modules.debt.models import CollectionEvent, CutNotice
from modules.debt.selectors import debt_position
from modules.metering.selectors import active_installation
from modules.registry.domain.connections import SITUATIONS
from modules.registry.domain.payer import payer_relation
from modules.registry.models import Property, PropertyCategory, PropertyRelation, ServiceConnection
from modules.service.channels_hooks import ProtocolStatus
from modules.service.models import ServiceRequest
from modules.service.selectors_desk import with_type_labels

from .access import granted_properties, granted_requests
from .auth import Grant


@dataclass(frozen=True)
class DebtSummary:
    """Open debts of a property as the citizen sees them on the first page (VA-09): the open bills
    (not folded into an agreement) and their updated total (original + acréscimos, R-01) as of
    today in the tenant's time zone, from debt's debt position. Never a float."""

    available: bool
    open_bills: int | None = None
    updated_total: Decimal | None = None
    message: str = ""


def open_debts_summary(prop: Property, as_of: dt.date | None = None) -> DebtSummary:
    position = debt_position(prop.pk, as_of or tenant_today())
    return DebtSummary(
        available=True,
        open_bills=len(position.items),
        updated_total=position.totals["total"],
    )


@dataclass(frozen=True)
class ConnectionView:
    kind: str
    situation: str
    since: dt.date
    meter_number: str = ""
    meter_installed_on: dt.date | None = None


@dataclass(frozen=True)
class PropertyOverview:
    prop: Property
    address: str
    district_city: str
    holder_name: str
    holder_document: str
    categories: list[tuple[str, int]] = field(default_factory=list)
    economies_total: int = 0
    connections: list[ConnectionView] = field(default_factory=list)
    due_day: int | None = None


def address_line(prop: Property) -> str:
    line = f"{prop.street.street_type} {prop.street.name}, {prop.number}"
    return f"{line} – {prop.complement}" if prop.complement else line


def _abbreviate(name: str) -> str:
    """ "Maria da Conceição Souza" → "Maria C. S.": the holder's name for a visitor who did not
    prove a CPF/CNPJ (account-only sign-in)."""
    parts = [p for p in name.split() if p.lower() not in {"da", "de", "do", "das", "dos", "e"}]
    if not parts:
        return ""
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])


def current_holder(prop: Property) -> PropertyRelation | None:
    relations = list(
        PropertyRelation.objects.filter(property=prop, end__isnull=True).select_related("customer")
    )
    return payer_relation(relations)  # the bill's rule: the agency shows whom the bills go to


def property_overview(grant: Grant, prop: Property) -> PropertyOverview:
    prop = (
        Property.objects.select_related("street", "neighbourhood__city")
        .prefetch_related(
            Prefetch("categories", queryset=PropertyCategory.objects.select_related("category"))
        )
        .get(pk=prop.pk)
    )
    holder = current_holder(prop)
    name = holder.customer.name if holder else ""
    connections = []
    # water first, as on the bill
    ordered = sorted(ServiceConnection.objects.filter(property=prop), key=lambda c: c.kind != "water")
    for c in ordered:
        meter = active_installation(connection_id=c.pk) if c.kind == ServiceConnection.Kind.WATER else None
        connections.append(
            ConnectionView(
                kind=c.get_kind_display(),
                situation=SITUATIONS.get(c.situation, c.situation),
                since=c.since,
                meter_number=meter.meter.number if meter else "",
                meter_installed_on=meter.installed_on if meter else None,
            )
        )
    return PropertyOverview(
        prop=prop,
        address=address_line(prop),
        district_city=f"{prop.neighbourhood.name} – {prop.neighbourhood.city}",
        holder_name=name if grant.verified_holder else _abbreviate(name),
        holder_document=holder.customer.document_masked if holder else "",
        categories=[(pc.category.name, pc.economies) for pc in prop.categories.all()],
        economies_total=prop.economies_total,
        connections=connections,
        due_day=chosen_due_day(prop),
    )


def other_properties(grant: Grant, *, current_id: int) -> list[tuple[Property, str]]:
    """VA-10: the other properties the proved CPF/CNPJ is linked to, with their address."""
    props = granted_properties(grant).exclude(pk=current_id).select_related("street").order_by("account_base")
    return [(p, address_line(p)) for p in props]


def chosen_due_day(prop: Property) -> int | None:
    row = DueDayChoice.objects.filter(property=prop).only("day").first()
    return row.day if row else None


def requests_of(grant: Grant, prop: Property) -> list[ServiceRequest]:
    """VA-24: protocols of the property (and the citizen's own, by CPF/CNPJ), newest first."""
    return list(
        with_type_labels(granted_requests(grant))
        .filter(property=prop)
        .exclude(kind=ServiceRequest.Kind.AGENCY_PROBLEM)
        .order_by("-created_at", "-id")[:50]
    )


def protocol_status_for_ivr(protocol: str) -> ProtocolStatus | None:
    """An agency protocol's status as the telephony IVR says it (registered in apps.py)."""
    request = ServiceRequest.objects.filter(protocol=protocol.strip().upper()).first()
    if request is None:
        return None
    return ProtocolStatus(
        protocol=request.protocol,
        subject=request.get_kind_display(),
        status=request.status,
        status_label=request.get_status_display().lower(),
    )


def collection_notices(prop: Property) -> dict[str, Any]:
    """What collection told the citizen about this property (issue #16): the pending cut notice with
    the day from which the supply may be cut, and the latest actions that concern them (reminders,
    notices, cut orders), newest first. Two queries."""
    pending = (
        CutNotice.objects.filter(property=prop, status=CutNotice.Status.PENDING).order_by("cut_from").first()
    )
    events = list(
        CollectionEvent.objects.filter(property=prop, citizen=True)
        .order_by("-at", "-id")
        .values("at", "summary")[:5]
    )
    return {"pending": pending, "events": events}
