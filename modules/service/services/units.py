"""What closing a marked order does in the field, in the closing's own transaction: cuts and
reconnections by level (changing the connection's situation and history), meter installs, swaps and
removals (metering), the standalone charge of a commercial customer's executed order; the orders
other modules open (`open_cut_order`, `open_reconnection_order` for debt's enforcement, the
reconnection a paid cut property gets once) and an order split with its dependency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.collection.models import PaymentDocument
from modules.collection.services import document_create
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.clock import tenant_today, tenant_zone
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.debt.domain.cutoff import reconnection_fee_due
from modules.debt.notices import notice_before_cut, reconnection_deadline_hours
from modules.metering.domain import meters as meter_rules
from modules.metering.models import Meter
from modules.metering.services import meter_install_within, meter_remove_within, meter_swap_within
from modules.registry.models import Property, ServiceConnection
from modules.registry.services.connections import connection_change_situation

from ..domain.cuts import (
    CUTS,
    EFFECT_LABELS,
    LEVEL_LABELS,
    RECONNECTIONS,
    CutLevel,
    Effect,
    connection_kind,
    deeper_cut_check,
    reconnection_level_check,
    situation_after_cut,
)
from ..domain.orders import FINAL, OrderStatus
from ..errors import ErrorCode
from ..lookups import Lookups
from ..models import (
    CodeEffect,
    CutRecord,
    ExecutedService,
    MaterialUsage,
    OrderDependency,
    OrderEvent,
    PendingCharge,
    ServiceCode,
    ServiceOrder,
)
from .orders import Closing, order_open_within, register_close_hooks

# a commercial customer's standalone charge is due this many days after the closing
STANDALONE_DUE_DAYS = 10
PAYMENT_ACTOR = SystemActor("religação automática")


def effect_of(order: ServiceOrder) -> Effect | None:
    row = CodeEffect.objects.filter(code_id=order.code_id).values_list("effect", flat=True).first()
    return Effect(row) if row else None


@transaction.atomic(durable=True)
def code_effect_set(*, actor: Actor, code: str, effect: str) -> ServiceCode:
    """Mark a code with what its executed closing does ("" clears the mark)."""
    row: ServiceCode | None = ServiceCode.objects.filter(code=code.strip().upper()).first()
    if row is None:
        raise NotFound("Código de serviço não encontrado.", field="code", code=ErrorCode.CODE_NOT_FOUND)
    before = CodeEffect.objects.filter(code=row).values_list("effect", flat=True).first()
    if effect:
        if effect not in Effect.__members__.values():
            raise ValidationFailed("Efeito desconhecido.", field="effect", code=ErrorCode.INVALID)
        CodeEffect.objects.update_or_create(code=row, defaults={"effect": effect})
    else:
        CodeEffect.objects.filter(code=row).delete()
    audit_record(
        actor=actor,
        action="service.code_effect_set",
        target=row,
        before={"effect": EFFECT_LABELS[Effect(before)] if before else None},
        after={"effect": EFFECT_LABELS[Effect(effect)] if effect else None},
    )
    return row


# --- closing hooks -------------------------------------------------------------------------------


def closing_check(order: ServiceOrder, closing: Closing) -> None:
    """Raises Conflict when an order split with a dependency is closed as executed before the order it
    depends on was executed (3.2.13.11.5)."""
    if not closing.executed:
        return
    if order.pk in closing.lookups.memo("orders_without_dependency", set):  # the batch read it
        return
    waiting = (
        OrderDependency.objects.filter(order=order)
        .exclude(depends_on__status=OrderStatus.EXECUTED)
        .select_related("depends_on")
        .first()
    )
    if waiting is not None:
        raise Conflict(
            f"Esta ordem depende da OS {waiting.depends_on.label}, que ainda não foi executada.",
            field="status",
            code=ErrorCode.DEPENDENCY_NOT_EXECUTED,
        )


def read_dependencies(lookups: Lookups, order_ids: list[int]) -> None:
    """Which of a batch's orders depend on no other, in one query, for `closing_check`. The caller
    holds the orders' locks (a split takes the original's), so none gains a dependency meanwhile."""
    depending = set(OrderDependency.objects.filter(order_id__in=order_ids).values_list("order_id", flat=True))
    lookups.seed("orders_without_dependency", set(order_ids) - depending)


def closing_effect(order: ServiceOrder, closing: Closing) -> None:
    """Not durable: runs inside order_close's transaction, after its charges; raising rolls the whole
    closing back."""
    if not closing.executed:
        _not_executed_destination(order, closing)
        return
    effect = closing.lookups.memo(("effect", order.code_id), lambda: effect_of(order))
    on = closing.executed_at.astimezone(tenant_zone()).date()
    if effect in CUTS:
        _cut(order, CUTS[effect], on, closing.actor)
    elif effect in RECONNECTIONS:
        _reconnect(order, RECONNECTIONS[effect], on, closing.actor)
    elif effect in (Effect.METER_INSTALL, Effect.METER_SWAP, Effect.METER_REMOVE):
        _meter(order, effect, on, closing)
    if order.customer_id and order.property_id is None:
        _standalone_charge(order, closing.actor, on)


def _not_executed_destination(order: ServiceOrder, closing: Closing) -> None:
    """The destination of an order closed as not executed (3.2.13.11.6), from `field_data["next"]`:
    "reschedule" opens it again (same code and target) for a new programming, "split" opens another
    service (`next_code`) in its place; both linked to it. Nothing else ends it as it is."""
    destination = str(closing.field_data.get("next") or "")
    if not destination:
        return
    if destination not in ("reschedule", "split"):
        raise ValidationFailed(
            "Destino da não execução: reschedule (reprogramar) ou split (outro serviço).",
            field="field_data.next",
            code=ErrorCode.INVALID,
        )
    code = order.code.code if destination == "reschedule" else str(closing.field_data.get("next_code") or "")
    if not code:
        raise ValidationFailed(
            "Informe o código do serviço que substitui o não executado.",
            field="field_data.next_code",
            code=ErrorCode.INVALID,
        )
    word = "Reprogramação" if destination == "reschedule" else "Substituição"
    child = order_open_within(
        actor=closing.actor,
        code=code,
        property_id=order.property_id,
        description=f"{word} da OS {order.label}, não executada: {order.reason}",
        parent=order,
    )
    _event(order, closing.actor, destination, f"{word}: OS {child.label}")


def _connection(order: ServiceOrder, kind: str) -> ServiceConnection:
    if order.property_id is None:
        raise ValidationFailed(
            "Esta ordem não é de um imóvel: não há ligação para cortar, religar ou hidrometrar.",
            field="property",
            code=ErrorCode.CONNECTION_MISSING,
        )
    sc: ServiceConnection | None = ServiceConnection.objects.filter(
        property_id=order.property_id, kind=kind
    ).first()
    if sc is None:
        label = "esgoto" if kind == "sewer" else "água"
        raise ValidationFailed(
            f"O imóvel não tem ligação de {label}.", field="connection", code=ErrorCode.CONNECTION_MISSING
        )
    return sc


def _open_cut(sc: ServiceConnection) -> CutRecord | None:
    row: CutRecord | None = (
        CutRecord.objects.select_for_update().filter(connection=sc, reconnected_on__isnull=True).first()
    )
    return row


def _event(order: ServiceOrder, actor: Actor, action: str, note: str) -> None:
    OrderEvent.objects.create(
        order=order,
        at=timezone.now(),
        actor=actor.get_username(),
        action=action,
        from_status=order.status,
        to_status=order.status,
        note=note[:500],
    )


def _cut(order: ServiceOrder, level: CutLevel, on: dt.date, actor: Actor) -> None:
    """A cut at `level` (3.2.11.28, .30): the connection's situation changes with its history and a
    cut record keeps the level; a deeper cut of a connection already cut replaces the level."""
    sc = _connection(order, connection_kind(level))
    reason = f"{LEVEL_LABELS[level]} (OS {order.label})"
    current = _open_cut(sc)
    if current is not None:
        deeper_cut_check(CutLevel(current.level), level)
        if situation_after_cut(level) != sc.situation:
            connection_change_situation(
                actor=actor, connection_obj=sc, situation=situation_after_cut(level), on=on, reason=reason
            )
        before = current.level
        current.level, current.cut_order, current.cut_on = level, order, on
        current.save(update_fields=["level", "cut_order", "cut_on"])
        audit_record(
            actor=actor,
            action="service.cut_record",
            target=order,
            before={"level": LEVEL_LABELS[CutLevel(before)]},
            after={"level": LEVEL_LABELS[level], "on": on},
        )
        return
    connection_change_situation(
        actor=actor, connection_obj=sc, situation=situation_after_cut(level), on=on, reason=reason
    )
    assert order.property_id is not None
    CutRecord.objects.create(
        property_id=order.property_id, connection=sc, level=level, cut_order=order, cut_on=on
    )
    _event(order, actor, "cut", reason)
    audit_record(
        actor=actor, action="service.cut_record", target=order, after={"level": LEVEL_LABELS[level], "on": on}
    )


def _reconnect(order: ServiceOrder, level: CutLevel, on: dt.date, actor: Actor) -> None:
    """A reconnection at `level` (3.2.11.29, .31) closes the open cut of the same level and restores
    the connection; another level is refused (a branch cut is not undone at the meter stand). The cut
    phase becomes "religada" (S10.8-04)."""
    sc = _connection(order, connection_kind(level))
    current = _open_cut(sc)
    reconnection_level_check(CutLevel(current.level) if current else None, level)
    assert current is not None
    connection_change_situation(
        actor=actor,
        connection_obj=sc,
        situation="connected",
        on=on,
        reason=f"Religação: {LEVEL_LABELS[level].lower()} desfeito (OS {order.label})",
    )
    _fee_without_notice_waived(order, current, actor)
    current.reconnected_on, current.reconnection_order = on, order
    current.phase = CutRecord.Phase.RECONNECTED
    current.save(update_fields=["reconnected_on", "reconnection_order", "phase"])
    _event(order, actor, "reconnect", f"Religada: {LEVEL_LABELS[level]}")
    audit_record(
        actor=actor,
        action="service.reconnection_record",
        target=order,
        after={"level": LEVEL_LABELS[level], "on": on},
    )


def _fee_without_notice_waived(order: ServiceOrder, cut: CutRecord, actor: Actor) -> None:
    """Runs inside the closing's transaction. Lei 14.015/2020: without the prior cut notice no
    reconnection fee may be charged. The cut being reconnected had its notice when debt's latest
    notice that led to a cut order was delivered on or before the cut day and no reconnection came
    between that order and now (else it was an earlier cut's); otherwise the order's service charges
    (the reconnection fee: materials stay) are cancelled before any bill carries them, and the order
    says why."""
    notice = notice_before_cut(cut.property_id, cut.cut_on)
    given = notice is not None and not (
        CutRecord.objects.filter(property_id=cut.property_id, reconnected_on__gte=notice[1])
        .exclude(pk=cut.pk)
        .exists()
    )
    if reconnection_fee_due(notice_delivered=given):
        return
    charges = PendingCharge.objects.filter(
        order=order, kind=PendingCharge.Kind.SERVICE, cancelled_at__isnull=True
    )
    total = sum((c.amount for c in charges), Decimal("0"))
    if not total:
        return
    charges.update(cancelled_at=timezone.now())
    _event(
        order,
        actor,
        "fee_waived",
        f"Taxa de religação de R$ {format_brl(total)} não cobrada: o corte não teve aviso prévio "
        "(Lei 14.015/2020)",
    )
    audit_record(
        actor=actor,
        action="service.reconnection_fee_waived",
        target=order,
        after={"amount": total},
        reason="corte sem aviso prévio",
    )


def _int_field(data: dict[str, Any], key: str, label: str) -> int:
    value = data.get(key)
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"Informe {label}.", field=f"field_data.{key}", code=ErrorCode.METER_DATA_REQUIRED
        ) from None
    return number


def _new_meter(data: dict[str, Any]) -> Meter:
    number = str(data.get("meter_number") or "").strip().upper()
    if not number:
        raise ValidationFailed(
            "Informe o número do hidrômetro instalado.",
            field="field_data.meter_number",
            code=ErrorCode.METER_DATA_REQUIRED,
        )
    meter: Meter | None = Meter.objects.filter(number=number).first()
    if meter is None:
        raise NotFound(
            f"Hidrômetro {number} não encontrado.",
            field="field_data.meter_number",
            code=ErrorCode.METER_DATA_REQUIRED,
        )
    return meter


def _meter(order: ServiceOrder, effect: Effect, on: dt.date, closing: Closing) -> None:
    """The meter installed, swapped or removed by the order (metering's rules decide), with the
    readings the field reported."""
    sc = _connection(order, "water")
    data, actor = closing.field_data, closing.actor
    reason = f"OS {order.label}"
    destination = str(data.get("destination") or meter_rules.STOCK)
    if effect == Effect.METER_INSTALL:
        meter = _new_meter(data)
        meter_install_within(
            actor=actor,
            meter=meter,
            connection_obj=sc,
            installed_on=on,
            initial_reading=_int_field(data, "initial_reading", "a leitura inicial do hidrômetro"),
            seal=str(data.get("seal") or ""),
        )
        note = f"Hidrômetro {meter.number} instalado"
    elif effect == Effect.METER_SWAP:
        meter = _new_meter(data)
        meter_swap_within(
            actor=actor,
            connection_obj=sc,
            new_meter=meter,
            on=on,
            final_reading=_int_field(data, "final_reading", "a leitura final do hidrômetro retirado"),
            initial_reading=_int_field(data, "initial_reading", "a leitura inicial do hidrômetro novo"),
            destination=destination,
            reason=reason,
            seal=str(data.get("seal") or ""),
        )
        note = f"Hidrômetro trocado: novo {meter.number}"
    else:
        meter_remove_within(
            actor=actor,
            connection_obj=sc,
            removed_on=on,
            final_reading=_int_field(data, "final_reading", "a leitura final do hidrômetro retirado"),
            destination=destination,
            reason=reason,
        )
        note = "Hidrômetro retirado"
    _event(order, actor, "meter", note)


def _standalone_charge(order: ServiceOrder, actor: Actor, on: dt.date) -> None:
    """A commercial customer has no bill to carry the order's charges: the executed services and
    materials become one standalone payable document (documento de cobrança, 3.2.13.12.10)."""
    services = ExecutedService.objects.filter(order=order).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    materials = MaterialUsage.objects.filter(order=order).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    total = services + materials
    if total <= 0:
        return
    document_create(
        actor=actor,
        property_id=None,
        customer_id=order.customer_id,
        kind=PaymentDocument.Kind.SERVICE_CHARGE,
        lines=[],
        amount=total,
        as_of=on,
        valid_until=max(on, tenant_today()) + dt.timedelta(days=STANDALONE_DUE_DAYS),
        source="service.order",
        source_id=str(order.pk),
    )


register_close_hooks(check=closing_check, effect=closing_effect)


# --- orders other modules open -------------------------------------------------------------------


def _code_for(effect: Effect) -> ServiceCode:
    row: ServiceCode | None = (
        ServiceCode.objects.filter(effect__effect=effect, is_active=True).order_by("code").first()
    )
    if row is None:
        raise ValidationFailed(
            f"Nenhum código de serviço ativo está marcado como “{EFFECT_LABELS[effect]}”.",
            field="code",
            code=ErrorCode.NO_CODE_FOR_EFFECT,
        )
    return row


def _open_orders(property_id: int, effects: list[Effect]) -> ServiceOrder | None:
    row: ServiceOrder | None = (
        ServiceOrder.objects.filter(property_id=property_id, code__effect__effect__in=effects)
        .exclude(status__in=list(FINAL))
        .order_by("id")
        .first()
    )
    return row


@transaction.atomic(durable=True)
def open_cut_order(*, actor: Actor, property_id: int, level: str, reason: str = "") -> ServiceOrder:
    """A cut order at `level` for the property; a second call while one of the same level is open
    answers that order instead of opening another."""
    return cut_order_open_within(actor=actor, property_id=property_id, level=level, reason=reason)


def cut_order_open_within(*, actor: Actor, property_id: int, level: str, reason: str = "") -> ServiceOrder:
    """Not durable: `open_cut_order` inside the caller's transaction (debt's daily cut-order
    generation opens its orders in its own)."""
    try:
        cut_level = CutLevel(level)
    except ValueError:
        raise ValidationFailed(
            "Nível de corte desconhecido.", field="level", code=ErrorCode.INVALID
        ) from None
    effect = next(e for e, lv in CUTS.items() if lv == cut_level)
    existing = _open_orders(property_id, [effect])
    if existing is not None:
        return existing
    code = _code_for(effect)
    return order_open_within(
        actor=actor, code=code.code, property_id=property_id, description=reason or LEVEL_LABELS[cut_level]
    )


COLLECTION_RECORD_CODE = "COBADM"


def collection_record_order_within(*, actor: Actor, property_id: int, description: str) -> ServiceOrder:
    """Not durable: the automatic service order debt opens when a cut notice's day changes, a notice
    is cancelled or a unit is blocked (3.2.9.9, .10, .15): the order's opening keeps the user and the
    date, its description the change and the parecer; the back office closes it. Its code (not
    billable) is made on first use, so a fresh utility has it when it first needs it."""
    if not ServiceCode.objects.filter(code=COLLECTION_RECORD_CODE).exists():
        row = ServiceCode.objects.create(
            code=COLLECTION_RECORD_CODE,
            description="Registro de cobrança (aviso de corte ou bloqueio)",
            billing_type="not_billable",
            deadline_value=5,
            deadline_unit="business_days",
        )
        audit_record(actor=actor, action="service.code_create", target=row, after={"code": row.code})
    return order_open_within(
        actor=actor, code=COLLECTION_RECORD_CODE, property_id=property_id, description=description[:500]
    )


def cut_escalation_candidates(cut_on_or_before: dt.date) -> list[int]:
    """3.2.9.14, for debt's ladder: the properties whose water is cut at the meter stand since
    `cut_on_or_before` or earlier, with no reconnection ordered and no branch cut order open yet."""
    branch_open = ServiceOrder.objects.filter(code__effect__effect=Effect.CUT_BRANCH).exclude(
        status__in=list(FINAL)
    )
    return sorted(
        CutRecord.objects.filter(
            level=CutLevel.METER_STAND,
            phase=CutRecord.Phase.CUT,
            reconnected_on__isnull=True,
            cut_on__lte=cut_on_or_before,
        )
        .exclude(property_id__in=branch_open.values("property_id"))
        .values_list("property_id", flat=True)
        .distinct()
    )


def reconnection_order_open_within(*, actor: Actor, property_id: int, kind: str = "water") -> ServiceOrder:
    """Not durable: the reconnection order of the property's open cut (of `kind`), at the cut's level;
    an open reconnection order already issued is answered again, never a second (S10.8-02). Raises
    Conflict when there is no open cut to reconnect (the wrong phase, S10.8-01)."""
    if not Property.objects.filter(pk=property_id).exists():
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    sc = ServiceConnection.objects.filter(property_id=property_id, kind=kind).first()
    current = _open_cut(sc) if sc is not None else None
    if current is None:
        raise Conflict(
            "O imóvel não tem corte em aberto: não há religação a emitir.",
            field="cut",
            code=ErrorCode.NO_OPEN_CUT,
        )
    level = CutLevel(current.level)
    reconnection_level_check(level, level)  # a suppression is not reconnected
    issued: ServiceOrder | None = current.reconnection_order
    if issued is not None and issued.status not in FINAL:
        return issued
    effect = next(e for e, lv in RECONNECTIONS.items() if lv == level)
    order = order_open_within(
        actor=actor,
        code=_code_for(effect).code,
        property_id=property_id,
        description=f"Religação: {LEVEL_LABELS[level].lower()} (OS {current.cut_order.label})",
    )
    current.reconnection_order, current.phase = order, CutRecord.Phase.RECONNECTION_ORDERED
    current.save(update_fields=["reconnection_order", "phase"])
    # the cut-off policy's deadline (hours) when it is shorter than the code's own
    within = order.opened_at + dt.timedelta(hours=reconnection_deadline_hours(tenant_today()))
    if within < order.due_at:
        order.due_at = within
        order.save(update_fields=["due_at"])
    return order


@transaction.atomic(durable=True)
def open_reconnection_order(*, actor: Actor, property_id: int, kind: str = "water") -> ServiceOrder:
    """One action (S10.8-01): the reconnection order of the property's open cut, at its level."""
    return reconnection_order_open_within(actor=actor, property_id=property_id, kind=kind)


def reconnection_on_payment(bill_ids: list[int], actor: Any) -> None:
    """Not durable: collection's bills-paid hook, in the paying transaction. A property with an open
    water cut whose overdue bills are all paid gets its reconnection order, once: one already issued
    by hand at the counter is not issued again at the bank's settlement (S10.8-02)."""
    today = tenant_today()
    properties = set(Bill.objects.filter(id__in=bill_ids).values_list("property_id", flat=True))
    cut = set(
        CutRecord.objects.filter(
            property_id__in=properties,
            reconnected_on__isnull=True,
            level__in=[CutLevel.METER_STAND, CutLevel.BRANCH],
        ).values_list("property_id", flat=True)
    )
    still_owing = set(
        Bill.objects.filter(property_id__in=cut, status=BillStatus.RELEASED, due_date__lt=today).values_list(
            "property_id", flat=True
        )
    )
    for property_id in sorted(cut - still_owing):
        if not ServiceCode.objects.filter(effect__effect__in=list(RECONNECTIONS), is_active=True).exists():
            return  # the utility has not marked its reconnection codes: nothing to open
        reconnection_order_open_within(actor=actor or PAYMENT_ACTOR, property_id=property_id)


# --- split with dependency -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def order_split(*, actor: Actor, order_id: int, code: str, reason: str) -> ServiceOrder:
    """Desdobramento com dependência (3.2.13.11.5): a new order of `code` for the same target, linked
    to the original, which may be closed as executed only after the new one is executed."""
    if not reason.strip():
        raise ValidationFailed("Informe o motivo.", field="reason", code=ErrorCode.REASON_REQUIRED)
    original = ServiceOrder.objects.select_for_update().filter(pk=order_id).first()
    if original is None:
        raise NotFound("Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND)
    if original.status in FINAL:
        raise Conflict(
            "Uma ordem encerrada ou cancelada não pode ser desdobrada.",
            field="status",
            code=ErrorCode.TRANSITION_NOT_ALLOWED,
        )
    child = order_open_within(
        actor=actor,
        code=code,
        property_id=original.property_id,
        description=f"Desdobramento da OS {original.label}: {reason.strip()}",
        parent=original,
    )
    OrderDependency.objects.create(order=original, depends_on=child)
    _event(original, actor, "split", f"Desdobrada na OS {child.label}, da qual depende ({reason.strip()})")
    audit_record(
        actor=actor,
        action="service.order_split",
        target=original,
        after={"depends_on": child.label},
        reason=reason,
    )
    return child
