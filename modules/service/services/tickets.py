"""Senhas (S10.1-03, -06, 3.2.15.11–.12): units and queues, issuing at the totem or the desk, and
the desk's "Chamar próxima" (ADR 0182).

Calling locks the unit's row: two attendants pressing "Chamar próxima" at the same instant are
served one after the other, so they never get the same ticket, and the fairness streak (domain
/tickets.py) sees every call of the unit in order. Numbers run per unit and day (TicketSequence,
a locked row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_zone
from modules.common.errors import Conflict, NotFound, ValidationFailed, clean_or_fail
from modules.registry.models import Customer, Property

from ..channels_hooks import TicketCalled, announce_ticket_called
from ..domain.tickets import PriorityReason, TicketStatus, Waiting, pick_next, ticket_priority
from ..errors import ErrorCode
from ..models import AttendanceUnit, DisplayItem, Ticket, TicketQueue, TicketSequence

UNIT_FIELDS = ["code", "name", "address", "priority_streak", "is_active"]
QUEUE_FIELDS = ["name", "prefix", "priority", "position", "is_active"]


def unit_get(unit: int | str) -> AttendanceUnit:
    query = (
        AttendanceUnit.objects.filter(pk=unit)
        if isinstance(unit, int)
        else AttendanceUnit.objects.filter(code=unit)
    )
    found: AttendanceUnit | None = query.first()
    if found is None:
        raise NotFound("Unidade de atendimento não encontrada.", field="unit", code=ErrorCode.UNIT_NOT_FOUND)
    return found


@transaction.atomic(durable=True)
def unit_create(
    *, actor: Actor, code: str, name: str, address: str = "", priority_streak: int = 2
) -> AttendanceUnit:
    if AttendanceUnit.objects.filter(code=code).exists():
        raise ValidationFailed(
            "Já existe uma unidade com este código.", field="code", code=ErrorCode.DUPLICATE
        )
    unit = AttendanceUnit(code=code, name=name, address=address, priority_streak=priority_streak)
    clean_or_fail(unit)
    unit.save()
    audit_record(actor=actor, action="service.unit_create", target=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic(durable=True)
def unit_update(*, actor: Actor, unit_id: int, **changes: Any) -> AttendanceUnit:
    unit: AttendanceUnit | None = AttendanceUnit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("Unidade de atendimento não encontrada.", field="unit", code=ErrorCode.UNIT_NOT_FOUND)
    before = snapshot(unit, UNIT_FIELDS)
    for name, value in changes.items():
        if name in UNIT_FIELDS and name != "code":
            setattr(unit, name, value)
    clean_or_fail(unit)
    unit.save()
    audit_record(
        actor=actor,
        action="service.unit_update",
        target=unit,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic(durable=True)
def queue_set(
    *,
    actor: Actor,
    unit_id: int,
    prefix: str,
    name: str,
    priority: int = 0,
    position: int = 0,
    is_active: bool = True,
) -> TicketQueue:
    """Creates the unit's queue of this prefix, or changes it: the new rule applies to the tickets
    issued from now on; those already waiting keep the priority they were issued with."""
    unit = unit_get(unit_id)
    prefix = (prefix or "").strip().upper()
    queue = TicketQueue.objects.select_for_update().filter(unit=unit, prefix=prefix).first()
    before = snapshot(queue, QUEUE_FIELDS) if queue else None
    queue = queue or TicketQueue(unit=unit, prefix=prefix)
    queue.name, queue.priority, queue.position, queue.is_active = name, priority, position, is_active
    clean_or_fail(queue, exclude=["unit"])
    queue.save()
    audit_record(
        actor=actor,
        action="service.queue_set",
        target=queue,
        before=before,
        after=snapshot(queue, QUEUE_FIELDS),
    )
    return queue


def _next_number(unit: AttendanceUnit, day: dt.date) -> int:
    TicketSequence.objects.get_or_create(unit=unit, day=day)
    seq = TicketSequence.objects.select_for_update().get(unit=unit, day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    number: int = seq.last
    return number


@transaction.atomic(durable=True)
def ticket_issue(
    *,
    actor: Actor,
    queue_id: int,
    origin: str = "totem",
    note: str = "",
    property_id: int | None = None,
    customer_id: int | None = None,
    priority_reason: str = PriorityReason.NONE,
    now: dt.datetime | None = None,
) -> Ticket:
    """A ticket in the queue, numbered in its unit's day; `note` is the desk's short description
    when the pre-attendance could not solve the matter (S10.1-06). `priority_reason` is the legal
    priority the citizen claims (domain/tickets.py): the ticket's level is the higher of it and the
    queue's."""
    queue = TicketQueue.objects.select_related("unit").filter(pk=queue_id, is_active=True).first()
    if queue is None or not queue.unit.is_active:
        raise NotFound("Fila não encontrada ou inativa.", field="queue", code=ErrorCode.QUEUE_NOT_FOUND)
    try:
        level = ticket_priority(queue.priority, priority_reason or PriorityReason.NONE)
    except ValueError:
        raise ValidationFailed(
            "Prioridade inválida: use none, elderly, elderly_80, pregnant, lactating, disabled, "
            "lap_child ou autism.",
            field="priority",
            code=ErrorCode.INVALID,
        ) from None
    if property_id is not None and not Property.objects.filter(pk=property_id).exists():
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    if customer_id is not None and not Customer.objects.filter(pk=customer_id).exists():
        raise NotFound("Cliente não encontrado.", field="customer", code=ErrorCode.INVALID)
    if origin not in ("totem", "desk"):
        raise ValidationFailed("Origem inválida.", field="origin", code=ErrorCode.INVALID)
    at = now or timezone.now()
    day = at.astimezone(tenant_zone()).date()
    ticket: Ticket = Ticket.objects.create(
        unit=queue.unit,
        queue=queue,
        day=day,
        number=_next_number(queue.unit, day),
        prefix=queue.prefix,
        priority=level,
        priority_reason=priority_reason or PriorityReason.NONE,
        origin=origin,
        note=note.strip()[:300],
        issued_at=at,
        issued_by=actor.get_username(),
        property_id=property_id,
        customer_id=customer_id,
    )
    audit_record(
        actor=actor,
        action="service.ticket_issue",
        target=ticket,
        after={
            "label": ticket.label,
            "queue": queue.pk,
            "priority": ticket.priority,
            "reason": ticket.priority_reason,
            "origin": origin,
        },
    )
    return ticket


def queue_at(point: str, ticket_type: str) -> TicketQueue:
    """The active queue of a ticket type (its prefix, e.g. "N" or "P") at a service point (the
    unit's code): NotFound for an unknown point, 400 `ticket_type_not_served` for a type the point
    does not serve."""
    unit = AttendanceUnit.objects.filter(code=(point or "").strip(), is_active=True).first()
    if unit is None:
        raise NotFound(
            f'Ponto de atendimento "{point}" não encontrado ou inativo.',
            field="point",
            code=ErrorCode.UNIT_NOT_FOUND,
        )
    code = (ticket_type or "").strip().upper()
    queue: TicketQueue | None = unit.queues.filter(prefix=code, is_active=True).first()
    if queue is None:
        served = ", ".join(unit.queues.filter(is_active=True).values_list("prefix", flat=True)) or "nenhum"
        raise ValidationFailed(
            f'O tipo de senha "{ticket_type}" não é atendido no ponto "{unit.code}" '
            f"({unit.name}). Tipos atendidos: {served}.",
            field="type",
            code=ErrorCode.TICKET_TYPE_NOT_SERVED,
        )
    return queue


def _desk(desk: str) -> str:
    desk = (desk or "").strip()
    if not desk or len(desk) > 20:
        raise ValidationFailed("Informe o guichê (até 20 caracteres).", field="desk", code=ErrorCode.INVALID)
    return desk


@transaction.atomic(durable=True)
def ticket_call_next(
    *,
    actor: Actor,
    unit_id: int,
    desk: str,
    queue_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """The next ticket of the unit (of `queue_ids` only, when the desk serves some queues) by the
    priority rule, called to `desk`. Conflict `no_ticket_waiting` when nobody waits."""
    desk = _desk(desk)
    unit = AttendanceUnit.objects.select_for_update().filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("Unidade de atendimento não encontrada.", field="unit", code=ErrorCode.UNIT_NOT_FOUND)
    at = now or timezone.now()
    day = at.astimezone(tenant_zone()).date()
    waiting = Ticket.objects.filter(unit=unit, day=day, status=TicketStatus.WAITING)
    if queue_ids:
        waiting = waiting.filter(queue_id__in=queue_ids)
    candidates = [
        Waiting(pk, p, i, n) for pk, p, i, n in waiting.values_list("pk", "priority", "issued_at", "number")
    ]
    recent = list(
        Ticket.objects.filter(unit=unit, day=day, called_at__isnull=False)
        .order_by("-called_at", "-id")
        .values_list("priority", flat=True)[: max(unit.priority_streak, 1)]
    )
    chosen = pick_next(candidates, recent, unit.priority_streak)
    if chosen is None:
        raise Conflict("Nenhuma senha aguardando.", field="queue", code=ErrorCode.NO_TICKET_WAITING)
    ticket: Ticket = Ticket.objects.select_for_update().get(pk=chosen.ticket_id)
    ticket.status = TicketStatus.CALLED
    ticket.called_at = ticket.last_called_at = at
    ticket.calls = 1
    ticket.desk = desk
    ticket.called_by_id = actor.pk if isinstance(actor.pk, int) else None
    ticket.save(update_fields=["status", "called_at", "last_called_at", "calls", "desk", "called_by"])
    audit_record(
        actor=actor,
        action="service.ticket_call",
        target=ticket,
        after={"label": ticket.label, "desk": desk, "waited_seconds": ticket.waiting_seconds},
    )
    announce_ticket_called(
        TicketCalled(
            ticket_id=ticket.pk,
            unit_id=unit.pk,
            label=ticket.label,
            desk=desk,
            called_at=at,
            user_id=ticket.called_by_id,
            property_id=ticket.property_id,
            customer_id=ticket.customer_id,
            note=ticket.note,
        )
    )
    return ticket


def _called(ticket_id: int) -> Ticket:
    ticket: Ticket | None = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("Senha não encontrada.", field="ticket", code=ErrorCode.TICKET_NOT_FOUND)
    if ticket.status != TicketStatus.CALLED:
        raise Conflict("A senha não está chamada.", field="ticket", code=ErrorCode.TICKET_NOT_CALLED)
    return ticket


@transaction.atomic(durable=True)
def ticket_recall(*, actor: Actor, ticket_id: int, now: dt.datetime | None = None) -> Ticket:
    """Call the same ticket again: the display shows it and chimes once more."""
    ticket = _called(ticket_id)
    ticket.last_called_at = now or timezone.now()
    ticket.calls += 1
    ticket.save(update_fields=["last_called_at", "calls"])
    audit_record(actor=actor, action="service.ticket_recall", target=ticket, after={"calls": ticket.calls})
    return ticket


@transaction.atomic(durable=True)
def ticket_finish(
    *, actor: Actor, ticket_id: int, no_show: bool = False, now: dt.datetime | None = None
) -> Ticket:
    """Attendance over (service time = now − called) or the citizen did not come."""
    ticket = _called(ticket_id)
    ticket.status = TicketStatus.NO_SHOW if no_show else TicketStatus.FINISHED
    ticket.finished_at = now or timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    audit_record(
        actor=actor,
        action="service.ticket_no_show" if no_show else "service.ticket_finish",
        target=ticket,
        after={"status": ticket.status, "service_seconds": ticket.service_seconds},
    )
    return ticket


@transaction.atomic(durable=True)
def ticket_identify(
    *, actor: Actor, ticket_id: int, property_id: int | None, customer_id: int | None = None
) -> Ticket:
    """Who the ticket was for, as the attendant found out."""
    ticket: Ticket | None = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("Senha não encontrada.", field="ticket", code=ErrorCode.TICKET_NOT_FOUND)
    if property_id is not None and not Property.objects.filter(pk=property_id).exists():
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    before = {"property": ticket.property_id, "customer": ticket.customer_id}
    ticket.property_id, ticket.customer_id = property_id, customer_id
    ticket.save(update_fields=["property", "customer"])
    audit_record(
        actor=actor,
        action="service.ticket_identify",
        target=ticket,
        before=before,
        after={"property": property_id, "customer": customer_id},
    )
    return ticket


DISPLAY_FIELDS = ["unit", "kind", "url", "text", "seconds", "position", "is_active"]


@transaction.atomic(durable=True)
def display_item_create(
    *,
    actor: Actor,
    kind: str,
    unit_id: int | None = None,
    url: str = "",
    text: str = "",
    seconds: int = 15,
    position: int = 0,
) -> DisplayItem:
    """A video, image or message in the call display's playlist (S10.1-04): one unit's, or every
    unit's when `unit_id` is None. Media come from the app's own origin (the display's policy)."""
    url = (url or "").strip()
    if kind in (DisplayItem.Kind.VIDEO, DisplayItem.Kind.IMAGE) and not url.startswith(
        ("/static/", "/media/")
    ):
        raise ValidationFailed(
            "Informe o endereço do arquivo no próprio sistema (/static/… ou /media/…).",
            field="url",
            code=ErrorCode.INVALID,
        )
    if kind == DisplayItem.Kind.TEXT and not (text or "").strip():
        raise ValidationFailed("Escreva a mensagem.", field="text", code=ErrorCode.INVALID)
    if unit_id is not None:
        unit_get(unit_id)
    item = DisplayItem(
        unit_id=unit_id, kind=kind, url=url, text=(text or "").strip(), seconds=seconds, position=position
    )
    clean_or_fail(item)
    item.save()
    audit_record(
        actor=actor, action="service.display_item_create", target=item, after=snapshot(item, DISPLAY_FIELDS)
    )
    return item


@transaction.atomic(durable=True)
def display_item_delete(*, actor: Actor, item_id: int) -> None:
    item = DisplayItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("Conteúdo do painel não encontrado.", field="item", code=ErrorCode.INVALID)
    audit_record(
        actor=actor, action="service.display_item_delete", target=item, before=snapshot(item, DISPLAY_FIELDS)
    )
    item.delete()
