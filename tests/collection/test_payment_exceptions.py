"""Payment exceptions (issue #18, ADR 0236): an unknown payment attached to its bill on proof (with
the difference on the next bill or absorbed), duplicates and payments of cancelled bills turned into
credits on the next bill, a payment moved between properties with its trail, bank deposits (naming
their bill, or unidentified and identified later); every action audited, nothing settled twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from modules.billing.models import Bill, BillStatus
from modules.collection import exceptions as ex
from modules.collection import services
from modules.collection.models import Payment, PaymentAdjustment, PaymentTransfer, Settlement
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
ACTOR = SystemActor("tests")
DUE = dt.date(2025, 6, 5)
PAID = dt.date(2025, 6, 10)


def _import(rows: list[tuple[str, str]], nsa: int = 1) -> None:
    f.agent()
    services.return_file_import(actor=ACTOR, data=f.return_file(rows, nsa=nsa), filename=f"r{nsa}.ret")


def _unknown_barcode() -> str:
    ghost = f.bill(f.prop(), "57.30", DUE)
    code = ghost.barcode
    ghost.delete()
    return code


def test_an_unknown_payment_is_attached_to_its_bill_and_the_difference_goes_to_the_next_bill():
    p = f.prop()
    bill = f.bill(p, "50.00", DUE)
    _import([(_unknown_barcode(), "57.30")])
    payment = Payment.objects.get(review_reason="unknown")
    with pytest.raises(ValidationFailed) as exc:
        ex.payment_attach(actor=ACTOR, payment_id=payment.pk, bill_id=bill.pk, reason=" ")
    assert exc.value.field == "reason"
    ex.payment_attach(actor=ACTOR, payment_id=payment.pk, bill_id=bill.pk, reason="Comprovante do cliente")
    payment.refresh_from_db()
    bill.refresh_from_db()
    assert (payment.status, payment.bill_id, payment.property_id) == ("applied", bill.pk, p.pk)
    assert (
        bill.status == BillStatus.PAID and Settlement.objects.filter(bill=bill, reversed=False).count() == 1
    )
    credit = PaymentAdjustment.objects.get(payment=payment)
    assert (credit.kind, credit.amount, credit.cause) == ("credit", Decimal("7.30"), "difference")
    # the next bill carries it as a credit line, once
    items = ex.adjustment_items([p.pk], YearMonth(2025, 7))[p.pk]
    assert [(i.kind, i.amount, i.source) for i in items] == [
        ("credit", Decimal("-7.30"), "collection.adjustment")
    ]
    entry = AuditEntry.objects.get(action="collection.payment_attach")
    assert entry.reason == "Comprovante do cliente" and entry.before["reason"] == "unknown"
    # attached twice: refused
    with pytest.raises(Conflict):
        ex.payment_attach(actor=ACTOR, payment_id=payment.pk, bill_id=bill.pk, reason="de novo")


def test_a_short_payment_attached_leaves_a_debit_and_absorb_leaves_nothing():
    p = f.prop()
    short, other = (
        f.bill(p, "100.00", DUE, dt.date(2025, 5, 1)),
        f.bill(p, "100.00", DUE, dt.date(2025, 4, 1)),
    )
    _import([(short.barcode, "90.00"), (other.barcode, "99.00")])
    first, second = Payment.objects.filter(review_reason="wrong_amount").order_by("line")
    ex.payment_attach(actor=ACTOR, payment_id=first.pk, bill_id=short.pk, reason="Pago a menor")
    ex.payment_attach(
        actor=ACTOR, payment_id=second.pk, bill_id=other.pk, reason="Tolerância", difference="absorb"
    )
    debit = PaymentAdjustment.objects.get()
    assert (debit.payment_id, debit.kind, debit.amount) == (first.pk, "debit", Decimal("10.00"))
    (item,) = ex.adjustment_items([p.pk], YearMonth(2025, 7))[p.pk]
    assert (item.kind, item.amount) == ("adjustment", Decimal("10.00"))


def test_a_duplicate_and_a_payment_of_a_cancelled_bill_become_credits_on_the_next_bill():
    p = f.prop()
    twice = f.bill(p, "40.00", DUE, dt.date(2025, 5, 1))
    cancelled = f.bill(p, "30.00", DUE, dt.date(2025, 4, 1))
    Bill.objects.filter(pk=cancelled.pk).update(status=BillStatus.CANCELLED)
    _import([(twice.barcode, "40.00"), (twice.barcode, "40.00"), (cancelled.barcode, "30.00")])
    dup = Payment.objects.get(review_reason="duplicate")
    canc = Payment.objects.get(review_reason="cancelled")
    ex.payment_credit(actor=ACTOR, payment_id=dup.pk, reason="Pagou duas vezes")
    ex.payment_credit(actor=ACTOR, payment_id=canc.pk, reason="Fatura cancelada")
    assert sorted(PaymentAdjustment.objects.values_list("cause", "kind", "amount")) == [
        ("cancelled", "credit", Decimal("30.00")),
        ("duplicate", "credit", Decimal("40.00")),
    ]
    dup.refresh_from_db()
    assert dup.status == "credited"
    assert Settlement.objects.filter(bill=twice, reversed=False).count() == 1
    # an unknown payment needs the property that receives the credit
    _import([(_unknown_barcode(), "5.00")], nsa=2)
    lost = Payment.objects.get(review_reason="unknown")
    with pytest.raises(ValidationFailed) as exc:
        ex.payment_credit(actor=ACTOR, payment_id=lost.pk, reason="Sem imóvel")
    assert exc.value.field == "property"
    ex.payment_credit(actor=ACTOR, payment_id=lost.pk, reason="Identificado", property_id=p.pk)
    assert PaymentAdjustment.objects.filter(property=p).count() == 3


def test_a_payment_moves_between_properties_with_its_trail():
    a, b = f.prop(), f.prop()
    bill_a, bill_b = f.bill(a, "60.00", DUE), f.bill(b, "60.00", DUE)
    payment = services.payment_register(
        actor=ACTOR, barcode=bill_a.barcode, amount=Decimal("60.00"), paid_on=PAID
    )
    ex.payment_transfer(
        actor=ACTOR, payment_id=payment.pk, bill_id=bill_b.pk, reason="Pagou a conta do vizinho"
    )
    bill_a.refresh_from_db()
    bill_b.refresh_from_db()
    payment.refresh_from_db()
    assert (bill_a.status, bill_b.status) == (BillStatus.RELEASED, BillStatus.PAID)
    assert (payment.bill_id, payment.property_id, payment.status) == (bill_b.pk, b.pk, "applied")
    t = PaymentTransfer.objects.get()
    assert (t.from_property_id, t.to_property_id, t.reason) == (a.pk, b.pk, "Pagou a conta do vizinho")
    assert Settlement.objects.filter(bill=bill_a, reversed=False).count() == 0
    assert AuditEntry.objects.filter(action="collection.payment_transfer").count() == 1
    # to a bill already paid: refused, nothing moves
    bill_c = f.bill(f.prop(), "60.00", DUE)
    services.payment_register(actor=ACTOR, barcode=bill_c.barcode, amount=Decimal("60.00"), paid_on=PAID)
    with pytest.raises(Conflict) as exc:
        ex.payment_transfer(actor=ACTOR, payment_id=payment.pk, bill_id=bill_c.pk, reason="x")
    assert exc.value.field == "bill"
    payment.refresh_from_db()
    assert payment.bill_id == bill_b.pk


def test_a_deposit_settles_its_bill_and_an_unidentified_one_waits_until_identified():
    f.agent("001")
    p = f.prop()
    bill, later = f.bill(p, "25.00", DUE, dt.date(2025, 5, 1)), f.bill(p, "26.00", DUE, dt.date(2025, 4, 1))
    dep = ex.deposit_register(
        actor=ACTOR, agent_code="001", deposited_on=PAID, amount=Decimal("25.00"), barcode=bill.typeable_line
    )
    assert (dep.channel, dep.status) == ("deposit", "applied")
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    lost = ex.deposit_register(
        actor=ACTOR, agent_code="001", deposited_on=PAID, amount=Decimal("26.00"), reference="DOC 123"
    )
    assert (lost.status, lost.review_reason, lost.review_detail) == (
        "review",
        "unknown",
        "Depósito não identificado",
    )
    ex.payment_attach(actor=ACTOR, payment_id=lost.pk, bill_id=later.pk, reason="Extrato conferido")
    later.refresh_from_db()
    assert later.status == BillStatus.PAID
    with pytest.raises(ValidationFailed) as exc:
        ex.deposit_register(actor=ACTOR, agent_code="001", deposited_on=PAID, amount=Decimal("0"))
    assert exc.value.field == "amount"


def test_exceptions_api(alpha_client: Client):
    make_user("alpha", "chefe", "Senha-forte-123", is_admin=True)
    headers = bearer(alpha_client, "chefe", "Senha-forte-123")
    f.agent("001")
    p = f.prop()
    bill = f.bill(p, "12.00", DUE)
    r = alpha_client.post(
        "/api/v1/collection/deposits",
        {"agent": "001", "deposited_on": "2025-06-10", "amount": "12.00"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    listed = alpha_client.get("/api/v1/collection/deposits?status=unidentified", **headers).json()
    assert [d["id"] for d in listed["results"]] == [pid]
    r = alpha_client.post(
        f"/api/v1/collection/payments/{pid}/attach",
        {"bill": bill.pk, "reason": "Comprovante"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200 and r.json()["status"] == "applied"
    r = alpha_client.post(
        f"/api/v1/collection/payments/{pid}/attach",
        {"bill": bill.pk, "reason": "Comprovante"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 409 and r.json()["field"] == "status"
