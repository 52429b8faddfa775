"""Abertura de ordens em lote (3.2.11.24): the properties a filtered selection finds, previewed (a
count and the first rows, nothing written), then opened in one durable transaction under a batch key.
The key is unique: a re-submitted form, a double click or a retried API call with the same key opens
nothing more and answers the batch already opened."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from modules.billing.models import Bill
from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, ValidationFailed
from modules.registry.models import Property

from ..domain.orders import FINAL
from ..errors import ErrorCode
from ..models import ServiceOrder
from ..models_orders import BatchOpening, BatchOpeningItem
from ..selectors import code_get
from .orders import order_open_one

MAX_BATCH = 5000  # one transaction; a larger selection is narrowed by its filters
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class BatchFilters:
    """Every criterion is optional; the selection is their conjunction (an empty filter set is
    refused: a batch over every property is never what was meant)."""

    status: str = ""  # property status (ativo, inativo …)
    category: str = ""  # category code
    meter_diameter_mm: int | None = None
    meter_model: str = ""  # meter type: manufacturer or model, contains
    meter_installed_before: dt.date | None = None  # meter age: installed on or before
    meter_manufactured_until: int | None = None  # meter age: year of manufacture up to
    billing_group: int | None = None  # group code
    route_from: int | None = None  # route codes, inclusive
    route_to: int | None = None
    neighbourhood_id: int | None = None
    street_id: int | None = None
    min_overdue_bills: int | None = None  # debt: at least N issued bills past their due date
    consumption_min: int | None = None  # m³ billed on the latest bill (not cancelled), inclusive
    consumption_max: int | None = None
    skip_open: bool = True  # leave out properties with an open order of the same code

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in data.items()
            if v not in ("", None)
        }

    def is_empty(self) -> bool:
        return not {k for k in self.as_json() if k != "skip_open"}


def selection(filters: BatchFilters, *, code_id: int, today: dt.date) -> QuerySet[Property]:
    """The properties the filters find, in account order."""
    if filters.is_empty():
        raise ValidationFailed(
            "Informe ao menos um filtro: um lote sobre todos os imóveis não é aceito.",
            field="filters",
            code=ErrorCode.BATCH_EMPTY,
        )
    qs = Property.objects.all()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(categories__category__code=filters.category.strip().upper())
    meter = Q(connections__kind="water", connections__installations__removed_on__isnull=True)
    meter_filters = Q()
    if filters.meter_diameter_mm:
        meter_filters &= Q(connections__installations__meter__diameter_mm=filters.meter_diameter_mm)
    if filters.meter_model:
        text = filters.meter_model.strip()
        meter_filters &= Q(connections__installations__meter__model__icontains=text) | Q(
            connections__installations__meter__manufacturer__icontains=text
        )
    if filters.meter_installed_before:
        meter_filters &= Q(connections__installations__installed_on__lte=filters.meter_installed_before)
    if filters.meter_manufactured_until:
        meter_filters &= Q(
            connections__installations__meter__manufacture_year__lte=filters.meter_manufactured_until
        )
    if meter_filters:
        qs = qs.filter(meter & meter_filters)
    if filters.billing_group is not None:
        qs = qs.filter(billing_group__code=filters.billing_group)
    if filters.route_from is not None:
        qs = qs.filter(route__code__gte=filters.route_from)
    if filters.route_to is not None:
        qs = qs.filter(route__code__lte=filters.route_to)
    if filters.neighbourhood_id:
        qs = qs.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.street_id:
        qs = qs.filter(street_id=filters.street_id)
    if filters.min_overdue_bills:
        overdue = Count("bills", filter=Q(bills__status="released", bills__due_date__lt=today), distinct=True)
        qs = qs.annotate(overdue=overdue).filter(overdue__gte=filters.min_overdue_bills)
    if filters.consumption_min is not None or filters.consumption_max is not None:
        latest = (
            Bill.objects.filter(property_id=OuterRef("pk"))
            .exclude(status="cancelled")
            .order_by("-reference", "-id")
            .values("consumption_m3")[:1]
        )
        qs = qs.annotate(last_consumption=Subquery(latest))
        if filters.consumption_min is not None:
            qs = qs.filter(last_consumption__gte=filters.consumption_min)
        if filters.consumption_max is not None:
            qs = qs.filter(last_consumption__lte=filters.consumption_max)
    if filters.skip_open:
        open_orders = ServiceOrder.objects.filter(code_id=code_id).exclude(
            status__in=[s.value for s in FINAL]
        )
        qs = qs.exclude(pk__in=open_orders.values("property_id"))
    ids = qs.values("pk").distinct()
    return (
        Property.objects.filter(pk__in=ids).select_related("street", "neighbourhood").order_by("account_base")
    )


@dataclass(frozen=True)
class Preview:
    count: int
    first: list[Property]


def batch_preview(*, code: str, filters: BatchFilters, today: dt.date) -> Preview:
    """What a batch would open: the count and the first rows. Writes nothing."""
    service_code = code_get(code)
    qs = selection(filters, code_id=service_code.pk, today=today)
    return Preview(qs.count(), list(qs[:PREVIEW_ROWS]))


@dataclass(frozen=True)
class BatchResult:
    batch: BatchOpening
    created: bool  # False: the key had already opened this batch


@transaction.atomic(durable=True)
def batch_open(
    *, actor: Actor, key: str, code: str, filters: BatchFilters, today: dt.date, description: str = ""
) -> BatchResult:
    """Open one order of `code` per selected property, all or none, under `key`."""
    key = key.strip()
    if not key or len(key) > 64:
        raise ValidationFailed(
            "Informe a chave do lote (até 64 caracteres).", field="key", code=ErrorCode.INVALID
        )
    service_code = code_get(code)
    existing = BatchOpening.objects.filter(key=key).first()
    if existing is not None:
        return BatchResult(_same_batch(existing, service_code.pk, filters), created=False)
    properties = list(selection(filters, code_id=service_code.pk, today=today).values_list("pk", flat=True))
    if not properties:
        raise ValidationFailed(
            "Nenhum imóvel atende aos filtros: nenhuma ordem aberta.",
            field="filters",
            code=ErrorCode.BATCH_EMPTY,
        )
    if len(properties) > MAX_BATCH:
        raise ValidationFailed(
            f"A seleção tem {len(properties)} imóveis; o limite de um lote é {MAX_BATCH}. Refine os filtros.",
            field="filters",
            code=ErrorCode.BATCH_TOO_LARGE,
        )
    try:
        with transaction.atomic():  # a concurrent batch with the same key: the unique key decides
            batch = BatchOpening.objects.create(
                key=key,
                code=service_code,
                filters=filters.as_json(),
                description=description.strip(),
                opened_at=timezone.now(),
                opened_by=actor.get_username(),
            )
    except IntegrityError:
        winner = BatchOpening.objects.get(key=key)
        return BatchResult(_same_batch(winner, service_code.pk, filters), created=False)
    note = description.strip() or f"Aberta em lote com {len(properties)} imóvel(is)"
    opened_at = timezone.now()
    for property_id in properties:
        order = order_open_one(
            actor=actor,
            code=service_code.code,
            property_id=property_id,
            opened_at=opened_at,
            description=note,
        )
        BatchOpeningItem.objects.create(batch=batch, order=order)
    batch.count = len(properties)
    batch.save(update_fields=["count"])
    audit_record(
        actor=actor,
        action="service.batch_open",
        target=batch,
        after={"key": key, "code": service_code.code, "orders": batch.count, "filters": filters.as_json()},
    )
    return BatchResult(batch, created=True)


def _same_batch(batch: BatchOpening, code_id: int, filters: BatchFilters) -> BatchOpening:
    if batch.code_id != code_id or batch.filters != filters.as_json():
        raise Conflict(
            "Esta chave de lote já foi usada por outro lote (outro código ou outros filtros).",
            field="key",
            code=ErrorCode.BATCH_KEY_REUSED,
        )
    return batch
