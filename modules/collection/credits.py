"""Credits with their ledger (ADR 0228, extending ADR 0236): a credit (PaymentAdjustment of kind
credit) is carried to the property's next bill by default — billing's item source offers its
balance —, or refunded to the payer, or offset now against open bills of the same property, which
it settles in full. Each use is a CreditMove; the balance is the amount less the moves. A move
larger than the balance, or larger than what the chosen bills can take, is refused naming `amount`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from modules.billing.models import Bill, BillItem, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.domain.money import format_brl
from modules.common.errors import NotFound, ValidationFailed
from modules.common.typed import transaction

from .documents import bills_paid
from .errors import ErrorCode
from .exceptions import SOURCE, bill_settle, open_bill_locked
from .models import CreditMove, PaymentAdjustment

ZERO = Decimal("0.00")


def credit_get(credit_id: int) -> PaymentAdjustment:
    row: PaymentAdjustment | None = PaymentAdjustment.objects.filter(
        pk=credit_id, kind=PaymentAdjustment.Kind.CREDIT
    ).first()
    if row is None:
        raise NotFound("Crédito não encontrado.", field="credit", code=ErrorCode.CREDIT_NOT_FOUND)
    return row


def _credit(credit_id: int) -> PaymentAdjustment:
    row: PaymentAdjustment | None = (
        PaymentAdjustment.objects.select_for_update()
        .filter(pk=credit_id, kind=PaymentAdjustment.Kind.CREDIT)
        .first()
    )
    if row is None:
        raise NotFound("Crédito não encontrado.", field="credit", code=ErrorCode.CREDIT_NOT_FOUND)
    return row


def moved(credit_ids: Sequence[int]) -> dict[int, Decimal]:
    """What was refunded or offset of each credit (the moves), by id; one query."""
    return {
        pk: Decimal(s)
        for pk, s in CreditMove.objects.filter(credit_id__in=list(credit_ids))
        .values("credit_id")
        .annotate(s=Sum("amount"))
        .values_list("credit_id", "s")
    }


def _billed(credit: PaymentAdjustment) -> list[BillItem]:
    return list(
        BillItem.objects.filter(source=SOURCE, source_id=str(credit.pk))
        .exclude(bill__status=BillStatus.CANCELLED)
        .select_related("bill")
    )


def credit_balance(credit: PaymentAdjustment) -> Decimal:
    """The amount less what was refunded, offset, or carried on a live bill."""
    used = moved([credit.pk]).get(credit.pk, ZERO) + sum((-i.amount for i in _billed(credit)), ZERO)
    return Decimal(credit.amount - used)


@dataclass(frozen=True)
class LedgerLine:
    at: str
    kind: str
    kind_label: str
    amount: Decimal
    balance: Decimal
    detail: str


def credit_ledger(credit: PaymentAdjustment) -> list[LedgerLine]:
    """The credit granted, then each use — carried on a bill, refunded, offset — with the balance
    after it, in time order."""
    events: list[tuple[str, int, str, str, Decimal, str]] = []
    for move in CreditMove.objects.filter(credit=credit):
        bills = f" (faturas {', '.join(str(b) for b in move.bills)})" if move.bills else ""
        events.append(
            (
                move.created_at.isoformat(),
                move.pk,
                move.kind,
                move.get_kind_display(),
                move.amount,
                move.reason + bills,
            )
        )
    for item in _billed(credit):
        events.append(
            (
                item.bill.created_at.isoformat(),
                0,
                "billed",
                "Lançado na fatura",
                -item.amount,
                f"fatura {item.bill_id} de {item.bill.reference:%m/%Y}",
            )
        )
    balance = Decimal(credit.amount)
    lines = [
        LedgerLine(
            f"{credit.created_at:%Y-%m-%d}",
            "granted",
            "Crédito concedido",
            credit.amount,
            balance,
            credit.description,
        )
    ]
    for at, _pk, kind, label, amount, detail in sorted(events):
        balance -= amount
        lines.append(LedgerLine(at[:10], kind, label, -amount, balance, detail))
    return lines


def _amount_checked(amount: Decimal, balance: Decimal) -> None:
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(
            "Informe um valor positivo, em reais e centavos.", field="amount", code=ErrorCode.INVALID
        )
    if amount > balance:
        raise ValidationFailed(
            f"O valor (R$ {format_brl(amount)}) é maior que o saldo do crédito (R$ {format_brl(balance)}).",
            field="amount",
            code=ErrorCode.CREDIT_EXCEEDED,
        )


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationFailed("Informe a justificativa.", field="reason", code=ErrorCode.INVALID)
    return reason.strip()[:300]


def _move(
    actor: Actor, credit: PaymentAdjustment, kind: str, amount: Decimal, reason: str, bills: list[int]
) -> CreditMove:
    move: CreditMove = CreditMove.objects.create(
        credit=credit, kind=kind, amount=amount, bills=bills, reason=reason, created_by=actor.get_username()
    )
    audit_record(
        actor=actor,
        action=f"collection.credit_{kind}",
        target=credit,
        reason=reason,
        after={"amount": amount, "bills": bills, "balance": credit_balance(credit)},
    )
    return move


@transaction.atomic(durable=True)
def credit_refund(*, actor: Actor, credit_id: int, amount: Decimal, reason: str) -> CreditMove:
    """Part or all of the balance returned to the payer (the payout itself is outside, ADR 0236)."""
    note = _reason(reason)
    credit = _credit(credit_id)
    _amount_checked(amount, credit_balance(credit))
    return _move(actor, credit, CreditMove.Kind.REFUND, amount, note, [])


@transaction.atomic(durable=True)
def credit_offset(
    *, actor: Actor, credit_id: int, bill_ids: Sequence[int], amount: Decimal, reason: str
) -> CreditMove:
    """Settle open bills of the credit's property with it: `amount` must be within the balance and
    equal to the bills' totals (a bill is settled whole, never in part)."""
    note = _reason(reason)
    credit = _credit(credit_id)
    _amount_checked(amount, credit_balance(credit))
    if not bill_ids:
        raise ValidationFailed("Escolha as faturas a compensar.", field="bills", code=ErrorCode.INVALID)
    bills: list[Bill] = []
    for bill_id in sorted(set(bill_ids)):
        bill = open_bill_locked(bill_id, field="bills")
        if bill.property_id != credit.property_id:
            raise ValidationFailed(
                f"A fatura {bill.pk} é de outro imóvel: o crédito só compensa faturas do seu imóvel.",
                field="bills",
                code=ErrorCode.INVALID,
            )
        bills.append(bill)
    offsettable = sum((b.total for b in bills), ZERO)
    if amount > offsettable:
        raise ValidationFailed(
            f"O valor (R$ {format_brl(amount)}) é maior que o que pode ser compensado: as faturas "
            f"escolhidas somam R$ {format_brl(offsettable)}.",
            field="amount",
            code=ErrorCode.CREDIT_EXCEEDED,
        )
    if amount < offsettable:
        raise ValidationFailed(
            f"As faturas escolhidas somam R$ {format_brl(offsettable)}: uma fatura é compensada inteira, "
            "nunca em parte.",
            field="amount",
            code=ErrorCode.INVALID,
        )
    for bill in bills:
        bill_settle(credit.payment, bill)
    bills_paid([b.pk for b in bills], actor)
    return _move(actor, credit, CreditMove.Kind.OFFSET, amount, note, [b.pk for b in bills])


def open_bills_of(property_id: int) -> list[Bill]:
    return list(
        Bill.objects.filter(property_id=property_id, status=BillStatus.RELEASED).order_by("due_date", "id")
    )
