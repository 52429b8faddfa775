"""Cancel and rebill (cancelamento e refaturamento): the old bill stays, cancelled with its reason;
the new one points to it (`replaces`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed

from ..domain.pricing import Payer, PropertyFacts
from ..errors import ErrorCode
from ..models import Bill, BillAnomaly, BillStatus, RunStatus
from .pricing import context_for, load_facts, price_property, write_bills


@transaction.atomic(durable=True)
def bill_cancel(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """Cancel an issued bill. A bill still in critique is not a bill yet: it is corrected by rebilling
    it (or the run is recalculated), never cancelled."""
    return _cancel(actor=actor, bill=bill, reason=reason, draft_allowed=False)


def _cancel(*, actor: Actor, bill: Bill, reason: str, draft_allowed: bool) -> Bill:
    """Lock and cancel the bill, audited. Runs inside the caller's transaction."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o motivo do cancelamento.", field="reason", code=ErrorCode.REASON_REQUIRED
        )
    locked: Bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if locked.status in (BillStatus.CANCELLED, BillStatus.PAID):
        raise Conflict(
            f"Fatura {locked.get_status_display().lower()} não pode ser cancelada.",
            code=ErrorCode.BILL_NOT_CANCELLABLE,
        )
    if locked.status == BillStatus.DRAFT and not draft_allowed:
        raise Conflict(
            "Fatura em crítica não pode ser cancelada: corrija-a pelo refaturamento ou "
            "recalcule o faturamento.",
            code=ErrorCode.BILL_IN_CRITIQUE,
        )
    locked.status = BillStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()
    locked.cancelled_by = actor.get_username()
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancelled_by"])
    audit_record(
        actor=actor,
        action="billing.bill_cancel",
        target=locked,
        reason=reason,
        after={"total": locked.total, "reference": locked.reference},
    )
    return locked


@transaction.atomic(durable=True)
def bill_rebill(*, actor: Actor, bill: Bill, reason: str, consumption_m3: int | None = None) -> Bill:
    """Cancel `bill` and issue its replacement, priced again (with a corrected consumption when given),
    in one transaction: either both happen or neither."""
    if consumption_m3 is not None and consumption_m3 < 0:
        raise ValidationFailed(
            "O consumo não pode ser negativo.", field="consumption_m3", code=ErrorCode.CONSUMPTION_NEGATIVE
        )
    old = _cancel(actor=actor, bill=bill, reason=reason, draft_allowed=True)
    new = reissue(
        actor=actor, old=old, was_draft=bill.status == BillStatus.DRAFT, consumption_m3=consumption_m3
    )
    audit_record(
        actor=actor,
        action="billing.bill_rebill",
        target=new,
        reason=reason,
        after={"replaces": old.pk, "total": new.total, "consumption_m3": new.consumption_m3},
    )
    return new


def reissue(
    *,
    actor: Actor,
    old: Bill,
    was_draft: bool,
    consumption_m3: int | None = None,
    adjust: Callable[[PropertyFacts], PropertyFacts] | None = None,
) -> Bill:
    """Issue the replacement of `old` (already cancelled) for the same reference month, priced again
    on the property's current data, with a corrected consumption and `adjust`ed facts when given.
    Runs inside the caller's transaction; the caller audits."""
    month = YearMonth.of(old.reference)
    group_id = old.property.billing_group_id
    ctx = context_for(month, group_id)
    facts = load_facts([old.property_id], ctx)
    if old.payer_name and old.property_id in facts:
        # a correction of the bill, not a new debt: issued to whom the bill it replaces was
        payer = Payer(old.payer_name, old.payer_document)
        facts[old.property_id] = replace(facts[old.property_id], payer=payer)
    if adjust is not None and old.property_id in facts:
        facts[old.property_id] = adjust(facts[old.property_id])
    priced = price_property(ctx, facts, old.property_id, consumption_override=consumption_m3)
    # rebilling is the critique's correction: the person who rebilled has seen what it says of
    # the new figures, so nothing stays open, and a bill held after its run's release is issued
    run_released = old.run is not None and old.run.status == RunStatus.RELEASED
    issued = not was_draft or run_released
    status = BillStatus.RELEASED if issued else BillStatus.DRAFT
    (new_id,) = write_bills(ctx, [priced], run_id=old.run_id, status=status, replaces=old.pk)
    BillAnomaly.objects.filter(bill_id=new_id).update(
        accepted_by=actor.get_username(), accepted_at=timezone.now()
    )
    if status == BillStatus.RELEASED:
        Bill.objects.filter(pk=new_id).update(issued_at=timezone.now())
    new: Bill = Bill.objects.get(pk=new_id)
    return new


@transaction.atomic(durable=True)
def bill_critique_accept(*, actor: Actor, bill: Bill, reason: str) -> Bill:
    """A person has looked at what the critique found on a draft bill and accepts the bill as it is
    (S14.4-03). If its run is already released the bill is issued now; otherwise the next release
    issues it with the others."""
    if not reason.strip():
        raise ValidationFailed(
            "Informe o que foi verificado na crítica.", field="reason", code=ErrorCode.REASON_REQUIRED
        )
    locked: Bill = Bill.objects.select_for_update(of=("self",)).select_related("run").get(pk=bill.pk)
    if locked.status != BillStatus.DRAFT:
        raise Conflict(
            "Só uma fatura em crítica pode ter a crítica aceita.", code=ErrorCode.BILL_NOT_IN_CRITIQUE
        )
    now = timezone.now()
    accepted = BillAnomaly.objects.filter(bill=locked, accepted_at__isnull=True).update(
        accepted_by=actor.get_username(), accepted_at=now
    )
    if accepted == 0:
        raise Conflict("Esta fatura não tem anomalia em aberto.", code=ErrorCode.NO_OPEN_ANOMALY)
    if locked.run is not None and locked.run.status == RunStatus.RELEASED:
        locked.status = BillStatus.RELEASED
        locked.issued_at = now
        locked.save(update_fields=["status", "issued_at"])
    audit_record(
        actor=actor,
        action="billing.bill_critique_accept",
        target=locked,
        reason=reason,
        after={"anomalies": accepted, "status": locked.status},
    )
    return locked
