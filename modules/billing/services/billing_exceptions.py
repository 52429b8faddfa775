"""A property's billing exceptions (seed 002 §4.7, S4.7-01..05; ADR 0220): register one with its
window of reference months and its parameter, change it, remove it. Two exceptions of the same family
(the three volume kinds are one) never overlap: refused naming `valid_from`. The billing run reads
those in force (`exceptions_in_force`) and the pure pricing applies them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.common.selectors import overlapping
from modules.registry.models import Property

from ..domain.exceptions import (
    EXCEPTION_LABELS,
    PARAMETER,
    SERVICE_TYPE_LABELS,
    VOLUME_KINDS,
    BillingException,
    ExceptionKind,
    family,
)
from ..domain.tariffs import ServiceType
from ..errors import ErrorCode
from ..models import BillingExceptionRow

FIELDS = [
    "property",
    "kind",
    "volume_m3",
    "percent",
    "day",
    "service_type",
    "valid_from",
    "valid_until",
    "reason",
]
KINDS = tuple(k for k in ExceptionKind if k is not ExceptionKind.EXEMPT)


def exceptions_of(property_id: int) -> list[BillingExceptionRow]:
    return list(BillingExceptionRow.objects.filter(property_id=property_id).order_by("kind", "-valid_from"))


def exception_get(pk: int) -> BillingExceptionRow:
    row: BillingExceptionRow | None = BillingExceptionRow.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(
            "Exceção de faturamento não encontrada.", field="id", code=ErrorCode.EXCEPTION_NOT_FOUND
        )
    return row


def parameter_text(row: BillingExceptionRow) -> str:
    """The exception's parameter as people read it ("20 m³", "50,00 %", "dia 20", "Água e TEE")."""
    kind = ExceptionKind(row.kind)
    if kind in VOLUME_KINDS:
        return f"{row.volume_m3} m³"
    if kind is ExceptionKind.SEWER_PERCENT:
        return f"{format(row.percent, 'f').replace('.', ',')} %"
    if kind is ExceptionKind.DUE_DAY:
        return f"dia {row.day}"
    return (
        SERVICE_TYPE_LABELS.get(ServiceType(row.service_type), row.service_type) if row.service_type else ""
    )


def _window(start: dt.date, end: dt.date | None) -> str:
    first = YearMonth.of(start).label
    return f"{first} a {YearMonth.of(end).label}" if end else f"{first} em diante"


def _clean(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The kind's parameter checked, the others emptied. Raises ValidationFailed naming the field."""
    if kind not in {k.value for k in KINDS}:
        names = ", ".join(f"{k.value} ({EXCEPTION_LABELS[k]})" for k in KINDS)
        raise ValidationFailed(
            f"Tipo de exceção desconhecido: {kind}. Use {names}.",
            field="kind",
            code=ErrorCode.EXCEPTION_KIND_INVALID,
        )
    needed = PARAMETER[ExceptionKind(kind)]
    value = params.get(needed)
    out: dict[str, Any] = {"volume_m3": None, "percent": None, "day": None, "service_type": ""}

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed(message, field=needed, code=ErrorCode.EXCEPTION_PARAMETER_INVALID)

    if needed == "volume_m3":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            raise bad("Informe o volume limite em m³ inteiros (de 0 a 100000).")
    elif needed == "percent":
        try:
            value = Decimal(str(value)) if value is not None and not isinstance(value, float) else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not Decimal(0) <= value <= Decimal(300):
            raise bad('Informe o percentual de esgoto entre 0 e 300 (texto decimal, ex.: "50.00").')
    elif needed == "day":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 28:
            raise bad("O dia de vencimento deve ficar entre 1 e 28.")
    elif value not in {s.value for s in ServiceType}:
        names = ", ".join(f"{s.value} ({label})" for s, label in SERVICE_TYPE_LABELS.items())
        raise bad(f"Tipo de faturamento desconhecido: {value}. Use {names}.")
    out[needed] = value
    return out


def _check_window(
    prop: Property, kind: str, start: dt.date, end: dt.date | None, *, exclude: int | None = None
) -> None:
    if end is not None and end < start:
        raise ValidationFailed(
            "A referência final vem antes da inicial.",
            field="valid_until",
            code=ErrorCode.EXCEPTION_WINDOW_INVALID,
        )
    same = [k.value for k in KINDS if family(k) == family(kind)]
    rows = BillingExceptionRow.objects.filter(property=prop, kind__in=same)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    clash = (
        overlapping(rows, start_field="valid_from", end_field="valid_until", start=start, end=end)
        .order_by("valid_from")
        .first()
    )
    if clash is not None:
        raise ValidationFailed(
            f"O imóvel já tem a exceção {clash.get_kind_display()} de "
            f"{_window(clash.valid_from, clash.valid_until)}, que se sobrepõe a esta.",
            field="valid_from",
            code=ErrorCode.EXCEPTION_OVERLAPS,
        )


def _reason(text: str) -> str:
    if not text.strip():
        raise ValidationFailed("Informe o motivo da exceção.", field="reason", code=ErrorCode.REASON_REQUIRED)
    return text.strip()


@transaction.atomic(durable=True)
def exception_create(
    *,
    actor: Actor,
    property_id: int,
    kind: str,
    valid_from: YearMonth,
    valid_until: YearMonth | None,
    reason: str,
    **params: Any,
) -> BillingExceptionRow:
    """An exception of `kind` (with its parameter: volume_m3, percent, day or service_type) from the
    reference month `valid_from` to `valid_until` (inclusive; None: until changed). Refuses (400,
    naming the field) an unknown kind, a missing or out-of-range parameter, a window that ends before
    it starts, an empty reason and an overlap with another exception of the same family."""
    prop = Property.objects.select_for_update().filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    values = _clean(kind, params)
    start, end = valid_from.first_day(), valid_until.first_day() if valid_until else None
    text = _reason(reason)
    _check_window(prop, kind, start, end)
    row: BillingExceptionRow = BillingExceptionRow.objects.create(
        property=prop,
        kind=kind,
        valid_from=start,
        valid_until=end,
        reason=text,
        created_by=actor.get_username(),
        **values,
    )
    audit_record(
        actor=actor, action="billing.exception_create", target=row, after=snapshot(row, fields=FIELDS)
    )
    return row


@transaction.atomic(durable=True)
def exception_update(
    *,
    actor: Actor,
    exception_id: int,
    valid_from: YearMonth,
    valid_until: YearMonth | None,
    reason: str,
    **params: Any,
) -> BillingExceptionRow:
    """Change an exception's window, parameter or reason (its kind stays: another kind is another
    exception). The same checks as `exception_create`; the audit keeps before and after."""
    row: BillingExceptionRow | None = (
        BillingExceptionRow.objects.select_for_update()
        .select_related("property")
        .filter(pk=exception_id)
        .first()
    )
    if row is None:
        raise NotFound(
            "Exceção de faturamento não encontrada.", field="id", code=ErrorCode.EXCEPTION_NOT_FOUND
        )
    before = snapshot(row, fields=FIELDS)
    values = _clean(row.kind, params)
    start, end = valid_from.first_day(), valid_until.first_day() if valid_until else None
    text = _reason(reason)
    _check_window(row.property, row.kind, start, end, exclude=row.pk)
    for name, value in {**values, "valid_from": start, "valid_until": end, "reason": text}.items():
        setattr(row, name, value)
    row.save()
    audit_record(
        actor=actor,
        action="billing.exception_update",
        target=row,
        before=before,
        after=snapshot(row, fields=FIELDS),
    )
    return row


@transaction.atomic(durable=True)
def exception_remove(*, actor: Actor, exception_id: int) -> None:
    row: BillingExceptionRow | None = (
        BillingExceptionRow.objects.select_for_update().filter(pk=exception_id).first()
    )
    if row is None:
        raise NotFound(
            "Exceção de faturamento não encontrada.", field="id", code=ErrorCode.EXCEPTION_NOT_FOUND
        )
    before = snapshot(row, fields=FIELDS)
    audit_record(actor=actor, action="billing.exception_remove", target=row, before=before)
    row.delete()


def exceptions_in_force(
    in_ids: RawSQL | Sequence[int], reference: dt.date
) -> dict[int, tuple[BillingException, ...]]:
    """Each property's exceptions in force in the reference month (the billing run's read)."""
    found: dict[int, list[BillingException]] = defaultdict(list)
    for pid, kind, volume, percent, day, service in (
        BillingExceptionRow.objects.filter(property_id__in=in_ids, valid_from__lte=reference)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=reference))
        .order_by("property_id", "kind", "pk")
        .values_list("property_id", "kind", "volume_m3", "percent", "day", "service_type")
    ):
        found[pid].append(BillingException(kind, volume, percent, day, service or ""))
    return {pid: tuple(rows) for pid, rows in found.items()}
