"""One table of payment cases (ADR 0034), run three ways so the judgement cannot drift: through the
pure `payment_judge`, through the general matcher (`payments_match`, every channel's path) and
through a real return-file import (the set-based SQL path for bills; guias and unknown barcodes go on
to the general matcher from there); the one-line cases also at the counter, which refuses on the spot
what would go to review.

Each case arranges one target (a bill, a guia or nothing) in a state, pays it with the batch's lines
in order and expects, per line, the verdict, the review reason recorded and the pt-BR detail. In
the database runs the target's settlement by the batch is checked too: one settlement when a line
settles, none otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from modules.billing.models import Bill, BillStatus
from modules.collection import services
from modules.collection.domain.matching import BillFacts, DocumentFacts, Paid, Verdict, payment_judge
from modules.collection.matcher import REVIEW_REASONS, Incoming, payments_match
from modules.collection.models import Payment, PaymentDocument, Settlement
from modules.common.audit import SystemActor
from modules.common.errors import Conflict
from modules.debt import services as debt
from modules.debt.models import InstallmentPolicyVersion
from tests.collection import factories as f

ACTOR = SystemActor("tests")
PAID_ON = dt.date(2025, 6, 10)
VALID_UNTIL = dt.date(2025, 6, 20)  # a guia's last day
FAR_DUE = dt.date(2099, 1, 10)  # no late charges: a guia's amount is its bill's total
TOTAL = "1234.56"


@dataclass(frozen=True)
class Line:
    amount: str
    verdict: Verdict
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # "bill", "guia" or "none"
    lines: tuple[Line, ...]
    state: frozenset[str] = frozenset()  # see _arrange
    paid_on: dt.date = PAID_ON

    def __str__(self) -> str:
        return self.name


def case(name: str, target: str, *lines: Line, state: str = "", paid_on: dt.date = PAID_ON) -> Case:
    return Case(name, target, lines, frozenset(state.split()), paid_on)


SETTLE = Line(TOTAL, Verdict.SETTLE, "")
BILL_PAID = Line(TOTAL, Verdict.ALREADY_PAID, "duplicate", "fatura já paga")
HELD = "fatura incluída no parcelamento {agreement}"

CASES = [
    case("bill paid to the cent settles", "bill", SETTLE),
    case(
        "bill paid short",
        "bill",
        Line("1200.00", Verdict.WRONG_AMOUNT, "wrong_amount", "pago R$ 1.200,00, fatura de R$ 1.234,56"),
    ),
    case(
        "bill overpaid",
        "bill",
        Line("1234.57", Verdict.WRONG_AMOUNT, "wrong_amount", "pago R$ 1.234,57, fatura de R$ 1.234,56"),
    ),
    case(
        "cancelled bill",
        "bill",
        Line(TOTAL, Verdict.CANCELLED, "cancelled", "fatura cancelada"),
        state="cancelled",
    ),
    case(
        "bill still in critique",
        "bill",
        Line(TOTAL, Verdict.NOT_ISSUED, "unknown", "fatura ainda não emitida (em crítica)"),
        state="draft",
    ),
    case(
        "bill in critique paid short: not issued comes first",
        "bill",
        Line("1.00", Verdict.NOT_ISSUED, "unknown", "fatura ainda não emitida (em crítica)"),
        state="draft",
    ),
    case("bill settled before", "bill", BILL_PAID, state="settled"),
    case(
        "bill settled before, paid short: already paid comes first",
        "bill",
        Line("1.00", Verdict.ALREADY_PAID, "duplicate", "fatura já paga"),
        state="settled",
    ),
    case("bill marked paid without a settlement", "bill", BILL_PAID, state="paid_status"),
    case("bill whose settlement was reversed is open again", "bill", SETTLE, state="settled reversed"),
    case("bill held by an agreement", "bill", Line(TOTAL, Verdict.HELD, "in_agreement", HELD), state="held"),
    case(
        "bill held, paid short: held comes first",
        "bill",
        Line("1.00", Verdict.HELD, "in_agreement", HELD),
        state="held",
    ),
    case(
        "a cancelled bill's re-issue with the same barcode: the live one settles",
        "bill",
        SETTLE,
        state="reissued",
    ),
    case(
        "short, exact, exact again: the exact one settles, the later is a duplicate",
        "bill",
        Line("1200.00", Verdict.WRONG_AMOUNT, "wrong_amount", "pago R$ 1.200,00, fatura de R$ 1.234,56"),
        SETTLE,
        BILL_PAID,
    ),
    case(
        "exact then short: the short one is a duplicate",
        "bill",
        SETTLE,
        Line("1200.00", Verdict.ALREADY_PAID, "duplicate", "fatura já paga"),
    ),
    case("guia paid to the cent settles its bill", "guia", SETTLE),
    case(
        "guia paid short",
        "guia",
        Line("1234.00", Verdict.WRONG_AMOUNT, "wrong_amount", "pago R$ 1.234,00, documento de R$ 1.234,56"),
    ),
    case(
        "cancelled guia",
        "guia",
        Line(TOTAL, Verdict.CANCELLED, "cancelled", "documento cancelado"),
        state="cancelled",
    ),
    case(
        "guia paid before",
        "guia",
        Line(TOTAL, Verdict.ALREADY_PAID, "duplicate", "documento já pago"),
        state="paid",
    ),
    case(
        "guia whose bill was paid by itself",
        "guia",
        Line(TOTAL, Verdict.PAID_ELSEWHERE, "duplicate", "fatura do documento já paga por outro meio"),
        state="bill_settled",
    ),
    case(
        "guia whose bill an agreement holds",
        "guia",
        Line(TOTAL, Verdict.HELD, "in_agreement", "fatura do documento incluída em parcelamento"),
        state="bill_held",
    ),
    case(
        "guia paid after its validity",
        "guia",
        Line(TOTAL, Verdict.EXPIRED, "wrong_amount", "documento válido até 20/06/2025"),
        paid_on=VALID_UNTIL + dt.timedelta(days=1),
    ),
    case("guia paid on its last day settles", "guia", SETTLE, paid_on=VALID_UNTIL),
    case(
        "guia paid twice in the batch",
        "guia",
        SETTLE,
        Line(TOTAL, Verdict.ALREADY_PAID, "duplicate", "documento já pago"),
    ),
    case(
        "barcode of no bill and no guia",
        "none",
        Line(TOTAL, Verdict.NO_TARGET, "unknown", "código de barras não corresponde a fatura nem guia"),
    ),
]


# --- the pure function ------------------------------------------------------------------------------


def _facts(c: Case) -> BillFacts | DocumentFacts | None:
    """The facts the matcher loads for the state `_arrange` builds."""
    if c.target == "bill":
        return BillFacts(
            total=Decimal(TOTAL),
            cancelled="cancelled" in c.state,
            issued="draft" not in c.state,
            settled=bool({"settled", "paid_status"} & c.state) and "reversed" not in c.state,
            hold=HELD.format(agreement=7) if "held" in c.state else None,
        )
    if c.target == "guia":
        return DocumentFacts(
            amount=Decimal(TOTAL),
            valid_until=VALID_UNTIL,
            cancelled="cancelled" in c.state,
            paid="paid" in c.state,
            bills_settled="bill_settled" in c.state,
            bills_held="bill_held" in c.state,
        )
    return None


@pytest.mark.parametrize("c", CASES, ids=str)
def test_the_pure_judgement(c):
    facts = _facts(c)
    got = []
    for line in c.lines:
        judgement = payment_judge(facts, Paid(Decimal(line.amount), c.paid_on))
        got.append((judgement.verdict, REVIEW_REASONS[judgement.verdict], judgement.detail))
        if judgement.settles:  # the batch rule: what this line settled is settled for the next
            if isinstance(facts, BillFacts):
                facts = BillFacts(facts.total, settled=True)
            elif isinstance(facts, DocumentFacts):
                facts = DocumentFacts(facts.amount, facts.valid_until, paid=True)
    assert got == [(line.verdict, line.reason, line.detail.format(agreement=7)) for line in c.lines]


# --- the database paths -----------------------------------------------------------------------------


def _arrange(c: Case) -> tuple[str, int | None, dict[str, Any]]:
    """Build the case's target in its state; return its barcode, the bill whose settlement tells
    whether the batch settled the target, and the values the expected details name."""
    f.agent()
    prop = f.prop()
    bill = f.bill(prop, TOTAL, FAR_DUE)
    context: dict[str, Any] = {}
    if c.target == "none":
        barcode = bill.barcode
        bill.delete()
        return barcode, None, context
    if c.target == "guia":
        guia = debt.statement_create(actor=ACTOR, property_id=prop.pk, as_of=PAID_ON, valid_until=VALID_UNTIL)
        assert guia.amount == Decimal(TOTAL)
        if "cancelled" in c.state:
            services.document_cancel(actor=ACTOR, document=guia, reason="teste")
        if "paid" in c.state:
            services.payment_register(actor=ACTOR, barcode=guia.barcode, amount=guia.amount, paid_on=PAID_ON)
        if "bill_settled" in c.state:
            services.payment_register(actor=ACTOR, barcode=bill.barcode, amount=bill.total, paid_on=PAID_ON)
        if "bill_held" in c.state:
            _agreement(prop)
        return guia.barcode, bill.pk, context
    if "settled" in c.state:
        payment = services.payment_register(
            actor=ACTOR, barcode=bill.barcode, amount=bill.total, paid_on=PAID_ON
        )
        if "reversed" in c.state:
            services.payment_reverse(actor=ACTOR, payment_id=payment.pk, reason="teste")
    if "held" in c.state:
        context["agreement"] = _agreement(prop).pk
    status = {"cancelled": BillStatus.CANCELLED, "draft": BillStatus.DRAFT, "paid_status": BillStatus.PAID}
    for word, value in status.items():
        if word in c.state:
            Bill.objects.filter(pk=bill.pk).update(status=value)
    if "reissued" in c.state:
        Bill.objects.filter(pk=bill.pk).update(status=BillStatus.CANCELLED)
        reissue = f.bill(prop, TOTAL, FAR_DUE)
        Bill.objects.filter(pk=reissue.pk).update(barcode=bill.barcode)
        return bill.barcode, reissue.pk, context
    return bill.barcode, bill.pk, context


def _agreement(prop):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), min_installment=Decimal("1"))
    return debt.agreement_create(
        actor=ACTOR, property_id=prop.pk, down_payment=Decimal("0"), count=2, as_of=PAID_ON
    )


def _pay_by_matcher(c: Case, barcode: str) -> list[Payment]:
    items = [
        Incoming(barcode, Decimal(line.amount), c.paid_on, c.paid_on, line=number)
        for number, line in enumerate(c.lines, start=2)
    ]
    with transaction.atomic():
        return payments_match(actor=ACTOR, agent=f.agent(), channel=Payment.Channel.COUNTER, items=items)


def _pay_by_return_file(c: Case, barcode: str) -> list[Payment]:
    data = f.return_file(
        [(barcode, line.amount) for line in c.lines], paid_on=c.paid_on, credited_on=c.paid_on
    )
    rf = services.return_file_import(actor=ACTOR, data=data)
    return list(Payment.objects.filter(return_file=rf).order_by("line"))


@pytest.mark.parametrize("path", ["matcher", "return_file"])
@pytest.mark.parametrize("c", CASES, ids=str)
def test_both_paths_judge_alike(tenant_alpha, c, path):
    barcode, settles_bill, context = _arrange(c)
    before = set(Payment.objects.values_list("pk", flat=True))

    payments = (_pay_by_matcher if path == "matcher" else _pay_by_return_file)(c, barcode)

    expected = [
        (
            Payment.Status.APPLIED if line.verdict is Verdict.SETTLE else Payment.Status.REVIEW,
            line.reason,
            line.detail.format(**context),
        )
        for line in c.lines
    ]
    assert [(p.status, p.review_reason, p.review_detail) for p in payments] == expected
    batch = set(Payment.objects.values_list("pk", flat=True)) - before
    assert batch == {p.pk for p in payments}
    settled_by_batch = Settlement.objects.filter(bill_id=settles_bill, reversed=False, payment__in=batch)
    assert settled_by_batch.count() == sum(line.verdict is Verdict.SETTLE for line in c.lines)
    if c.target == "guia":
        guia = PaymentDocument.objects.get(barcode=barcode)
        assert (guia.status == PaymentDocument.Status.PAID) == (
            "paid" in c.state or settled_by_batch.exists()
        )


ONE_LINE = [c for c in CASES if len(c.lines) == 1]


@pytest.mark.parametrize("c", ONE_LINE, ids=str)
def test_the_counter_refuses_on_the_spot_what_would_go_to_review(tenant_alpha, c):
    """A person is at the counter: what the matcher would queue is refused, with the review reason as
    the error's code, and nothing is written; what it would settle is settled."""
    barcode, settles_bill, context = _arrange(c)
    (line,) = c.lines
    before = (Payment.objects.count(), Settlement.objects.count())

    if line.verdict is Verdict.SETTLE:
        payment = services.payment_register(
            actor=ACTOR, barcode=barcode, amount=Decimal(line.amount), paid_on=c.paid_on
        )
        assert payment.status == Payment.Status.APPLIED
        assert Settlement.objects.filter(bill_id=settles_bill, payment=payment, reversed=False).count() == 1
        return
    with pytest.raises(Conflict) as refused:
        services.payment_register(
            actor=ACTOR, barcode=barcode, amount=Decimal(line.amount), paid_on=c.paid_on
        )

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, line.reason, "barcode")
    assert f"({line.detail.format(**context)})" in refused.value.message
    assert (Payment.objects.count(), Settlement.objects.count()) == before
