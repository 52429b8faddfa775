"""The general payment matcher: every channel's payments judged by one rule set (ADR 0034).

`payments_match` loads what each barcode names (a bill, else a guia), judges each payment with the
pure `domain.matching.payment_judge`, records it (applied or in review, with the reason) and settles
what may be settled. Return files send their bills' payments through the set-based
`return_import.import_bill_payments` instead, which writes the same judgement in SQL; the case table
in tests/collection/test_payment_cases.py holds both to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor
from modules.common.typed import transaction

from .documents import bills_paid, document_paid, held_bills
from .domain.matching import BillFacts, DocumentFacts, Judgement, Paid, Verdict, payment_judge
from .models import (
    CollectingAgent,
    DocumentBill,
    GatewayCharge,
    Payment,
    PaymentDocument,
    ReturnFile,
    Settlement,
)

CHUNK = 5000
R = Payment.Review

# The review reason a payment records for each verdict (the reasons are the API's and the queue's
# words; the verdicts say more precisely why).
REVIEW_REASONS: dict[Verdict, str] = {
    Verdict.SETTLE: R.NONE,
    Verdict.NO_TARGET: R.UNKNOWN,
    Verdict.CANCELLED: R.CANCELLED,
    Verdict.NOT_ISSUED: R.UNKNOWN,
    Verdict.ALREADY_PAID: R.DUPLICATE,
    Verdict.PAID_ELSEWHERE: R.DUPLICATE,
    Verdict.HELD: R.IN_AGREEMENT,
    Verdict.EXPIRED: R.WRONG_AMOUNT,
    Verdict.WRONG_AMOUNT: R.WRONG_AMOUNT,
}

T = TypeVar("T")


@dataclass(frozen=True)
class Incoming:
    """One payment as a channel reports it."""

    barcode: str
    amount: Decimal
    paid_on: dt.date
    credited_on: dt.date
    fee: Decimal = Decimal("0.00")
    line: int | None = None
    authentication: str = ""


@dataclass(frozen=True)
class BillRow:
    """A bill's row as the matcher reads it, its status as the facts it decides."""

    id: int
    total: Decimal
    property_id: int
    cancelled: bool
    issued: bool  # out of critique
    paid: bool


@dataclass
class Targets:
    """What the batch's barcodes name, loaded once: bills (the live one when a cancelled bill and its
    re-issue share a barcode), else guias and their bills; which of those bills are settled (grows as
    the batch settles them) and which an agreement holds, with why."""

    bills: dict[str, BillRow]
    documents: dict[str, PaymentDocument]
    document_bills: dict[int, list[int]]
    settled: set[int]
    held: dict[int, str]

    def facts(self, barcode: str) -> BillFacts | DocumentFacts | None:
        bill = self.bills.get(barcode)
        if bill is not None:
            return BillFacts(
                total=bill.total,
                cancelled=bill.cancelled,
                issued=bill.issued,
                settled=bill.id in self.settled or bill.paid,
                hold=self.held.get(bill.id),
            )
        doc = self.documents.get(barcode)
        if doc is None:
            return None
        lines = self.document_bills.get(doc.pk, [])
        return DocumentFacts(
            amount=doc.amount,
            valid_until=doc.valid_until,
            cancelled=doc.status == PaymentDocument.Status.CANCELLED,
            paid=doc.status == PaymentDocument.Status.PAID,
            bills_settled=any(b in self.settled for b in lines),
            bills_held=any(b in self.held for b in lines),
        )


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def payments_match(
    *,
    actor: Actor,
    agent: CollectingAgent,
    channel: str,
    items: Sequence[Incoming],
    return_file: ReturnFile | None = None,
    gateway_charge: GatewayCharge | None = None,
) -> list[Payment]:
    """Judge and record `items` in order; settle what may be settled; return the payments, one per
    item, applied or in review with the reason and its pt-BR detail.

    Runs inside the caller's transaction: the payments, settlements and bill statuses commit or roll
    back with the caller's work (the counter rolls back a refusal). It takes no lock; a caller that
    must not race another channel on the same bill locks it first (the counter locks the bill row,
    the gateway its charge row), and the partial unique indexes on Settlement and Payment are the
    last word against a race that slips past the checks.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("payments_match runs inside the caller's transaction.")
    targets = _targets_load(sorted({i.barcode for i in items}))
    payments: list[Payment] = []
    settle_bills: list[tuple[int, Payment, Decimal]] = []  # (bill, payment, amount)
    paid_documents: list[tuple[PaymentDocument, Payment]] = []
    username = actor.get_username()
    for item in items:
        bill, doc = targets.bills.get(item.barcode), targets.documents.get(item.barcode)
        judgement = payment_judge(targets.facts(item.barcode), Paid(item.amount, item.paid_on))
        payment = _payment(item, judgement, bill=bill, doc=doc)
        payment.agent, payment.channel, payment.created_by = agent, channel, username
        payment.return_file, payment.gateway_charge = return_file, gateway_charge
        payments.append(payment)
        if not judgement.settles:
            continue
        if bill is not None:
            targets.settled.add(bill.id)
            settle_bills.append((bill.id, payment, item.amount))
        elif doc is not None:
            doc.status = PaymentDocument.Status.PAID
            targets.settled.update(targets.document_bills.get(doc.pk, []))
            paid_documents.append((doc, payment))
    _settle(actor, payments, settle_bills, paid_documents)
    return payments


def _targets_load(barcodes: list[str]) -> Targets:
    bills: dict[str, BillRow] = {}
    for codes in _chunks(barcodes):
        for pk, barcode, status, total, property_id in Bill.objects.filter(barcode__in=codes).values_list(
            "id", "barcode", "status", "total", "property_id"
        ):
            known = bills.get(barcode)
            # a cancelled bill and its re-issue may share the barcode: the live one wins
            if known is None or known.cancelled:
                bills[barcode] = BillRow(
                    id=pk,
                    total=total,
                    property_id=property_id,
                    cancelled=status == BillStatus.CANCELLED,
                    issued=status != BillStatus.DRAFT,
                    paid=status == BillStatus.PAID,
                )
    documents: dict[str, PaymentDocument] = {}
    for codes in _chunks([b for b in barcodes if b not in bills]):
        for doc in PaymentDocument.objects.filter(barcode__in=codes).order_by("id"):
            documents.setdefault(doc.barcode, doc)
    document_bills: dict[int, list[int]] = {}
    if documents:
        for doc_id, bill_id in DocumentBill.objects.filter(document__in=documents.values()).values_list(
            "document_id", "bill_id"
        ):
            document_bills.setdefault(doc_id, []).append(bill_id)
    bill_ids = [row.id for row in bills.values()] + [b for ids in document_bills.values() for b in ids]
    settled: set[int] = set()
    for part in _chunks(bill_ids):
        settled.update(
            Settlement.objects.filter(bill_id__in=part, reversed=False).values_list("bill_id", flat=True)
        )
    return Targets(bills, documents, document_bills, settled, held_bills(bill_ids))


def _payment(
    item: Incoming, judgement: Judgement, *, bill: BillRow | None, doc: PaymentDocument | None
) -> Payment:
    """The payment `item` becomes under `judgement` (who took it is the caller's to add)."""
    reason = REVIEW_REASONS[judgement.verdict]
    return Payment(
        status=Payment.Status.REVIEW if reason else Payment.Status.APPLIED,
        review_reason=reason,
        review_detail=judgement.detail,
        bill_id=bill.id if bill is not None else None,
        document=doc,
        property_id=bill.property_id if bill is not None else doc.property_id if doc is not None else None,
        barcode=item.barcode,
        amount=item.amount,
        fee=item.fee,
        paid_on=item.paid_on,
        credited_on=item.credited_on,
        line=item.line,
        authentication=item.authentication,
    )


def _settle(
    actor: Actor,
    payments: list[Payment],
    settle_bills: list[tuple[int, Payment, Decimal]],
    paid_documents: list[tuple[PaymentDocument, Payment]],
) -> None:
    """Write the batch: its payments, a settlement per bill settled (a guia's per bill it pays, at the
    line's priced total), the bills paid, the guias paid and their hooks run (debt: a down payment
    activates its agreement)."""
    Payment.objects.bulk_create(payments, batch_size=CHUNK)
    for doc, payment in paid_documents:
        for line in doc.lines.all():
            settle_bills.append((line.bill_id, payment, line.total))
    Settlement.objects.bulk_create(
        (Settlement(payment=p, bill_id=b, amount=a, paid_on=p.paid_on) for b, p, a in settle_bills),
        batch_size=CHUNK,
    )
    for chunk in _chunks([b for b, _, _ in settle_bills]):
        Bill.objects.filter(id__in=chunk).update(status=BillStatus.PAID)
    for doc, _ in paid_documents:
        PaymentDocument.objects.filter(pk=doc.pk).update(status=PaymentDocument.Status.PAID)
        document_paid(doc, actor)
    bills_paid([b for b, _, _ in settle_bills], actor)
