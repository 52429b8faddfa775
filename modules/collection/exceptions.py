"""Payment exceptions (issue #18, ADR 0236): what staff do with a payment the automatic judgement could
not settle, and with one settled on the wrong property.

* attach (3.2.8.4, 3.2.8.15, S13.1-03): a payment in review (unknown barcode, cancelled document,
  wrong amount, an unidentified deposit) is attached to an open bill on the payer's proof; the bill is
  settled and the difference, by the staff's choice, is absorbed or left as a credit/debit on the
  property's next bill.
* credit (3.2.8.5): a payment in review (paid twice, for a cancelled bill, or identified as the
  property's) becomes a credit on the property's next bill instead of a refund.
* transfer (3.2.8.11): an applied payment moves from property A's bill to property B's: A's bill
  reopens, B's is settled, the trail is kept (`PaymentTransfer`).
* deposit (3.2.8.14): a bank deposit (bank, day, value) settles the bill it names, through the same
  judgement as every channel; a deposit naming nothing waits in the unidentified-deposits queue.

Every action is one durable transaction with its audit row; credits and debits go to the next bill
through billing's item source `collection.adjustment` (once: a bill not cancelled carries each).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError
from django.utils import timezone

from modules.billing.hooks import PendingItem, already_billed
from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import format_brl
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.typed import transaction
from modules.registry.models import Property

from .documents import bills_paid, held_bills
from .errors import ErrorCode
from .matcher import Incoming, payments_match
from .models import CollectingAgent, Payment, PaymentAdjustment, PaymentTransfer, Settlement

SOURCE = "collection.adjustment"
R = Payment.Review
ADJ = PaymentAdjustment
DIFFERENCE_CHOICES = ("absorb", "adjust")


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    return reason.strip()[:300]


def _payment(payment_id: int) -> Payment:
    payment: Payment | None = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFound("Pagamento não encontrado.", code=ErrorCode.PAYMENT_NOT_FOUND)
    return payment


def open_bill_locked(bill_id: int, field: str = "bill") -> Bill:
    """The bill, locked, if it is open to be settled (released, not held, not paid); runs inside the
    caller's transaction (credits offset bills through it)."""
    bill: Bill | None = Bill.objects.select_for_update().filter(pk=bill_id).first()
    if bill is None:
        raise ValidationFailed(
            f"Fatura {bill_id} não encontrada.", field=field, code=ErrorCode.BILL_NOT_FOUND
        )
    if bill.status != BillStatus.RELEASED:
        raise Conflict(
            f"A fatura {bill.pk} ({bill.reference:%m/%Y}) não está em aberto "
            f"(situação: {bill.get_status_display()}).",
            field=field,
            code=ErrorCode.BILL_NOT_OPEN,
        )
    held = held_bills([bill.pk])
    if held:
        raise Conflict(f"A fatura {bill.pk}: {held[bill.pk]}.", field=field, code=ErrorCode.BILL_NOT_OPEN)
    if Settlement.objects.filter(bill=bill, reversed=False).exists():
        raise Conflict(f"A fatura {bill.pk} já foi paga.", field=field, code=ErrorCode.BILL_ALREADY_PAID)
    return bill


def _adjust(
    actor: Actor, payment: Payment, property_id: int, difference: Decimal, cause: str, what: str
) -> PaymentAdjustment | None:
    """A credit (difference > 0: paid more) or a debit (< 0) on the property's next bill; runs inside
    the caller's transaction."""
    if difference == 0:
        return None
    kind = ADJ.Kind.CREDIT if difference > 0 else ADJ.Kind.DEBIT
    adjustment = ADJ.objects.create(
        property_id=property_id,
        payment=payment,
        kind=kind,
        cause=cause,
        amount=abs(difference),
        description=(
            f"{'Crédito' if kind == ADJ.Kind.CREDIT else 'Débito'}: {what} "
            f"(pagamento {payment.pk} de {payment.paid_on:%d/%m/%Y}, R$ {format_brl(payment.amount)})"
        )[:200],
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="collection.payment_adjustment",
        target=adjustment,
        after={"kind": kind, "cause": cause, "amount": abs(difference), "property": property_id},
    )
    return adjustment


def bill_settle(payment: Payment, bill: Bill) -> None:
    """Runs inside the caller's transaction."""
    try:
        with transaction.atomic():
            Settlement.objects.create(payment=payment, bill=bill, amount=bill.total, paid_on=payment.paid_on)
    except IntegrityError as exc:
        raise Conflict(
            f"A fatura {bill.pk} já foi paga.", field="bill", code=ErrorCode.BILL_ALREADY_PAID
        ) from exc
    Bill.objects.filter(pk=bill.pk).update(status=BillStatus.PAID)


@transaction.atomic(durable=True)
def payment_attach(
    *, actor: Actor, payment_id: int, bill_id: int, reason: str, difference: str = "adjust"
) -> Payment:
    """Attach a payment in review to an open bill (the payer's proof); settle it. `difference`:
    `adjust` leaves what was paid more (less) as a credit (debit) on the next bill, `absorb` ignores it."""
    reason = _reason(reason)
    if difference not in DIFFERENCE_CHOICES:
        raise ValidationFailed(
            "Diferença: 'adjust' (crédito/débito na próxima fatura) ou 'absorb' (ignorar).",
            field="difference",
            code=ErrorCode.INVALID,
        )
    payment = _payment(payment_id)
    if payment.status != Payment.Status.REVIEW:
        raise Conflict(
            f"Só um pagamento em análise pode ser vinculado (situação: {payment.get_status_display()}).",
            field="status",
            code=ErrorCode.PAYMENT_NOT_IN_REVIEW,
        )
    if payment.review_reason == R.IN_AGREEMENT:
        raise Conflict(
            "A fatura deste pagamento está num parcelamento: trate-o no parcelamento ou devolva.",
            field="bill",
            code=ErrorCode.REFUND_ONLY,
        )
    bill = open_bill_locked(bill_id)
    before = {"bill": payment.bill_id, "property": payment.property_id, "reason": payment.review_reason}
    bill_settle(payment, bill)
    gap = payment.amount - bill.total
    payment.status = Payment.Status.APPLIED
    payment.bill = bill
    payment.document = (
        None if payment.document_id and payment.review_reason != R.WRONG_AMOUNT else payment.document
    )
    payment.property_id = bill.property_id
    payment.resolved_by, payment.resolved_at, payment.resolution = (
        actor.get_username(),
        timezone.now(),
        reason,
    )
    payment.save(
        update_fields=["status", "bill", "document", "property", "resolved_by", "resolved_at", "resolution"]
    )
    if difference == "adjust":
        _adjust(
            actor,
            payment,
            bill.property_id,
            gap,
            ADJ.Cause.DIFFERENCE,
            f"diferença ao vincular à fatura {bill.reference:%m/%Y}",
        )
    audit_record(
        actor=actor,
        action="collection.payment_attach",
        target=payment,
        before=before,
        after={"bill": bill.pk, "property": bill.property_id, "difference": gap, "policy": difference},
        reason=reason,
    )
    bills_paid([bill.pk], actor)
    return payment


@transaction.atomic(durable=True)
def payment_credit(*, actor: Actor, payment_id: int, reason: str, property_id: int | None = None) -> Payment:
    """A payment in review becomes a credit on the property's next bill (paid twice, for a cancelled
    bill, or an unknown payment whose property is known: `property_id`)."""
    reason = _reason(reason)
    payment = _payment(payment_id)
    if payment.status != Payment.Status.REVIEW:
        raise Conflict(
            "Este pagamento não está em análise.", field="status", code=ErrorCode.PAYMENT_NOT_IN_REVIEW
        )
    if payment.review_reason == R.WRONG_AMOUNT:
        raise Conflict(
            "Um pagamento com valor diferente é vinculado à fatura (com a diferença na próxima); "
            "use «vincular».",
            field="action",
            code=ErrorCode.INVALID,
        )
    target = property_id or payment.property_id
    if target is None or not Property.objects.filter(pk=target).exists():
        raise ValidationFailed(
            "Informe o imóvel que recebe o crédito: o pagamento não identifica nenhum.",
            field="property",
            code=ErrorCode.PROPERTY_NOT_FOUND,
        )
    cause = {R.DUPLICATE: ADJ.Cause.DUPLICATE, R.CANCELLED: ADJ.Cause.CANCELLED}.get(
        payment.review_reason, ADJ.Cause.UNKNOWN
    )
    payment.status = Payment.Status.CREDITED
    payment.property_id = target
    payment.resolved_by, payment.resolved_at, payment.resolution = (
        actor.get_username(),
        timezone.now(),
        reason,
    )
    payment.save(update_fields=["status", "property", "resolved_by", "resolved_at", "resolution"])
    _adjust(actor, payment, target, payment.amount, cause, payment.get_review_reason_display().lower())
    audit_record(
        actor=actor,
        action="collection.payment_credit",
        target=payment,
        before={"status": "review"},
        after={"status": "credited", "property": target, "amount": payment.amount},
        reason=reason,
    )
    return payment


@transaction.atomic(durable=True)
def payment_transfer(
    *, actor: Actor, payment_id: int, bill_id: int, reason: str, difference: str = "adjust"
) -> PaymentTransfer:
    """Move an applied payment of one bill to another property's open bill: the first reopens."""
    reason = _reason(reason)
    payment = _payment(payment_id)
    if payment.status != Payment.Status.APPLIED or payment.bill_id is None:
        raise Conflict(
            "Só um pagamento baixado de uma fatura (não de uma guia) pode ser transferido.",
            field="status",
            code=ErrorCode.PAYMENT_NOT_APPLIED,
        )
    if payment.bill_id == bill_id:
        raise ValidationFailed("Escolha outra fatura.", field="bill", code=ErrorCode.INVALID)
    old = Bill.objects.select_for_update().get(pk=payment.bill_id)
    new = open_bill_locked(bill_id)
    Settlement.objects.filter(payment=payment, bill=old, reversed=False).update(reversed=True)
    Bill.objects.filter(pk=old.pk, status=BillStatus.PAID).update(status=BillStatus.RELEASED)
    bill_settle(payment, new)
    transfer = PaymentTransfer.objects.create(
        payment=payment,
        from_bill=old,
        to_bill=new,
        from_property_id=old.property_id,
        to_property_id=new.property_id,
        reason=reason,
        created_by=actor.get_username(),
    )
    payment.bill, payment.property_id = new, new.property_id
    payment.save(update_fields=["bill", "property"])
    if difference == "adjust":
        _adjust(actor, payment, new.property_id, payment.amount - new.total, ADJ.Cause.TRANSFER,
                f"diferença na transferência para a fatura {new.reference:%m/%Y}")  # fmt: skip
    audit_record(
        actor=actor,
        action="collection.payment_transfer",
        target=payment,
        before={"bill": old.pk, "property": old.property_id},
        after={"bill": new.pk, "property": new.property_id},
        reason=reason,
    )
    bills_paid([new.pk], actor)
    return transfer


@transaction.atomic(durable=True)
def deposit_register(
    *,
    actor: Actor,
    agent_code: str,
    deposited_on: dt.date,
    amount: Decimal,
    barcode: str = "",
    reference: str = "",
) -> Payment:
    """A bank deposit: with the bill's barcode (or typeable line) it is judged like any payment; without
    it, it waits in the unidentified-deposits queue until someone attaches it."""
    from .services import _barcode_from

    agent: CollectingAgent | None = CollectingAgent.objects.filter(code=(agent_code or "").strip()).first()
    if agent is None:
        raise ValidationFailed(
            f"Banco «{agent_code}» não cadastrado.", field="agent", code=ErrorCode.AGENT_NOT_FOUND
        )
    if amount is None or amount <= 0:
        raise ValidationFailed(
            "O valor do depósito deve ser maior que zero.", field="amount", code=ErrorCode.INVALID
        )
    if deposited_on > tenant_today():
        raise ValidationFailed(
            "A data do depósito não pode ser futura.", field="deposited_on", code=ErrorCode.INVALID
        )
    auth = (reference or "").strip()[:40]
    if barcode.strip():
        code = _barcode_from(barcode)
        (payment,) = payments_match(
            actor=actor,
            agent=agent,
            channel=Payment.Channel.DEPOSIT,
            items=[Incoming(code, amount, deposited_on, deposited_on, authentication=auth)],
        )
    else:
        payment = Payment.objects.create(
            agent=agent,
            channel=Payment.Channel.DEPOSIT,
            status=Payment.Status.REVIEW,
            review_reason=R.UNKNOWN,
            review_detail="Depósito não identificado"[:300],
            amount=amount,
            paid_on=deposited_on,
            credited_on=deposited_on,
            authentication=auth,
            created_by=actor.get_username(),
        )
    audit_record(
        actor=actor,
        action="collection.deposit_register",
        target=payment,
        after={"agent": agent.code, "amount": amount, "on": deposited_on, "status": payment.status},
    )
    return payment


def adjustment_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """Billing's item source: every credit and debit of these properties not yet on a live bill."""
    rows = list(
        ADJ.objects.filter(property_id__in=property_ids).values(
            "id", "property_id", "kind", "amount", "description"
        )
    )
    done = already_billed(SOURCE, [str(r["id"]) for r in rows])
    # a credit partly refunded or offset (ADR 0228) carries only its balance; a spent one nothing
    from .credits import moved

    spent = moved([r["id"] for r in rows if r["kind"] == ADJ.Kind.CREDIT])
    result: dict[int, list[PendingItem]] = {}
    for r in rows:
        if str(r["id"]) in done:
            continue
        credit = r["kind"] == ADJ.Kind.CREDIT
        if credit and spent.get(r["id"]):
            r["amount"] -= spent[r["id"]]
            if r["amount"] <= 0:
                continue
        result.setdefault(r["property_id"], []).append(
            PendingItem(
                kind="credit" if credit else "adjustment",
                description=r["description"],
                amount=-r["amount"] if credit else r["amount"],
                source=SOURCE,
                source_id=str(r["id"]),
            )
        )
    return result
