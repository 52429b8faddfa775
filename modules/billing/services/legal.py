"""Writes of exceptions and legal processes on a property (TR S10.13-01; ADR 0188): register and end
an exception, register and close a process. Each validates before writing, names the field it
refuses, and audits in its transaction. What they lock is read by `modules/billing/legal.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.selectors import overlapping
from modules.registry.models import Property

from ..errors import ErrorCode
from ..models import Bill
from ..models_legal import ExceptionKind, LegalProcess, ProcessKind, PropertyException


def _date(d: dt.date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else "sem fim"


def _lock_property(property_id: int) -> Property:
    """The property row, locked: two registrations on one property are checked one after the other."""
    prop: Property | None = Property.objects.select_for_update().filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.NOT_FOUND)
    return prop


def _reason(text: str, field: str = "reason") -> str:
    if not text.strip():
        raise ValidationFailed("Informe o motivo.", field=field, code=ErrorCode.REASON_REQUIRED)
    return text.strip()


def _check_period(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed(
            f"O fim ({ends_on:%d/%m/%Y}) não pode ser anterior ao início ({starts_on:%d/%m/%Y}).",
            field="ends_on",
            code=ErrorCode.PERIOD_INVALID,
        )


def _check_overlap(
    property_id: int, kind: str, starts_on: dt.date, ends_on: dt.date | None, exclude: int | None = None
) -> None:
    """Runs inside the caller's transaction, with the property locked."""
    rows = overlapping(
        PropertyException.objects.filter(property_id=property_id, kind=kind),
        start_field="starts_on",
        end_field="ends_on",
        start=starts_on,
        end=ends_on,
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    other = rows.order_by("starts_on").first()
    if other is not None:
        raise ValidationFailed(
            f"Já existe a exceção “{other.get_kind_display()}” neste imóvel de "
            f"{_date(other.starts_on)} a {_date(other.ends_on)}: os períodos se sobrepõem.",
            field="ends_on" if exclude is not None else "starts_on",
            code=ErrorCode.EXCEPTION_OVERLAP,
        )


@transaction.atomic(durable=True)
def exception_create(
    *,
    actor: Actor,
    property_id: int,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    reason: str,
) -> PropertyException:
    """Register an exception (impede faturamento, multa or corte). Raises NotFound (property) and
    ValidationFailed naming the field: kind, reason, ends_on before starts_on, an overlap with
    another exception of the same kind (starts_on)."""
    if kind not in ExceptionKind.values:
        raise ValidationFailed("Tipo de exceção desconhecido.", field="kind", code=ErrorCode.INVALID)
    reason = _reason(reason)
    _check_period(starts_on, ends_on)
    _lock_property(property_id)
    _check_overlap(property_id, kind, starts_on, ends_on)
    row: PropertyException = PropertyException.objects.create(
        property_id=property_id,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="billing.exception_create",
        target=row,
        reason=reason,
        after={"property": property_id, "kind": kind, "starts_on": starts_on, "ends_on": ends_on},
    )
    return row


@transaction.atomic(durable=True)
def exception_end(*, actor: Actor, exception_id: int, ends_on: dt.date, reason: str) -> PropertyException:
    """End an exception on `ends_on` (its last day in force). Raises NotFound and ValidationFailed
    (reason; ends_on before the start; an overlap a later end would make)."""
    reason = _reason(reason)
    found = PropertyException.objects.filter(pk=exception_id).values_list("property_id", flat=True).first()
    if found is None:
        raise NotFound("Exceção não encontrada.", field="exception", code=ErrorCode.NOT_FOUND)
    _lock_property(found)
    row: PropertyException = PropertyException.objects.get(pk=exception_id)
    _check_period(row.starts_on, ends_on)
    _check_overlap(row.property_id, row.kind, row.starts_on, ends_on, exclude=row.pk)
    before = {"ends_on": row.ends_on}
    row.ends_on, row.ended_by, row.end_reason = ends_on, actor.get_username(), reason
    row.save(update_fields=["ends_on", "ended_by", "end_reason"])
    audit_record(
        actor=actor,
        action="billing.exception_end",
        target=row,
        reason=reason,
        before=before,
        after={"ends_on": ends_on},
    )
    return row


@transaction.atomic(durable=True)
def process_create(
    *,
    actor: Actor,
    property_id: int,
    kind: str,
    number: str,
    starts_on: dt.date,
    description: str = "",
    bill_ids: Sequence[int] = (),
) -> LegalProcess:
    """Register a legal process, about the given bills of the property (none: all of them). An
    inscription in dívida ativa names its bills. Raises NotFound (property) and ValidationFailed
    naming the field (kind, number, bills)."""
    if kind not in ProcessKind.values:
        raise ValidationFailed("Tipo de processo desconhecido.", field="kind", code=ErrorCode.INVALID)
    if not number.strip():
        raise ValidationFailed("Informe o número do processo.", field="number", code=ErrorCode.INVALID)
    _lock_property(property_id)
    ids = sorted(set(bill_ids))
    if kind == ProcessKind.ACTIVE_DEBT and not ids:
        raise ValidationFailed(
            "Informe as faturas inscritas em dívida ativa.", field="bills", code=ErrorCode.INVALID
        )
    found = set(Bill.objects.filter(pk__in=ids, property_id=property_id).values_list("id", flat=True))
    missing = [b for b in ids if b not in found]
    if missing:
        raise ValidationFailed(
            f"Faturas que não são deste imóvel: {', '.join(map(str, missing))}.",
            field="bills",
            code=ErrorCode.INVALID,
        )
    row: LegalProcess = LegalProcess.objects.create(
        property_id=property_id,
        kind=kind,
        number=number.strip(),
        description=description.strip(),
        starts_on=starts_on,
        created_by=actor.get_username(),
    )
    row.bills.set(ids)
    audit_record(
        actor=actor,
        action="billing.process_create",
        target=row,
        after={
            "property": property_id,
            "kind": kind,
            "number": row.number,
            "starts_on": starts_on,
            "bills": ids,
        },
    )
    return row


@transaction.atomic(durable=True)
def process_close(*, actor: Actor, process_id: int, ends_on: dt.date, reason: str) -> LegalProcess:
    """Close a process on `ends_on` (its last day in force). Raises NotFound, Conflict (already
    closed) and ValidationFailed (reason; ends_on before the start)."""
    reason = _reason(reason)
    row: LegalProcess | None = LegalProcess.objects.select_for_update().filter(pk=process_id).first()
    if row is None:
        raise NotFound("Processo não encontrado.", field="process", code=ErrorCode.NOT_FOUND)
    if row.ends_on is not None:
        raise Conflict(
            f"O processo já foi encerrado em {row.ends_on:%d/%m/%Y}.",
            field="ends_on",
            code=ErrorCode.PROCESS_CLOSED,
        )
    _check_period(row.starts_on, ends_on)
    row.ends_on, row.closed_by, row.close_reason = ends_on, actor.get_username(), reason
    row.save(update_fields=["ends_on", "closed_by", "close_reason"])
    audit_record(
        actor=actor,
        action="billing.process_close",
        target=row,
        reason=reason,
        before={"ends_on": None},
        after={"ends_on": ends_on},
    )
    return row
