"""Cartas de liberação de instalação de esgoto (3.2.11.32): once an order attests that the sewer
network reaches a commercial unit, a letter gives it a deadline to connect; the nightly sweep marks
the letters whose unit connected, and for the others past the deadline records the notification and
puts the fine on the property's next bill as a pending charge (billing's item source
`service.charge` already carries it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.registry.models import ServiceConnection

from ..domain.cuts import Effect
from ..domain.orders import OrderStatus
from ..errors import ErrorCode
from ..models import PendingCharge, ServiceOrder, SewerReleaseLetter
from .units_bodies import number_lock


@transaction.atomic(durable=True)
def sewer_letter_issue(
    *, actor: Actor, order_id: int, deadline: dt.date, fine: Decimal, today: dt.date | None = None
) -> SewerReleaseLetter:
    """A letter from an executed sewer-availability order of a property, with its deadline and fine."""
    today = today or tenant_today()
    order: ServiceOrder | None = (
        ServiceOrder.objects.select_related("code__effect").filter(pk=order_id).first()
    )
    if order is None:
        raise NotFound("Ordem de serviço não encontrada.", field="order", code=ErrorCode.ORDER_NOT_FOUND)
    effect = getattr(order.code, "effect", None)
    if (
        order.property_id is None
        or order.status != OrderStatus.EXECUTED
        or effect is None
        or effect.effect != Effect.SEWER_AVAILABILITY
    ):
        raise Conflict(
            "A carta de liberação sai de uma ordem executada de disponibilidade de esgoto de um imóvel.",
            field="order",
            code=ErrorCode.LETTER_NEEDS_SEWER_ORDER,
        )
    if deadline <= today:
        raise ValidationFailed("O prazo deve ser posterior a hoje.", field="deadline", code=ErrorCode.INVALID)
    fine = Decimal(str(fine))
    if fine < 0:
        raise ValidationFailed("A multa não pode ser negativa.", field="fine", code=ErrorCode.INVALID)
    if (
        SewerReleaseLetter.objects.filter(order=order)
        .exclude(status=SewerReleaseLetter.Status.CANCELLED)
        .exists()
    ):
        raise Conflict("Esta ordem já tem carta de liberação.", field="order", code=ErrorCode.DUPLICATE)
    number_lock("service.sewer_letter")
    number = (SewerReleaseLetter.objects.aggregate(m=Max("number"))["m"] or 0) + 1
    letter: SewerReleaseLetter = SewerReleaseLetter.objects.create(
        number=number,
        property_id=order.property_id,
        order=order,
        issued_on=today,
        deadline=deadline,
        fine=fine,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="service.sewer_letter_issue",
        target=letter,
        after={"number": number, "deadline": deadline, "fine": f"R$ {format_brl(fine)}"},
    )
    return letter


@transaction.atomic(durable=True)
def sewer_letters_sweep(*, actor: Actor, today: dt.date | None = None) -> dict[str, int]:
    """The nightly job: an open letter whose unit has its sewer connection connected is fulfilled; one
    past its deadline without it is notified and fined, once (the status moves on, so a second run
    charges nothing)."""
    today = today or tenant_today()
    now = timezone.now()
    counts = {"connected": 0, "fined": 0}
    letters = SewerReleaseLetter.objects.select_for_update(skip_locked=True).filter(
        status=SewerReleaseLetter.Status.OPEN
    )
    connected = set(
        ServiceConnection.objects.filter(
            kind=ServiceConnection.Kind.SEWER,
            situation="connected",
            property_id__in=letters.values("property_id"),
        ).values_list("property_id", flat=True)
    )
    for letter in letters.order_by("id"):
        if letter.property_id in connected:
            letter.status = SewerReleaseLetter.Status.CONNECTED
            letter.save(update_fields=["status"])
            audit_record(actor=actor, action="service.sewer_letter_connected", target=letter)
            counts["connected"] += 1
        elif letter.deadline < today:
            charge = None
            if letter.fine > 0:
                charge = PendingCharge.objects.create(
                    property_id=letter.property_id,
                    order_id=letter.order_id,
                    kind=PendingCharge.Kind.SERVICE,
                    description=f"Multa: esgoto não ligado no prazo (carta de liberação nº {letter.number})",
                    amount=letter.fine,
                    created_at=now,
                )
            letter.status, letter.notified_at, letter.charge = SewerReleaseLetter.Status.FINED, now, charge
            letter.save(update_fields=["status", "notified_at", "charge"])
            audit_record(
                actor=actor,
                action="service.sewer_letter_fine",
                target=letter,
                after={"fine": f"R$ {format_brl(letter.fine)}", "deadline": letter.deadline},
            )
            counts["fined"] += 1
    return counts
