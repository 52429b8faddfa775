"""The pages of payment exceptions and of the monthly closing (issue #18): from the review queue a
clerk attaches an unknown payment to its bill and turns a duplicate into a credit; on a payment's page
transfers it to another property and sees its history; registers a bank deposit with no bill and
identifies it; closes a month and reads its report. All in the staff menu under Arrecadação."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from modules.billing.models import BillStatus
from modules.collection import services
from modules.collection.models import CollectionClosing, Payment, PaymentAdjustment, PaymentTransfer
from modules.common.audit import SystemActor
from tests.collection import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
ACTOR = SystemActor("tests")
DUE = dt.date(2025, 6, 5)


@pytest.fixture
def clerk(alpha_client: Client) -> Client:
    alpha_client.force_login(make_user("alpha", "chefe-pag", "Senha-forte-123", is_admin=True))
    return alpha_client


def test_review_queue_attach_and_credit_then_transfer_with_history(clerk: Client) -> None:
    home = clerk.get("/").content.decode()
    for url in ("/arrecadacao/depositos/", "/arrecadacao/fechamento/"):
        assert f'href="{url}"' in home
    p, q = f.prop(), f.prop()
    bill, twice, other = (
        f.bill(p, "50.00", DUE),
        f.bill(p, "40.00", DUE, dt.date(2025, 4, 1)),
        f.bill(q, "50.00", DUE),
    )
    ghost = f.bill(f.prop(), "50.00", DUE)
    unknown = ghost.barcode
    ghost.delete()
    f.agent()
    data = f.return_file([(unknown, "50.00"), (twice.barcode, "40.00"), (twice.barcode, "40.00")])
    services.return_file_import(actor=ACTOR, data=data, filename="r.ret")
    page = clerk.get("/arrecadacao/revisao/").content.decode()
    assert "Vincular" in page and "Crédito" in page
    lost = Payment.objects.get(review_reason="unknown")
    r = clerk.post(f"/arrecadacao/revisao/{lost.pk}/vincular/", {"bill": bill.pk, "reason": "Comprovante"})
    assert r.status_code == 302
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    dup = Payment.objects.get(review_reason="duplicate")
    clerk.post(f"/arrecadacao/revisao/{dup.pk}/credito/", {"reason": "Pagou duas vezes"})
    assert PaymentAdjustment.objects.get(payment=dup).amount == Decimal("40.00")
    r = clerk.post(
        f"/arrecadacao/pagamentos/{lost.pk}/transferir/", {"bill": other.pk, "reason": "Era do vizinho"}
    )
    assert r.status_code == 302 and PaymentTransfer.objects.filter(payment=lost).exists()
    detail = clerk.get(f"/arrecadacao/pagamentos/{lost.pk}/").content.decode()
    assert "Histórico" in detail and "collection.payment_attach" in detail and "Era do vizinho" in detail


def test_deposit_page_registers_and_identifies(clerk: Client) -> None:
    f.agent("001")
    bill = f.bill(f.prop(), "33.00", DUE)
    r = clerk.post(
        "/arrecadacao/depositos/",
        {"agent": "001", "deposited_on": "2025-06-10", "amount": "33,00", "reference": "ENV 9"},
    )
    assert r.status_code == 302
    page = clerk.get("/arrecadacao/depositos/").content.decode()
    assert "ENV 9" in page
    dep = Payment.objects.get(channel="deposit")
    r = clerk.post(
        f"/arrecadacao/revisao/{dep.pk}/vincular/",
        {"bill": bill.pk, "reason": "Extrato", "next": "/arrecadacao/depositos/"},
    )
    assert r.status_code == 302 and r["Location"] == "/arrecadacao/depositos/"
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    r = clerk.post("/arrecadacao/depositos/", {"agent": "001", "deposited_on": "2025-06-10", "amount": "abc"})
    assert r.status_code == 400 and "Informe o valor" in r.content.decode()


def test_closing_page_closes_and_reports(clerk: Client) -> None:
    f.agent("237")
    with time_machine.travel(dt.datetime(2025, 5, 20, 12, tzinfo=dt.UTC), tick=True):
        b = f.bill(f.prop(), "70.00", dt.date(2025, 5, 25), dt.date(2025, 4, 1))
        services.payment_register(
            actor=ACTOR, barcode=b.barcode, amount=Decimal("70.00"), paid_on=dt.date(2025, 5, 20)
        )
    this_month = f"{timezone.localdate():%Y-%m}"
    r = clerk.post("/arrecadacao/fechamento/", {"month": this_month}, follow=True)
    assert "ainda está aberto para correções" in r.content.decode()
    r = clerk.post("/arrecadacao/fechamento/", {"month": "2025-05"})
    assert r.status_code == 302 and r["Location"] == "/arrecadacao/fechamento/2025-05/"
    report = clerk.get("/arrecadacao/fechamento/2025-05/").content.decode()
    assert "Posição congelada e íntegra" in report and "70,00" in report and "Caixa (balcão)" in report
    assert CollectionClosing.objects.get().status == "closed"
