"""One bill issued on its own, outside the group's run (seed 001 3.2.13.9.12, .13):

- *faturamento antecipado*: the unit is billed for the month before its group's run exists (the
  customer moves out, a demolition); the run, when it comes, skips a property that already has a
  bill alive for the month, so nothing is issued twice.
- *fatura não gerada*: the run of the month ran and left the unit out (an error the run recorded,
  since corrected in the registry); the bill joins that run.

Both go through the run's own pricing path (`context_for` → `load_facts` → `price_property` →
`write_bills`): there is no second calculation. `preview=True` runs the same code and rolls it back
(ADR 0176); the confirmation writes the bill, an annotation (BillNote) and an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.registry.models import Property

from ..domain.critique import below_minimum
from ..errors import ErrorCode
from ..legal import legal_locks
from ..models import Bill, BillingRun, BillNote, BillStatus, RunError, RunStatus
from .critique import below_minimum_message, critique_apply, minimums
from .pricing import context_for, load_facts, price_property, write_bills
from .rebill import BillState, _state

EARLY = "early"
MISSED = "missed"
KINDS = (EARLY, MISSED)


@dataclass(frozen=True)
class SingleOutcome:
    preview: bool
    kind: str
    bill_state: BillState
    bill: Bill | None  # None on a preview


def bill_issue_single(
    *, actor: Actor, property_id: int, reference: YearMonth, kind: str, reason: str, preview: bool = False
) -> SingleOutcome:
    """Issue the property's bill for `reference` alone (`kind` EARLY or MISSED, see the module).
    Raises ValidationFailed naming the field, Conflict (a bill alive for the month, a run in the
    way or missing), NotFound, and the pricing's NotBillable with its reason."""
    if not reason.strip():
        raise ValidationFailed("Informe o motivo da emissão.", field="reason", code=ErrorCode.REASON_REQUIRED)
    if kind not in KINDS:
        raise ValidationFailed("Tipo de emissão desconhecido.", field="kind", code=ErrorCode.CHANGES_CONFLICT)
    if not preview:
        return _issue_durable(
            actor=actor, property_id=property_id, reference=reference, kind=kind, reason=reason.strip()
        )
    with transaction.atomic(durable=True):
        outcome = _issue(actor=actor, property_id=property_id, reference=reference, kind=kind, reason=reason)
        transaction.set_rollback(True)
    return SingleOutcome(preview=True, kind=kind, bill_state=outcome.bill_state, bill=None)


@transaction.atomic(durable=True)
def _issue_durable(
    *, actor: Actor, property_id: int, reference: YearMonth, kind: str, reason: str
) -> SingleOutcome:
    return _issue(actor=actor, property_id=property_id, reference=reference, kind=kind, reason=reason)


def _run_for(prop: Property, reference: YearMonth, kind: str) -> BillingRun | None:
    """The run the bill joins (MISSED) or None (EARLY), refusing what the kind does not allow."""
    run: BillingRun | None = (
        BillingRun.objects.select_for_update()
        .filter(group_id=prop.billing_group_id, reference=reference.first_day())
        .first()
    )
    if kind == EARLY:
        if run is not None:
            raise Conflict(
                f"O faturamento do grupo de {reference.first_day():%m/%Y} já foi executado: "
                "emita a fatura não gerada.",
                code=ErrorCode.RUN_EXISTS,
            )
        return None
    if run is None or run.status not in (RunStatus.DONE, RunStatus.RELEASED):
        raise Conflict(
            f"O faturamento do grupo de {reference.first_day():%m/%Y} ainda não terminou: "
            "aguarde-o ou emita a fatura antecipada.",
            code=ErrorCode.RUN_NOT_DONE,
        )
    return run


def _issue(*, actor: Actor, property_id: int, reference: YearMonth, kind: str, reason: str) -> SingleOutcome:
    try:
        prop = Property.objects.select_for_update().get(pk=property_id)
    except Property.DoesNotExist as exc:
        raise NotFound("Imóvel não encontrado.", code=ErrorCode.NOT_FOUND) from exc
    if prop.billing_group_id is None:
        raise ValidationFailed(
            "O imóvel não pertence a um grupo de faturamento.",
            field="property",
            code=ErrorCode.GROUP_NOT_FOUND,
        )
    run = _run_for(prop, reference, kind)
    alive = Bill.objects.filter(property=prop, reference=reference.first_day()).exclude(
        status=BillStatus.CANCELLED
    )
    if alive.exists():
        raise Conflict(f"O imóvel já tem fatura de {reference.first_day():%m/%Y}.", code=ErrorCode.RUN_EXISTS)
    if legal_locks(prop.pk, on=tenant_today()).no_billing:  # TR S10.13-01, as the run skips it
        raise Conflict(
            "O imóvel tem a exceção “Impede faturamento” vigente: encerre-a antes de emitir a fatura.",
            field="property",
            code=ErrorCode.BILLING_BLOCKED,
        )
    ctx = context_for(reference, prop.billing_group_id)
    facts = load_facts([prop.pk], ctx)
    (priced,) = critique_apply([price_property(ctx, facts, prop.pk)], facts, reference.first_day())
    minimum = minimums().single_bill
    if below_minimum(priced.total, minimum):  # seed 001 3.2.7.12.3
        raise ValidationFailed(
            below_minimum_message(priced.total, minimum), field="total", code=ErrorCode.BELOW_MINIMUM
        )
    # a bill joining a released run, or issued ahead of its run, is issued now; one joining a run
    # still in critique is released with the others
    released = run is None or run.status == RunStatus.RELEASED
    status = BillStatus.RELEASED if released else BillStatus.DRAFT
    (bill_id,) = write_bills(ctx, [priced], run_id=run.pk if run else None, status=status)
    if released:
        Bill.objects.filter(pk=bill_id).update(issued_at=timezone.now())
    if run is not None:
        cleared = RunError.objects.filter(run=run, property=prop).delete()[0]
        BillingRun.objects.filter(pk=run.pk).update(
            bills_count=F("bills_count") + 1,
            errors_count=F("errors_count") - cleared,
            total_amount=F("total_amount") + priced.total,
        )
    bill = Bill.objects.get(pk=bill_id)
    state = _state(bill)
    BillNote.objects.create(
        bill=bill, kind=kind, reason=reason, before={}, after=state.as_json(), created_by=actor.get_username()
    )
    audit_record(
        actor=actor,
        action=f"billing.bill_issue_{kind}",
        target=bill,
        reason=reason,
        after={"reference": reference.first_day(), "total": bill.total, "run": run.pk if run else None},
    )
    return SingleOutcome(preview=False, kind=kind, bill_state=state, bill=bill)
