"""Reads of the staff protocol desk: the filtered list, one protocol with its history, the
ombudsman inbox count (VA-33)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from modules.common.clock import tenant_today
from modules.common.domain.documents import strip_document
from modules.registry.numbering import looks_like_account as looks_like_account_number
from modules.registry.numbering import parse_account as parse_account_number

from .models_desk import ProtocolType, ServiceRequest


@dataclass(frozen=True)
class DeskFilter:
    status: str = ""
    kind: str = ""
    type_code: str = ""
    channel: str = ""
    unit: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    start: dt.datetime = timezone.make_aware(
        dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone()
    )
    return start


def with_type_labels(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    """The type's label on each row in the same query (`ServiceRequest.type_label` reads it)."""
    label = ProtocolType.objects.filter(code=OuterRef("type_code")).values("label")[:1]
    return qs.annotate(type_name=Subquery(label))


def desk_request_list(f: DeskFilter) -> QuerySet[ServiceRequest]:
    """Newest first. `q` finds a protocol number, the requester's CPF/CNPJ or the property's
    matrícula; the period is the opening date in the utility's time zone."""
    qs = with_type_labels(ServiceRequest.objects.select_related("property"))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.type_code:
        qs = qs.filter(type_code=f.type_code)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.unit:
        qs = qs.filter(unit=f.unit)
    if f.date_from:
        qs = qs.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    text = f.q.strip()
    if text:
        chars = strip_document(text)
        scope = Q(protocol=chars)
        if looks_like_account_number(text):
            scope |= Q(property__account_base=parse_account_number(text))
        if chars:
            scope |= Q(requester_document=chars) | Q(customer__cpf_cnpj=chars) | Q(new_document=chars)
        qs = qs.filter(scope)
    return qs.order_by("-created_at", "-id")


def pending_receipt_count(kind: str = ServiceRequest.Kind.OMBUDSMAN) -> int:
    count: int = ServiceRequest.objects.filter(kind=kind, status=ServiceRequest.Status.RECEIVED).count()
    return count


def desk_request(protocol: str) -> ServiceRequest | None:
    found: ServiceRequest | None = (
        ServiceRequest.objects.select_related("property", "customer", "attendance", "order")
        .prefetch_related("events", "attachments")
        .filter(protocol=protocol)
        .first()
    )
    return found


def is_overdue(request: ServiceRequest, today: dt.date | None = None) -> bool:
    today = today or tenant_today()
    return bool(request.expected_on and request.status != "closed" and request.expected_on < today)
