"""Writes of service orders: open, release, schedule and unschedule, start, pause and resume,
postpone, close (executed or not) and cancel. Each move goes through the transition table
(domain/orders.py), leaves a history row on the order and an audit row, in one durable transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.access.domain.scopes import Place, in_scope
from modules.access.scoping import ScopePaths
from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_zone
from modules.common.domain.money import Rounding, format_brl, round_money
from modules.common.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from modules.common.staging import stage
from modules.registry.models import Customer, Property, Street

from ..domain.closing import check_values
from ..domain.orders import Action, OrderStatus, next_status, postponement_check
from ..errors import ErrorCode
from ..lookups import Lookups
from ..models import (
    BillingType,
    ExecutedService,
    MaterialUsage,
    OrderEvent,
    OrderOpinion,
    OrderSequence,
    PendingCharge,
    ServiceCode,
    ServiceOrder,
    Team,
    Vehicle,
)
from ..models_orders import OrderClosingData, QualityInspection
from ..selectors import code_deadline, code_get, crew_on, order_due_at, team_get
from .opening import after_open

# a field clock a few minutes ahead of the server is not a closing "in the future"
CLOCK_TOLERANCE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ServiceLine:
    """One executed service reported at closing; `amount` only for a code billed by variable value."""

    code: str
    quantity: Decimal = Decimal("1")
    amount: Decimal | None = None


@dataclass(frozen=True)
class MaterialLine:
    code: str
    quantity: Decimal


@dataclass(frozen=True)
class Closing:
    """What a closing reported, as the hooks of other service files read it (units: the cut or
    reconnection of a marked code, the meter installed or swapped with its readings)."""

    executed: bool
    executed_at: dt.datetime
    actor: Actor
    field_data: dict[str, Any] = field(default_factory=dict)
    # the batch's memoized reads (the field sync's day); a fresh one for a single closing
    lookups: Lookups = field(default_factory=Lookups)


# Checks run before a closing moves the order (they raise to refuse it) and effects run after its
# charges are written, both inside the closing's transaction: registered by services/units.py.
CloseHook = Callable[[ServiceOrder, Closing], None]
_CLOSE_CHECKS: list[CloseHook] = []
_CLOSE_EFFECTS: list[CloseHook] = []


def register_close_hooks(*, check: CloseHook | None = None, effect: CloseHook | None = None) -> None:
    if check is not None and check not in _CLOSE_CHECKS:
        _CLOSE_CHECKS.append(check)
    if effect is not None and effect not in _CLOSE_EFFECTS:
        _CLOSE_EFFECTS.append(effect)


def _snap(order: ServiceOrder) -> dict[str, Any]:
    """The order as people read it in the audit trail: natural keys, not row ids."""
    row = snapshot(
        order,
        [
            "status",
            "due_at",
            "postponements",
            "scheduled_for",
            "executed_at",
            "closed_at",
            "closed_by",
            "reason",
            "notes",
        ],
    )
    return row | {
        "number": order.label,
        "code": order.code.code,
        "property": order.property.account_number if order.property else None,
        "street": str(order.street) if order.street_id else None,
        "customer": order.customer.name if order.customer_id else None,
        "team": order.team.name if order.team else None,
    }


def _locked(order_id: int, lookups: Lookups | None = None) -> ServiceOrder:
    """The order locked and read afresh, with what its audit snapshot and rules read. A batch that
    already read the order's code and property (`Lookups.order_related`) reads the order's row alone
    (the five joins were most of a field closing's ORM work)."""
    related = lookups.order_related(order_id) if lookups is not None else None
    if lookups is not None and related is not None:
        code, property_id, prop = related
        lean: ServiceOrder | None = (
            ServiceOrder.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
        )
        if lean is not None and lean.code_id == code.pk and lean.property_id == property_id:
            lean.code = code
            if prop is not None:
                lean.property = prop
            if lean.team_id is not None:
                lean.team = lookups.team(lean.team_id)
            return lean
    row: ServiceOrder | None = (
        ServiceOrder.objects.select_for_update(of=("self",))
        .select_related("code", "property", "team", "street", "customer")
        .filter(pk=order_id)
        .first()
    )
    if row is None:
        raise NotFound("Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND)
    return row


def _move(
    order: ServiceOrder, action: Action, *, actor: Actor, at: dt.datetime, note: str = ""
) -> OrderStatus:
    """Not durable: apply `action` to the locked order (the table decides), record its history row;
    the caller saves the order and writes the audit row."""
    source = OrderStatus(order.status)
    target = next_status(source, action)
    order.status = target
    stage(  # a batch of moves (the field sync) inserts its history rows at its end
        OrderEvent(
            order=order,
            at=at,
            actor=actor.get_username(),
            action=action,
            from_status=source,
            to_status=target,
            note=note[:500],
        )
    )
    return target


def _next_number(year: int) -> int:
    OrderSequence.objects.get_or_create(year=year)
    seq = OrderSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    number: int = seq.last
    return number


@transaction.atomic(durable=True)
def order_open(
    *,
    actor: Actor,
    code: str,
    property_id: int | None = None,
    opened_at: dt.datetime | None = None,
    description: str = "",
    breakdown: list[str] | None = None,
    street_id: int | None = None,
    customer_id: int | None = None,
) -> ServiceOrder:
    """Open an order of `code` for a property, a street or a commercial customer (one of them):
    numbered in the year, due by the code's deadline on the utility's calendar, in the code's sector;
    suspended when the code needs approval. Each code of `breakdown` (desdobramento, 3.2.11.11) opens
    a child order linked to it."""
    order = order_open_one(
        actor=actor,
        code=code,
        property_id=property_id,
        opened_at=opened_at,
        description=description,
        street_id=street_id,
        customer_id=customer_id,
    )
    for index, child_code in enumerate(breakdown or []):
        try:
            order_open_one(
                actor=actor,
                code=child_code,
                property_id=property_id,
                street_id=street_id,
                customer_id=customer_id,
                opened_at=order.opened_at,
                description=f"Desdobramento da OS {order.label}",
                parent=order,
                link="breakdown",
            )
        except DomainError as exc:
            exc.field = f"breakdown[{index}]"
            raise
    return order


@transaction.atomic(durable=True)
def order_rework(*, actor: Actor, order_id: int, reason: str) -> ServiceOrder:
    """An executed order judged unsatisfactory is regenerated as a rework order (retrabalho,
    3.2.11.13) linked to it, with the same code and target; the original stays executed."""
    _require_reason(reason)
    original = _locked(order_id)
    return rework_open(original, actor=actor, reason=reason)


def rework_open(original: ServiceOrder, *, actor: Actor, reason: str) -> ServiceOrder:
    """Not durable: the rework order of the locked, executed `original`, inside the caller's
    transaction (order_rework, an unsatisfactory quality inspection). The team that did the original
    is named on the rework, so the stats and the new scheduling see who it was."""
    if original.status != OrderStatus.EXECUTED:
        raise Conflict(
            "Só uma ordem executada pode gerar retrabalho.",
            field="status",
            code=ErrorCode.REWORK_NEEDS_EXECUTED,
        )
    team = f"; equipe original: {original.team.name}" if original.team else ""
    rework = order_open_one(
        actor=actor,
        code=original.code.code,
        property_id=original.property_id,
        street_id=original.street_id,
        customer_id=original.customer_id,
        opened_at=None,
        description=f"Retrabalho da OS {original.label}: {reason.strip()}",
        parent=original,
        link="rework",
    )
    OrderEvent.objects.create(
        order=original,
        at=rework.opened_at,
        actor=actor.get_username(),
        action="rework",
        from_status=original.status,
        to_status=original.status,
        note=f"Retrabalho aberto: OS {rework.label} ({reason.strip()}){team}"[:500],
    )
    OrderEvent.objects.create(
        order=rework,
        at=rework.opened_at,
        actor=actor.get_username(),
        action="rework",
        from_status=rework.status,
        to_status=rework.status,
        note=f"Retrabalho da OS {original.label}{team}"[:500],
    )
    audit_record(
        actor=actor,
        action="service.order_rework",
        target=original,
        after={"rework": rework.label, "team": original.team.name if original.team else None},
        reason=reason,
    )
    return rework


@transaction.atomic(durable=True)
def order_inspect(*, actor: Actor, order_id: int, result: str, note: str = "") -> QualityInspection:
    """Vistoria de qualidade of an executed order (3.2.11.13): an unsatisfactory result regenerates
    the rework order automatically, in the same transaction."""
    order = _locked(order_id)
    return inspection_record(order, actor=actor, result=result, note=note)


def inspection_record(order: ServiceOrder, *, actor: Actor, result: str, note: str) -> QualityInspection:
    """Not durable: the inspection of the locked `order`, inside the caller's transaction
    (order_inspect, or a closing that reports its quality check)."""
    if result not in QualityInspection.Result.values:
        raise ValidationFailed(
            "Informe o resultado da vistoria: satisfatória ou insatisfatória.",
            field="quality",
            code=ErrorCode.INVALID,
        )
    if order.status != OrderStatus.EXECUTED:
        raise Conflict(
            "Só uma ordem executada passa por vistoria de qualidade.",
            field="status",
            code=ErrorCode.REWORK_NEEDS_EXECUTED,
        )
    unsatisfactory = result == QualityInspection.Result.UNSATISFACTORY
    if unsatisfactory and not note.strip():
        raise ValidationFailed(
            "Descreva o que ficou insatisfatório.", field="quality_note", code=ErrorCode.REASON_REQUIRED
        )
    inspection: QualityInspection = QualityInspection.objects.create(
        order=order,
        result=result,
        note=note.strip()[:300],
        team=order.team,
        at=timezone.now(),
        by=actor.get_username(),
    )
    if unsatisfactory:
        inspection.rework = rework_open(
            order, actor=actor, reason=f"vistoria insatisfatória — {note.strip()}"
        )
        inspection.save(update_fields=["rework"])
    audit_record(
        actor=actor,
        action="service.order_inspect",
        target=order,
        after={
            "quality": QualityInspection.Result(result).label,
            "rework": inspection.rework.label if inspection.rework else None,
        },
        reason=note,
    )
    return inspection


def order_place(sector: Any, prop: Property | None) -> Place:
    """Where an order sits for scoped grants (S3.4-02): its department (the service sector it lands
    in) and its property's locality and sector."""
    return Place(
        department=sector.name if sector is not None else None,
        locality=prop.locality if prop is not None else None,
        sector=prop.sector if prop is not None else None,
    )


ORDER_SCOPE_PATHS = ScopePaths(
    department="sector__name", locality="property__locality", sector="property__sector"
)


def order_scope_require(actor: Actor, action: str, place: Place) -> None:
    """A person's grant of service orders limited to departments, localities or sectors covers this
    place (a system actor has no scope). Only the scope: whether the person may act at all is the
    caller's check — another module opens its own orders under its own function (debt's COBADM order
    of a rescheduled notice, ADR 0219) for staff who hold no grant of orders. Raises PermissionDenied."""
    scopes_for = getattr(actor, "scopes_for", None)
    if scopes_for is not None and not in_scope(scopes_for("service.orders"), place):
        raise PermissionDenied(
            "Sua permissão de ordens de serviço não abrange este departamento, localidade ou setor.",
            field="code",
            code=ErrorCode.OUTSIDE_SCOPE,
        )


def order_open_one(
    *,
    actor: Actor,
    code: str,
    property_id: int | None,
    opened_at: dt.datetime | None,
    description: str,
    parent: ServiceOrder | None = None,
    link: str = "",
    street_id: int | None = None,
    customer_id: int | None = None,
    hold: bool = False,
) -> ServiceOrder:
    """Not durable: one order opened, inside the caller's transaction (order_open, order_rework, the
    batch opening), with what the opening leaves besides it (term, e-mail, inventory: opening.py).
    `hold` suspends it for approval whatever the code says (a request from the agency, ADR 0223)."""
    service_code = code_get(code)
    if not service_code.is_active:
        raise ValidationFailed(
            f"O código de serviço {service_code.code} está inativo.",
            field="code",
            code=ErrorCode.CODE_INACTIVE,
        )
    prop, street, customer = _target(property_id, street_id, customer_id)
    order_scope_require(actor, "add", order_place(service_code.sector, prop))
    now = timezone.now()
    opened = opened_at or now
    if opened.tzinfo is None:
        raise ValidationFailed(
            "Informe a abertura com fuso horário.", field="opened_at", code=ErrorCode.INVALID
        )
    if opened > now + CLOCK_TOLERANCE:
        raise ValidationFailed(
            "A abertura não pode ser no futuro.", field="opened_at", code=ErrorCode.INVALID
        )
    year = opened.astimezone(tenant_zone()).year
    order = ServiceOrder(
        year=year,
        number=_next_number(year),
        code=service_code,
        property=prop,
        street=street,
        customer=customer,
        sector=service_code.sector,
        status=OrderStatus.OPEN,
        priority=service_code.priority,
        opened_at=opened,
        opened_by=actor.get_username(),
        due_at=order_due_at(opened, code_deadline(service_code)),
        description=description.strip(),
        parent=parent,
        link=link,
    )
    order.save()
    action = Action.SUSPEND if service_code.needs_approval or hold else Action.ACCEPT
    note = f"Aberta: {service_code}" + (" (pedido da agência: aguarda validação)" if hold else "")
    _move(order, action, actor=actor, at=opened, note=note)
    order.save(update_fields=["status"])
    audit_record(actor=actor, action="service.order_open", target=order, after=_snap(order))
    after_open(order)
    return order


def _target(
    property_id: int | None, street_id: int | None, customer_id: int | None
) -> tuple[Property | None, Street | None, Customer | None]:
    """The order's one target (3.2.13.11–13): a property, a street or a customer; raises otherwise."""
    if sum(x is not None for x in (property_id, street_id, customer_id)) != 1:
        raise ValidationFailed(
            "Informe o imóvel, o logradouro ou o cliente da ordem de serviço (um deles).",
            field="property",
            code=ErrorCode.TARGET_REQUIRED,
        )
    if property_id is not None:
        prop = Property.objects.filter(pk=property_id).first()
        if prop is None:
            raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
        return prop, None, None
    if street_id is not None:
        street = Street.objects.filter(pk=street_id).first()
        if street is None:
            raise NotFound("Logradouro não encontrado.", field="street", code=ErrorCode.STREET_NOT_FOUND)
        return None, street, None
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("Cliente não encontrado.", field="customer", code=ErrorCode.CUSTOMER_NOT_FOUND)
    return None, None, customer


def order_open_within(
    *,
    actor: Actor,
    code: str,
    property_id: int | None = None,
    description: str = "",
    parent: ServiceOrder | None = None,
) -> ServiceOrder:
    """Not durable: an order opened inside the caller's transaction (a payment that brings a cut
    property's reconnection order, a split of an order with its dependency)."""
    return order_open_one(
        actor=actor,
        code=code,
        property_id=property_id,
        street_id=parent.street_id if parent is not None and property_id is None else None,
        customer_id=parent.customer_id if parent is not None and property_id is None else None,
        opened_at=None,
        description=description,
        parent=parent,
        link="breakdown" if parent is not None else "",
    )


def _simple(
    order_id: int,
    action: Action,
    *,
    actor: Actor,
    note: str = "",
    audit_action: str,
    lookups: Lookups | None = None,
) -> ServiceOrder:
    """Not durable: a move that changes only the state (release, start, pause, resume)."""
    order = _locked(order_id, lookups)
    before = _snap(order)
    _move(order, action, actor=actor, at=timezone.now(), note=note)
    order.save(update_fields=["status"])
    audit_record(
        actor=actor, action=audit_action, target=order, before=before, after=_snap(order), reason=note
    )
    return order


def order_step_in(
    *, actor: Actor, order_id: int, action: Action, note: str = "", lookups: Lookups | None = None
) -> ServiceOrder:
    """Start, pause (a reason required) or resume the order. Not durable: must run inside the
    caller's transaction (the field sync records its device event in the same one)."""
    if action == Action.PAUSE:
        _require_reason(note)
    audit_action = {
        Action.START: "service.order_start",
        Action.PAUSE: "service.order_pause",
        Action.RESUME: "service.order_resume",
    }[action]
    return _simple(order_id, action, actor=actor, note=note, audit_action=audit_action, lookups=lookups)


def order_open_in(*, actor: Actor, code: str, property_id: int | None, description: str = "") -> ServiceOrder:
    """Open one order (no breakdown). Not durable: must run inside the caller's transaction (the
    field sync opens the follow-up of a job not executed with the device event that asked for it)."""
    return order_open_one(
        actor=actor, code=code, property_id=property_id, opened_at=None, description=description
    )


@transaction.atomic(durable=True)
def order_release(*, actor: Actor, order_id: int, note: str = "") -> ServiceOrder:
    """Approve an order that opened suspended (3.2.11.12): it becomes pending."""
    return _simple(order_id, Action.RELEASE, actor=actor, note=note, audit_action="service.order_release")


@transaction.atomic(durable=True)
def order_start(*, actor: Actor, order_id: int) -> ServiceOrder:
    return _simple(order_id, Action.START, actor=actor, audit_action="service.order_start")


@transaction.atomic(durable=True)
def order_pause(*, actor: Actor, order_id: int, reason: str) -> ServiceOrder:
    _require_reason(reason)
    return _simple(order_id, Action.PAUSE, actor=actor, note=reason, audit_action="service.order_pause")


@transaction.atomic(durable=True)
def order_resume(*, actor: Actor, order_id: int) -> ServiceOrder:
    return _simple(order_id, Action.RESUME, actor=actor, audit_action="service.order_resume")


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationFailed("Informe o motivo.", field="reason", code=ErrorCode.REASON_REQUIRED)


def _refuse_team(team: Team, order: ServiceOrder, field: str = "team") -> None:
    """Raises when the team may not take the order: inactive, or a large consumer's cut to a team
    that is not special (3.2.11.20)."""
    if not team.is_active:
        raise ValidationFailed(
            f"A equipe {team.name} está inativa.", field=field, code=ErrorCode.TEAM_INACTIVE
        )
    code: ServiceCode = order.code
    if (
        code.is_cut
        and order.property
        and order.property.special == Property.Special.LARGE_CONSUMER
        and not team.special
    ):
        raise ValidationFailed(
            "O corte de um grande consumidor só pode ser programado para uma equipe especial; "
            f"a equipe {team.name} não é.",
            field=field,
            code=ErrorCode.SPECIAL_TEAM_REQUIRED,
        )


@transaction.atomic(durable=True)
def order_schedule(
    *, actor: Actor, order_id: int, team_id: int, day: dt.date, vehicle_id: int | None = None
) -> ServiceOrder:
    """Programação (3.2.11.15): the order goes to a team on a day (again to move it)."""
    return order_schedule_in(actor=actor, order_id=order_id, team_id=team_id, day=day, vehicle_id=vehicle_id)


def order_schedule_in(
    *, actor: Actor, order_id: int, team_id: int, day: dt.date, vehicle_id: int | None = None
) -> ServiceOrder:
    """`order_schedule`'s rules. Runs inside the caller's transaction (a consumption review schedules
    its visit order with the case's agenda entry)."""
    order = _locked(order_id)
    team = team_get(team_id)
    _refuse_team(team, order)
    vehicle = None
    if vehicle_id is not None:
        vehicle = Vehicle.objects.filter(pk=vehicle_id, is_active=True).first()
        if vehicle is None:
            raise NotFound("Veículo não encontrado.", field="vehicle", code=ErrorCode.INVALID)
    before = _snap(order)
    note = f"Programada para {team.name} em {day:%d/%m/%Y}"
    crew = crew_on(team, day)
    if crew < order.code.crew_size:  # 3.2.11.1.14: a warning on the order, not a refusal
        note += (
            f" (atenção: a equipe tem {crew} integrante(s) nesse dia; o serviço prevê {order.code.crew_size})"
        )
    _move(order, Action.SCHEDULE, actor=actor, at=timezone.now(), note=note)
    order.team, order.scheduled_for, order.vehicle = team, day, vehicle
    order.save(update_fields=["status", "team", "scheduled_for", "vehicle"])
    audit_record(
        actor=actor, action="service.order_schedule", target=order, before=before, after=_snap(order)
    )
    return order


@transaction.atomic(durable=True)
def order_unschedule(*, actor: Actor, order_id: int, reason: str) -> ServiceOrder:
    """An order scheduled by mistake goes back to pending (3.2.11.16)."""
    _require_reason(reason)
    order = _locked(order_id)
    before = _snap(order)
    _move(order, Action.UNSCHEDULE, actor=actor, at=timezone.now(), note=reason)
    order.team, order.scheduled_for, order.vehicle = None, None, None
    order.save(update_fields=["status", "team", "scheduled_for", "vehicle"])
    audit_record(
        actor=actor,
        action="service.order_unschedule",
        target=order,
        before=before,
        after=_snap(order),
        reason=reason,
    )
    return order


@transaction.atomic(durable=True)
def order_postpone(*, actor: Actor, order_id: int, new_due_at: dt.datetime, reason: str) -> ServiceOrder:
    """Prorrogação (3.2.11.18): a later deadline, within the code's limit of postponements."""
    _require_reason(reason)
    order = _locked(order_id)
    postponement_check(order.postponements, order.code.max_postponements)
    if new_due_at.tzinfo is None or new_due_at <= order.due_at:
        raise ValidationFailed(
            "O novo prazo deve ser posterior ao atual "
            f"({order.due_at.astimezone(tenant_zone()):%d/%m/%Y %H:%M}).",
            field="due_at",
            code=ErrorCode.POSTPONEMENT_NOT_LATER,
        )
    before = _snap(order)
    local = new_due_at.astimezone(tenant_zone())
    _move(
        order,
        Action.POSTPONE,
        actor=actor,
        at=timezone.now(),
        note=f"Novo prazo {local:%d/%m/%Y %H:%M}: {reason}",
    )
    order.due_at = new_due_at
    order.postponements += 1
    order.save(update_fields=["status", "due_at", "postponements"])
    audit_record(
        actor=actor,
        action="service.order_postpone",
        target=order,
        before=before,
        after=_snap(order),
        reason=reason,
    )
    return order


@transaction.atomic(durable=True)
def order_cancel(*, actor: Actor, order_id: int, reason: str, opinion: str = "") -> ServiceOrder:
    """Cancel an order that is not final (3.2.11.17); the reason is required, the opinion (parecer,
    3.2.13.11.4) is kept with the order when given."""
    _require_reason(reason)
    order = _locked(order_id)
    before = _snap(order)
    now = timezone.now()
    _move(order, Action.CANCEL, actor=actor, at=now, note=reason)
    order.reason, order.closed_at, order.closed_by = reason.strip(), now, actor.get_username()
    order.save(update_fields=["status", "reason", "closed_at", "closed_by"])
    _opinion(order, "cancel", opinion, actor, now)
    audit_record(
        actor=actor,
        action="service.order_cancel",
        target=order,
        before=before,
        after=_snap(order),
        reason=reason,
    )
    return order


@transaction.atomic(durable=True)
def order_close(
    *,
    actor: Actor,
    order_id: int,
    executed: bool,
    executed_at: dt.datetime | None,
    team_id: int | None,
    services: list[ServiceLine] | None = None,
    materials: list[MaterialLine] | None = None,
    notes: str = "",
    reason: str = "",
    vehicle_id: int | None = None,
    quality: str = "",
    quality_note: str = "",
    fields: dict[str, str] | None = None,
    opinion: str = "",
    field_data: dict[str, Any] | None = None,
) -> ServiceOrder:
    """Close the order in its own transaction (the rules are `order_close_in`'s)."""
    return order_close_in(
        actor=actor,
        order_id=order_id,
        executed=executed,
        executed_at=executed_at,
        team_id=team_id,
        services=services,
        materials=materials,
        notes=notes,
        reason=reason,
        vehicle_id=vehicle_id,
        quality=quality,
        quality_note=quality_note,
        fields=fields,
        opinion=opinion,
        field_data=field_data,
    )


def order_close_in(
    *,
    actor: Actor,
    order_id: int,
    executed: bool,
    executed_at: dt.datetime | None,
    team_id: int | None,
    services: list[ServiceLine] | None = None,
    materials: list[MaterialLine] | None = None,
    notes: str = "",
    reason: str = "",
    vehicle_id: int | None = None,
    quality: str = "",
    quality_note: str = "",
    fields: dict[str, str] | None = None,
    opinion: str = "",
    field_data: dict[str, Any] | None = None,
    lookups: Lookups | None = None,
) -> ServiceOrder:
    """Close the order (3.2.11.14, .19, .22): the team and the time are required; executed, its
    services (the order's own code when none is given) and materials are recorded and the billable
    ones become pending charges for the property's next bill, priced on the execution date; not
    executed, a reason is required and nothing is charged. An executed closing may report its quality
    check (`quality`): unsatisfactory regenerates the rework at once (3.2.11.13). An executed closing
    reports the code's own closing fields (`fields`, 3.2.11.8), checked against its form. `field_data`
    carries what a marked code needs (the new meter and the readings of a swap); the registered hooks
    act on it in this transaction. `lookups` memoizes the reads of a batch of closings (the field
    sync's day). Not durable: must run inside the caller's transaction (`order_close`, or the field
    sync that records its device event in the same one)."""
    lookups = lookups or Lookups()
    order = _locked(order_id, lookups)
    team, when = _closing_team_and_time(order, team_id, executed_at, lookups)
    if not executed:
        _require_reason(reason)
    written: list[PendingCharge] = []
    closing = Closing(
        executed=executed,
        executed_at=when,
        actor=actor,
        field_data=dict(field_data or {}),
        lookups=lookups,
    )
    for check in _CLOSE_CHECKS:
        check(order, closing)
    earlier = lookups.charge_amounts(order)  # read before this closing writes its own
    before = _snap(order)
    now = timezone.now()
    _move(
        order, Action.EXECUTE if executed else Action.NOT_EXECUTE, actor=actor, at=now, note=reason or notes
    )
    if executed:
        reported = check_values(lookups.closing_fields(order.code_id), fields or {})
        if reported:
            OrderClosingData.objects.create(order=order, values=reported)
        written = _record_execution(
            order, services or [ServiceLine(order.code.code)], materials or [], when, now, lookups
        )
    vehicle = order.vehicle
    if vehicle_id:  # 3.2.11.14: the vehicle used, when it is not the scheduled one
        vehicle = Vehicle.objects.filter(pk=vehicle_id, is_active=True).first()
        if vehicle is None:
            raise NotFound("Veículo não encontrado.", field="vehicle", code=ErrorCode.INVALID)
    order.team, order.vehicle, order.executed_at = team, vehicle, when
    order.closed_at, order.closed_by = now, actor.get_username()
    order.notes, order.reason = notes.strip(), reason.strip()
    order.save()
    _opinion(order, "close", opinion, actor, now)
    for effect in _CLOSE_EFFECTS:
        effect(order, closing)
    from .connections import on_order_closed  # a new connection's workflow moves with its orders

    if lookups.may_have_connection(order.pk):
        on_order_closed(order, executed=executed, actor=actor)
    charges = ", ".join(f"R$ {format_brl(a)}" for a in [*earlier, *(c.amount for c in written)])
    audit_record(
        actor=actor,
        action="service.order_close",
        target=order,
        before=before,
        after=_snap(order) | {"charges": charges},
        reason=reason,
    )
    if executed and quality:
        inspection_record(order, actor=actor, result=quality, note=quality_note)
    return order


def _closing_team_and_time(
    order: ServiceOrder, team_id: int | None, executed_at: dt.datetime | None, lookups: Lookups
) -> tuple[Team, dt.datetime]:
    """Raises when the closing names no team or no time, or a time in the future or before opening."""
    if team_id is None:
        raise ValidationFailed(
            "Informe a equipe que executou a ordem de serviço.",
            field="team",
            code=ErrorCode.CLOSING_NEEDS_TEAM,
        )
    team = lookups.team(team_id)
    _refuse_team(team, order)
    if executed_at is None:
        raise ValidationFailed(
            "Informe a data e a hora da execução.", field="executed_at", code=ErrorCode.CLOSING_NEEDS_TIME
        )
    if executed_at.tzinfo is None:
        raise ValidationFailed(
            "Informe a execução com fuso horário.", field="executed_at", code=ErrorCode.INVALID
        )
    if executed_at > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationFailed(
            "A execução não pode estar no futuro.", field="executed_at", code=ErrorCode.CLOSING_IN_FUTURE
        )
    if executed_at < order.opened_at.replace(second=0, microsecond=0):  # a form types minutes only
        raise ValidationFailed(
            "A execução não pode ser anterior à abertura da ordem.",
            field="executed_at",
            code=ErrorCode.INVALID,
        )
    return team, executed_at


def _record_execution(
    order: ServiceOrder,
    services: list[ServiceLine],
    materials: list[MaterialLine],
    when: dt.datetime,
    now: dt.datetime,
    lookups: Lookups,
) -> list[PendingCharge]:
    """Not durable: the executed services and used materials of a closing, and their charges (a
    service line is rounded half-up to the cent; the bill sums the rounded lines), written in one
    insert per table once every line is checked. Returns the charges written, services first."""
    on = when.astimezone(tenant_zone()).date()
    executed: list[ExecutedService] = []
    used: list[MaterialUsage] = []
    charges: list[PendingCharge] = []
    for index, line in enumerate(services):
        field = f"services[{index}]"
        code = lookups.code(line.code) if line.code.strip().upper() != order.code.code else order.code
        quantity = _quantity(line.quantity, f"{field}.quantity")
        unit_price, amount = _service_amount(code, quantity, line.amount, on, field, lookups)
        executed.append(
            ExecutedService(order=order, code=code, quantity=quantity, unit_price=unit_price, amount=amount)
        )
        if amount is not None and amount > 0 and order.property_id:
            charges.append(
                PendingCharge(
                    property_id=order.property_id,
                    order=order,
                    kind=PendingCharge.Kind.SERVICE,
                    description=f"{code.description} (OS {order.label})"[:200],
                    amount=amount,
                    created_at=now,
                )
            )
    for index, mline in enumerate(materials):  # 3.2.11.27: charged only when the code says so
        field = f"materials[{index}]"
        material = lookups.material(mline.code, f"{field}.code")
        quantity = _quantity(mline.quantity, f"{field}.quantity")
        m_price = m_amount = None
        if order.code.charges_materials:
            m_price = lookups.material_price(material, on, f"{field}.code")
            m_amount = round_money(m_price * quantity, Rounding.HALF_UP)
        used.append(
            MaterialUsage(
                order=order, material=material, quantity=quantity, unit_price=m_price, amount=m_amount
            )
        )
        if m_amount and order.property_id:
            charges.append(
                PendingCharge(
                    property_id=order.property_id,
                    order=order,
                    kind=PendingCharge.Kind.MATERIAL,
                    description=f"{material.description} ({quantity:f} {material.unit}, OS {order.label})"[
                        :200
                    ],
                    amount=m_amount,
                    created_at=now,
                )
            )
    ExecutedService.objects.bulk_create(executed)
    if used:
        MaterialUsage.objects.bulk_create(used)
    if charges:
        PendingCharge.objects.bulk_create(charges)
    return charges


def _quantity(value: Decimal, field: str) -> Decimal:
    quantity = Decimal(str(value))
    if quantity <= 0:
        raise ValidationFailed("A quantidade deve ser maior que zero.", field=field, code=ErrorCode.INVALID)
    return quantity


def _service_amount(
    code: ServiceCode, quantity: Decimal, typed: Decimal | None, on: dt.date, field: str, lookups: Lookups
) -> tuple[Decimal | None, Decimal | None]:
    """(unit price, amount) of an executed service by its billing type (3.2.11.1.4): not billable,
    none; variable, the amount typed at closing (required); mandatory and optional, the price in
    force on the execution date × quantity."""
    if code.billing_type == BillingType.NOT_BILLABLE:
        return None, None
    if code.billing_type == BillingType.VARIABLE:
        if typed is None or Decimal(str(typed)) < 0:
            raise ValidationFailed(
                f"O serviço {code.code} tem valor variável: informe o valor cobrado.",
                field=f"{field}.amount",
                code=ErrorCode.CLOSING_NEEDS_AMOUNT,
            )
        amount = round_money(Decimal(str(typed)), Rounding.HALF_UP)
        return None, amount
    unit_price = lookups.service_price(code, on, f"{field}.code")
    return unit_price, round_money(unit_price * quantity, Rounding.HALF_UP)


def _opinion(order: ServiceOrder, action: str, text: str, actor: Actor, at: dt.datetime) -> None:
    if text.strip():
        OrderOpinion.objects.create(
            order=order, action=action, text=text.strip(), actor=actor.get_username(), at=at
        )
