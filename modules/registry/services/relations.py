"""Customer <-> property relations: who owns, who pays, from when to when."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import Customer, Property, PropertyRelation
from .checks import not_future


def relation_start(
    actor: Actor, prop: Property, customer: Customer, role: str, start: dt.date, reason: str
) -> PropertyRelation:
    """The customer takes the role on the property from `start`, ending the current holder's.

    Runs inside the caller's transaction, which holds the property's row lock.
    """
    current = (
        PropertyRelation.objects.select_for_update()
        .filter(property=prop, role=role, end__isnull=True)
        .first()
    )
    if current is not None:
        if current.customer_id == customer.pk:
            raise ValidationFailed(
                "Este cliente já ocupa este papel no imóvel.",
                field="customer",
                code=ErrorCode.RELATION_ALREADY_HELD,
            )
        if start < current.start:
            raise ValidationFailed(
                f"A nova titularidade ({start:%d/%m/%Y}) não pode começar antes da atual "
                f"({current.start:%d/%m/%Y}).",
                field="start",
                code=ErrorCode.RELATION_START_BEFORE_CURRENT,
            )
        current.end = start
        current.save(update_fields=["end"])
    relation: PropertyRelation = PropertyRelation.objects.create(
        property=prop, customer=customer, role=role, start=start, reason=reason
    )
    audit_record(
        actor=actor,
        action="registry.relation_start",
        target=prop,
        before={"role": role, "customer": current.customer_id} if current else None,
        after={"role": role, "customer": customer.pk, "start": start},
        reason=reason,
    )
    return relation


@transaction.atomic(durable=True)
def relation_transfer(
    *,
    actor: Actor,
    prop: Property,
    customer: Customer,
    role: str,
    start: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> PropertyRelation:
    """Troca de titularidade: the current holder of the role ends on `start`, the new one starts."""
    today = today or tenant_today()
    if role not in PropertyRelation.Role.values:
        raise ValidationFailed(
            f"Papel desconhecido: '{role}'.", field="role", code=ErrorCode.RELATION_ROLE_UNKNOWN
        )
    not_future(start, today, "start", "A data de início")
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    return relation_start(actor, prop, customer, role, start, reason or "troca de titularidade")


@transaction.atomic(durable=True)
def relation_end(
    *, actor: Actor, relation: PropertyRelation, end: dt.date, today: dt.date | None = None
) -> None:
    today = today or tenant_today()
    not_future(end, today, "end", "A data de fim")
    if end < relation.start:
        raise ValidationFailed(
            "O fim não pode ser anterior ao início.", field="end", code=ErrorCode.RELATION_END_BEFORE_START
        )
    relation.end = end
    relation.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="registry.relation_end",
        target=relation.property,
        after={"role": relation.role, "end": end},
    )
