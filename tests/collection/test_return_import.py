"""The set-based return-file import keeps the matcher's rules line by line: the first exact payment of
a bill settles it whatever came before, a bill held by an agreement goes to review, a bill paid in
the file both directly and through a guia is settled once (by the direct payment), and the review
details read as the general matcher writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from modules.billing.models import BillStatus
from modules.collection import services
from modules.collection.models import Payment, PaymentDocument, Settlement
from modules.common.audit import SystemActor
from modules.debt import services as debt
from modules.debt.models import InstallmentPolicyVersion
from tests.collection import factories as f

ACTOR = SystemActor("tests")
DUE = dt.date(2025, 6, 5)


def _by_line(rf):
    return {
        p.line: (p.status, p.review_reason, p.review_detail)
        for p in Payment.objects.filter(return_file=rf).order_by("line")
    }


def test_wrong_amount_then_exact_then_repeat(tenant_alpha):
    f.agent()
    b = f.bill(f.prop(), "1234.56", DUE)
    rf = services.return_file_import(
        actor=ACTOR,
        data=f.return_file([(b.barcode, "1200.00"), (b.barcode, "1234.56"), (b.barcode, "1234.56")]),
    )
    assert _by_line(rf) == {
        2: ("review", "wrong_amount", "pago R$ 1.200,00, fatura de R$ 1.234,56"),
        3: ("applied", "", ""),
        4: ("review", "duplicate", "fatura já paga"),
    }
    assert (rf.applied_count, rf.review_count) == (1, 2)
    b.refresh_from_db()
    assert b.status == BillStatus.PAID
    assert Settlement.objects.get(bill=b, reversed=False).payment.line == 3


def test_a_bill_in_an_agreement_goes_to_review(tenant_alpha):
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), min_installment=Decimal("1"))
    f.agent()
    p = f.prop()
    held = f.bill(p, "80.00", dt.date(2099, 1, 10), dt.date(2025, 1, 1))
    agreement = debt.agreement_create(
        actor=ACTOR, property_id=p.pk, down_payment=Decimal("0"), count=2, as_of=dt.date(2025, 6, 1)
    )
    rf = services.return_file_import(actor=ACTOR, data=f.return_file([(held.barcode, "80.00")]))
    assert _by_line(rf) == {2: ("review", "in_agreement", f"fatura incluída no parcelamento {agreement.pk}")}
    held.refresh_from_db()
    assert held.status == BillStatus.RELEASED


def test_a_bill_paid_directly_and_by_a_guia_in_the_same_file_settles_once(tenant_alpha):
    f.agent()
    p = f.prop()
    b = f.bill(p, "50.00", dt.date(2099, 1, 10))
    guia = debt.statement_create(
        actor=ACTOR, property_id=p.pk, as_of=dt.date(2025, 6, 1), valid_until=dt.date(2025, 6, 20)
    )
    rf = services.return_file_import(
        actor=ACTOR, data=f.return_file([(guia.barcode, str(guia.amount)), (b.barcode, "50.00")])
    )
    assert _by_line(rf) == {
        2: ("review", "duplicate", "fatura do documento já paga por outro meio"),
        3: ("applied", "", ""),
    }
    assert Settlement.objects.filter(bill=b, reversed=False).count() == 1
    guia.refresh_from_db()
    assert guia.status == PaymentDocument.Status.OPEN


def test_a_guia_alone_still_settles_its_bills(tenant_alpha):
    f.agent()
    p = f.prop()
    b1, b2 = f.bill(p, "50.00", dt.date(2099, 1, 10)), f.bill(p, "25.00", dt.date(2099, 2, 10))
    guia = debt.statement_create(
        actor=ACTOR, property_id=p.pk, as_of=dt.date(2025, 6, 1), valid_until=dt.date(2025, 6, 20)
    )
    rf = services.return_file_import(actor=ACTOR, data=f.return_file([(guia.barcode, "75.00")]))
    assert (rf.applied_count, rf.review_count) == (1, 0)
    assert set(Settlement.objects.filter(reversed=False).values_list("bill_id", flat=True)) == {b1.pk, b2.pk}
