"""The due day a customer chose for a property's bills (Lei 9.791/1999): the one place it is written,
whichever channel asks (the agency, the counter). Billing reads it when pricing a run."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..models import DueDayChoice


def due_day_choose(*, actor: Actor, property_id: int, day: int, min_interval_days: int = 0) -> DueDayChoice:
    """Set the property's due day. The offered days are the channel's business; here: a day of the
    month, a real change, and at most one change per `min_interval_days`. Not durable: the agency's
    own service calls it (in its transaction, when it has one)."""
    if not 1 <= day <= 31:
        raise ValidationFailed(
            "O dia de vencimento deve estar entre 1 e 31.", field="day", code=ErrorCode.DUE_DAY_OUT_OF_RANGE
        )
    with transaction.atomic():
        current = DueDayChoice.objects.select_for_update().filter(property_id=property_id).first()
        if current and current.day == day:
            raise ValidationFailed(
                f"O vencimento já é no dia {day}.", field="day", code=ErrorCode.DUE_DAY_UNCHANGED
            )
        if current and min_interval_days and current.changed_at:
            since = (timezone.now() - current.changed_at).days
            if since < min_interval_days:
                raise ValidationFailed(
                    f"O dia de vencimento só pode ser trocado de novo após "
                    f"{min_interval_days} dias da última troca.",
                    field="day",
                    code=ErrorCode.DUE_DAY_CHANGED_RECENTLY,
                )
        before = {"day": current.day if current else None}
        row: DueDayChoice
        row, _ = DueDayChoice.objects.update_or_create(
            property_id=property_id, defaults={"day": day, "changed_by": actor.get_username()[:150]}
        )
        audit_record(
            actor=actor,
            action="billing.due_day_choose",
            object_type="registry.property",
            object_id=property_id,
            before=before,
            after={"day": day},
        )
    return row


@transaction.atomic(durable=True)
def due_day_set_by_staff(*, actor: Actor, property_id: int, day: int, reason: str) -> DueDayChoice:
    """The alternative due day an attendant gives a unit (seed 001 3.2.13.10.14): one of the days its
    billing group allows (`BillingGroup.due_days`), with the reason in the audit; the next run
    reads it. Raises ValidationFailed naming `day` or `reason`."""
    from modules.registry.models import Property

    if not reason.strip():
        raise ValidationFailed("Informe o motivo.", field="reason", code=ErrorCode.REASON_REQUIRED)
    prop = Property.objects.select_related("billing_group").get(pk=property_id)
    allowed = prop.billing_group.allowed_due_days() if prop.billing_group else []
    if day not in allowed:
        offered = ", ".join(str(d) for d in allowed) or "nenhum (configure os dias do grupo)"
        raise ValidationFailed(
            f"Dia {day} não permitido para o grupo do imóvel. Dias permitidos: {offered}.",
            field="day",
            code=ErrorCode.DUE_DAY_OUT_OF_RANGE,
        )
    row = due_day_choose(actor=actor, property_id=property_id, day=day)
    audit_record(
        actor=actor,
        action="billing.due_day_set_by_staff",
        object_type="registry.property",
        object_id=property_id,
        reason=reason.strip(),
        after={"day": day, "allowed": allowed},
    )
    return row
