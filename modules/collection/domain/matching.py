"""The judgement of one payment against what its barcode names (ADR 0034): settle it, or send it to
review and say why.

Pure: the caller loads the facts (the bill's or the guia's state, whether it is settled already,
whether an agreement holds it) and applies the verdict. Two callers judge by these rules: the general
matcher (`services.payments_match`, row by row, for every channel) and the set-based return-file
import (`return_import`, in SQL, for bills), which writes the same checks as a CASE in the same
order; tests/collection/test_payment_cases.py runs one table of cases through this function and through
both paths so they cannot drift.

Within one batch the first payment that settles a target makes it settled for the payments after it
(they are duplicates); a payment before it keeps its own verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from modules.common.domain.money import format_brl


class Verdict(StrEnum):
    """What to do with a payment; every verdict but SETTLE sends it to review."""

    SETTLE = "settle"
    NO_TARGET = "no_target"  # the barcode is no bill's and no guia's
    CANCELLED = "cancelled"  # the bill or the guia was cancelled
    NOT_ISSUED = "not_issued"  # the bill is still in critique
    ALREADY_PAID = "already_paid"  # the bill or the guia is settled already
    PAID_ELSEWHERE = "paid_elsewhere"  # a bill of the guia was settled by another payment
    HELD = "held"  # an agreement holds the bill (or a bill of the guia)
    EXPIRED = "expired"  # the guia was paid after its validity (its late charges stop that day)
    WRONG_AMOUNT = "wrong_amount"  # not the amount due, to the cent


@dataclass(frozen=True)
class BillFacts:
    """A bill as the matcher sees it. `settled`: a live settlement, the paid status, or an earlier
    payment of the same batch settled it. `hold`: why it must not be settled directly (the words of
    the hold hook, e.g. "fatura incluída no parcelamento 12"), None when nothing holds it."""

    total: Decimal
    cancelled: bool = False
    issued: bool = True
    settled: bool = False
    hold: str | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """A guia (payable document) as the matcher sees it; `bills_settled` / `bills_held`: one of the
    bills it pays is settled already / held by an agreement."""

    amount: Decimal
    valid_until: dt.date
    cancelled: bool = False
    paid: bool = False
    bills_settled: bool = False
    bills_held: bool = False


@dataclass(frozen=True)
class Paid:
    amount: Decimal
    paid_on: dt.date


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    detail: str = ""  # pt-BR, shown in the review queue; empty when the payment settles

    @property
    def settles(self) -> bool:
        return self.verdict is Verdict.SETTLE


# The review details. The SQL path binds these very strings (and builds the wrong-amount one from
# WRONG_AMOUNT_BILL's parts), so a change here reaches both paths.
NO_TARGET_DETAIL = "código de barras não corresponde a fatura nem guia"
BILL_CANCELLED = "fatura cancelada"
BILL_NOT_ISSUED = "fatura ainda não emitida (em crítica)"
BILL_ALREADY_PAID = "fatura já paga"
WRONG_AMOUNT_BILL = ("pago R$ ", ", fatura de R$ ")
DOCUMENT_CANCELLED = "documento cancelado"
DOCUMENT_ALREADY_PAID = "documento já pago"
DOCUMENT_PAID_ELSEWHERE = "fatura do documento já paga por outro meio"
DOCUMENT_HELD = "fatura do documento incluída em parcelamento"


def payment_judge(target: BillFacts | DocumentFacts | None, paid: Paid) -> Judgement:
    """The verdict on `paid` against its target; the first rule that applies wins, in this order:
    cancelled, not issued, already settled, held, expired, wrong amount."""
    if target is None:
        return Judgement(Verdict.NO_TARGET, NO_TARGET_DETAIL)
    if isinstance(target, BillFacts):
        return _bill_judge(target, paid)
    return _document_judge(target, paid)


def _bill_judge(bill: BillFacts, paid: Paid) -> Judgement:
    if bill.cancelled:
        return Judgement(Verdict.CANCELLED, BILL_CANCELLED)
    if not bill.issued:
        return Judgement(Verdict.NOT_ISSUED, BILL_NOT_ISSUED)
    if bill.settled:
        return Judgement(Verdict.ALREADY_PAID, BILL_ALREADY_PAID)
    if bill.hold is not None:
        return Judgement(Verdict.HELD, bill.hold)
    if paid.amount != bill.total:
        before, after = WRONG_AMOUNT_BILL
        return Judgement(
            Verdict.WRONG_AMOUNT, f"{before}{format_brl(paid.amount)}{after}{format_brl(bill.total)}"
        )
    return Judgement(Verdict.SETTLE)


def _document_judge(doc: DocumentFacts, paid: Paid) -> Judgement:
    if doc.cancelled:
        return Judgement(Verdict.CANCELLED, DOCUMENT_CANCELLED)
    if doc.paid:
        return Judgement(Verdict.ALREADY_PAID, DOCUMENT_ALREADY_PAID)
    if doc.bills_settled:
        return Judgement(Verdict.PAID_ELSEWHERE, DOCUMENT_PAID_ELSEWHERE)
    if doc.bills_held:
        return Judgement(Verdict.HELD, DOCUMENT_HELD)
    if paid.paid_on > doc.valid_until:
        return Judgement(Verdict.EXPIRED, f"documento válido até {doc.valid_until:%d/%m/%Y}")
    if paid.amount != doc.amount:
        return Judgement(
            Verdict.WRONG_AMOUNT,
            f"pago R$ {format_brl(paid.amount)}, documento de R$ {format_brl(doc.amount)}",
        )
    return Judgement(Verdict.SETTLE)
