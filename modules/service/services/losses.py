"""Loss charges (perdas, ADR 0228; seed 001 3.2.7.22, S13.6): the utility's loss types and fine
table, the inspection orders opened for units cut longer than the utility allows, the loss charge
recorded on an executed inspection order — with photos and the police report — whose fine goes on
the property's next bill (a PendingCharge, billing's item source `service.charge`), and the report.
A loss charge without its inspection order is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Sum
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.registry.domain.connections import CUT
from modules.registry.models import ServiceConnection

from ..domain.losses import DEGREE_LABELS, Degree, FineRow, Nature, fine_in_force, long_cut
from ..domain.orders import OrderStatus
from ..errors import ErrorCode
from ..models import (
    FieldPhoto,
    LossCharge,
    LossFine,
    LossSettings,
    LossType,
    PendingCharge,
    ServiceCode,
    ServiceOrder,
)

OPEN_STATUSES = [
    s.value
    for s in OrderStatus
    if s not in (OrderStatus.EXECUTED, OrderStatus.NOT_EXECUTED, OrderStatus.CANCELLED)
]


def _money(raw: object, field: str) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationFailed("Informe o valor em reais.", field=field, code=ErrorCode.INVALID) from exc
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "O valor deve ser positivo, em reais e centavos.", field=field, code=ErrorCode.INVALID
        )
    return value


def _degree(raw: str) -> Degree:
    try:
        return Degree(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "Grau: leve (light), moderado (moderate) ou grave (severe).",
            field="degree",
            code=ErrorCode.INVALID,
        ) from exc


@transaction.atomic(durable=True)
def loss_type_create(*, actor: Actor, code: str, name: str, nature: str) -> LossType:
    if not code.strip() or not name.strip():
        raise ValidationFailed("Informe o código e o nome do tipo.", field="code", code=ErrorCode.INVALID)
    if nature not in Nature.__members__.values():
        raise ValidationFailed(
            "Natureza: fraude, vazamento ou lacre rompido.", field="nature", code=ErrorCode.INVALID
        )
    if LossType.objects.filter(code=code.strip()).exists():
        raise ValidationFailed(f"O código {code} já existe.", field="code", code=ErrorCode.INVALID)
    row: LossType = LossType.objects.create(code=code.strip(), name=name.strip(), nature=nature)
    audit_record(actor=actor, action="service.loss_type_create", target=row, after=snapshot(row))
    return row


@transaction.atomic(durable=True)
def loss_type_update(*, actor: Actor, code: str, name: str, active: bool) -> LossType:
    """Rename a type or turn it off (a type off takes no new loss charge; its rows stay)."""
    row: LossType | None = LossType.objects.select_for_update().filter(code=code).first()
    if row is None:
        raise NotFound(f"Tipo de perda {code} não cadastrado.", field="code", code=ErrorCode.INVALID)
    if not name.strip():
        raise ValidationFailed("Informe o nome do tipo.", field="name", code=ErrorCode.INVALID)
    before = snapshot(row)
    row.name, row.active = name.strip(), active
    row.save(update_fields=["name", "active"])
    audit_record(
        actor=actor, action="service.loss_type_update", target=row, before=before, after=snapshot(row)
    )
    return row


@transaction.atomic(durable=True)
def loss_fine_create(
    *, actor: Actor, loss_type: str, degree: str, valid_from: dt.date, amount: object
) -> LossFine:
    """A fine of the table: (type, degree) from `valid_from`; a second row of the same start is refused."""
    kind = LossType.objects.filter(code=loss_type).first()
    if kind is None:
        raise ValidationFailed(
            f"Tipo de perda {loss_type} não cadastrado.", field="loss_type", code=ErrorCode.INVALID
        )
    grade = _degree(degree)
    value = _money(amount, "amount")
    if LossFine.objects.filter(loss_type=kind, degree=grade, valid_from=valid_from).exists():
        raise ValidationFailed(
            "Já existe multa deste tipo e grau com esta vigência.", field="valid_from", code=ErrorCode.INVALID
        )
    row: LossFine = LossFine.objects.create(
        loss_type=kind, degree=grade, valid_from=valid_from, amount=value, created_by=actor.get_username()
    )
    audit_record(actor=actor, action="service.loss_fine_create", target=row, after=snapshot(row))
    return row


def fine_table() -> tuple[FineRow, ...]:
    return tuple(
        FineRow(code, Degree(degree), start, amount)
        for code, degree, start, amount in LossFine.objects.values_list(
            "loss_type__code", "degree", "valid_from", "amount"
        )
    )


@transaction.atomic(durable=True)
def loss_settings_update(*, actor: Actor, long_cut_days: int, inspection_code: str) -> LossSettings:
    code = (
        ServiceCode.objects.filter(code=inspection_code, is_active=True).first() if inspection_code else None
    )
    if inspection_code and code is None:
        raise ValidationFailed(
            f"Código de serviço {inspection_code} não encontrado.",
            field="inspection_code",
            code=ErrorCode.INVALID,
        )
    if long_cut_days < 0 or long_cut_days > 3650:
        raise ValidationFailed("Dias de corte: de 0 a 3650.", field="long_cut_days", code=ErrorCode.INVALID)
    LossSettings.current()
    row: LossSettings = LossSettings.objects.select_for_update().get(pk=1)
    before = snapshot(row)
    row.long_cut_days, row.inspection_code, row.updated_by = long_cut_days, code, actor.get_username()
    row.save()
    audit_record(
        actor=actor, action="service.loss_settings_update", target=row, before=before, after=snapshot(row)
    )
    return row


# --- inspection orders for units cut too long ------------------------------------------------------


def long_cut_inspections_open(*, actor: Actor, today: dt.date | None = None) -> list[ServiceOrder]:
    """One inspection order per property whose water connection has been cut for longer than the
    utility's days and that has no inspection order of that code open or opened since the cut; a
    re-run opens nothing twice. Each order is opened in its own transaction (orders.order_open)."""
    from .orders import order_open

    rules = LossSettings.current()
    if not rules.long_cut_days or rules.inspection_code_id is None:
        return []
    on = today or tenant_today()
    code = rules.inspection_code
    assert code is not None
    cut = ServiceConnection.objects.filter(kind=ServiceConnection.Kind.WATER, situation=CUT).values_list(
        "property_id", "since"
    )
    opened = []
    for property_id, since in cut.order_by("property_id"):
        if not long_cut(since, on, rules.long_cut_days):
            continue
        already = ServiceOrder.objects.filter(property_id=property_id, code=code).filter(
            opened_at__date__gte=since
        )
        if already.exists():
            continue
        opened.append(
            order_open(
                actor=actor,
                code=code.code,
                property_id=property_id,
                description=f"Inspeção de fraude: ligação cortada desde {since:%d/%m/%Y}.",
            )
        )
    return opened


# --- the loss charge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossInput:
    loss_type: str
    degree: str
    police_report: str = ""
    photo_ids: Sequence[int] = ()
    notes: str = ""


@transaction.atomic(durable=True)
def loss_charge_register(*, actor: Actor, order_id: int | None, data: LossInput) -> LossCharge:
    """Record the loss an executed inspection order found and post its fine (the table's, in force on
    the order's execution day) to the property's next bill. Raises ValidationFailed naming the field:
    no order (a loss charge needs its inspection), an order not executed or of no property, a fraud
    without its police report or photos, a type or degree without a fine in force."""
    if order_id is None:
        raise ValidationFailed(
            "Uma cobrança de perda exige a ordem de inspeção que a constatou.",
            field="order",
            code=ErrorCode.LOSS_WITHOUT_INSPECTION,
        )
    order: ServiceOrder | None = ServiceOrder.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound(
            "Ordem de inspeção não encontrada.", field="order", code=ErrorCode.LOSS_WITHOUT_INSPECTION
        )
    if order.status != OrderStatus.EXECUTED or order.property_id is None or order.executed_at is None:
        raise ValidationFailed(
            f"A ordem {order.label} não é uma inspeção executada em um imóvel: a perda só é cobrada "
            "depois da inspeção.",
            field="order",
            code=ErrorCode.LOSS_WITHOUT_INSPECTION,
        )
    if LossCharge.objects.filter(order=order).exists():
        raise Conflict(
            f"A ordem {order.label} já tem cobrança de perda.",
            field="order",
            code=ErrorCode.LOSS_ALREADY_CHARGED,
        )
    kind = LossType.objects.filter(code=data.loss_type, active=True).first()
    if kind is None:
        raise ValidationFailed(
            f"Tipo de perda {data.loss_type} não cadastrado.", field="loss_type", code=ErrorCode.INVALID
        )
    grade = _degree(data.degree)
    photos = list(FieldPhoto.objects.filter(pk__in=list(data.photo_ids), order=order))
    if len(photos) != len(set(data.photo_ids)):
        raise ValidationFailed("Foto que não é desta ordem.", field="photos", code=ErrorCode.INVALID)
    if kind.nature == Nature.FRAUD:
        if not data.police_report.strip():
            raise ValidationFailed(
                "Fraude: informe o número do boletim de ocorrência.",
                field="police_report",
                code=ErrorCode.INVALID,
            )
        if not photos:
            raise ValidationFailed(
                "Fraude: anexe ao menos uma foto da inspeção.", field="photos", code=ErrorCode.INVALID
            )
    found_on = timezone.localtime(order.executed_at).date()
    row = fine_in_force(fine_table(), kind.code, grade, found_on)
    if row is None:
        raise ValidationFailed(
            f"Não há multa de {kind.name} ({DEGREE_LABELS[grade].lower()}) vigente em {found_on:%d/%m/%Y}.",
            field="degree",
            code=ErrorCode.LOSS_NO_FINE,
        )
    fine_row = LossFine.objects.get(loss_type=kind, degree=grade, valid_from=row.valid_from)
    charge = PendingCharge.objects.create(
        property_id=order.property_id,
        order=order,
        kind=PendingCharge.Kind.SERVICE,
        description=f"Multa por {kind.name.lower()} ({DEGREE_LABELS[grade].lower()}) – OS {order.label}"[
            :200
        ],
        amount=row.amount,
        created_at=timezone.now(),
    )
    loss: LossCharge = LossCharge.objects.create(
        order=order,
        property_id=order.property_id,
        loss_type=kind,
        degree=grade,
        fine=row.amount,
        fine_row=fine_row,
        police_report=data.police_report.strip(),
        notes=data.notes.strip(),
        charge=charge,
        found_on=found_on,
        created_by=actor.get_username(),
    )
    loss.photos.set(photos)
    audit_record(
        actor=actor,
        action="service.loss_charge_register",
        target=loss,
        after={
            "order": order.pk,
            "type": kind.code,
            "degree": grade.value,
            "fine": row.amount,
            "police_report": loss.police_report,
            "photos": [p.pk for p in photos],
        },
    )
    return loss


@dataclass(frozen=True)
class LossReportRow:
    loss_type: str
    name: str
    degree: str
    count: int
    properties: int
    amount: Decimal


def loss_report(start: dt.date, end: dt.date) -> tuple[tuple[LossReportRow, ...], int, Decimal]:
    """Loss charges found in [start, end]: per type and degree the count, properties and fines; then
    the total count and amount (equal to the fines posted in the period)."""
    rows = (
        LossCharge.objects.filter(found_on__gte=start, found_on__lte=end)
        .values("loss_type__code", "loss_type__name", "degree")
        .annotate(n=Count("id"), props=Count("property", distinct=True), total=Sum("fine"))
        .order_by("loss_type__code", "degree")
    )
    out = tuple(
        LossReportRow(
            r["loss_type__code"],
            r["loss_type__name"],
            DEGREE_LABELS[Degree(r["degree"])],
            r["n"],
            r["props"],
            r["total"],
        )
        for r in rows
    )
    return out, sum(r.count for r in out), sum((r.amount for r in out), Decimal("0.00"))
