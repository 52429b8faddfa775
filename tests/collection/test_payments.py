"""Collection through its services and API: return files (match, review, all-or-nothing, twice,
malformed, unknown agent), counter receipts, reversal, settlement report, late charges (Tabela 13.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.billing.models import Bill, BillStatus
from modules.collection import selectors, services
from modules.collection.domain.return_file import ReturnFileRejected
from modules.collection.models import (
    IndexRate,
    IndexSeries,
    LateChargePolicyVersion,
    Payment,
    ReturnFile,
    Settlement,
)
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from tests.collection import factories as f
from tests.conftest import bearer, make_user

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "febraban-return"
ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"
DUE = dt.date(2025, 6, 5)


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def _flip(barcode: str) -> str:
    """The same barcode with its general check digit wrong."""
    return barcode[:3] + str((int(barcode[3]) + 1) % 10) + barcode[4:]


def test_return_file_settles_matching_bills_and_queues_the_rest(tenant_alpha):
    p = f.prop()
    ok, wrong, cancelled, paid_twice = (f.bill(p, "57.30", DUE, dt.date(2025, m, 1)) for m in (1, 2, 3, 4))
    Bill.objects.filter(pk=cancelled.pk).update(status=BillStatus.CANCELLED)
    f.agent()
    unknown = f.bill(f.prop(), "10.00", DUE)
    unknown_barcode = unknown.barcode
    unknown.delete()
    data = f.return_file(
        [
            (ok.barcode, "57.30"),
            (wrong.barcode, "50.00"),
            (cancelled.barcode, "57.30"),
            (paid_twice.barcode, "57.30"),
            (paid_twice.barcode, "57.30"),
            (unknown_barcode, "10.00"),
        ]
    )
    rf = services.return_file_import(actor=ACTOR, data=data, filename="r.ret")
    assert (rf.payment_count, rf.applied_count, rf.review_count) == (6, 2, 4)
    reasons = sorted(
        Payment.objects.filter(return_file=rf, status="review").values_list("review_reason", flat=True)
    )
    assert reasons == ["cancelled", "duplicate", "unknown", "wrong_amount"]
    assert set(Bill.objects.filter(status=BillStatus.PAID).values_list("pk", flat=True)) == {
        ok.pk,
        paid_twice.pk,
    }
    assert Settlement.objects.filter(bill=paid_twice, reversed=False).count() == 1
    assert AuditEntry.objects.filter(action="collection.return_file_import").count() == 1


def test_the_same_file_twice_is_refused_and_nothing_applies_again(tenant_alpha):
    b = f.bill(f.prop(), "20.00", DUE)
    f.agent()
    data = f.return_file([(b.barcode, "20.00")])
    services.return_file_import(actor=ACTOR, data=data)
    with pytest.raises(Conflict, match="já foi importado"):
        services.return_file_import(actor=ACTOR, data=data)
    assert Payment.objects.count() == 1


def test_a_bad_trailer_or_a_bad_check_digit_refuses_the_whole_file_with_line_numbers(tenant_alpha):
    b1, b2 = f.bill(f.prop(), "20.00", DUE), f.bill(f.prop(), "30.00", DUE)
    f.agent()
    with pytest.raises(
        ReturnFileRejected, match=r"Linha 4, campo Z.03: o trailer informa o total de R\$ 51,00"
    ):
        services.return_file_import(
            actor=ACTOR,
            data=f.return_file([(b1.barcode, "20.00"), (b2.barcode, "30.00")], trailer_total="51.00"),
        )
    with pytest.raises(ReturnFileRejected, match=r"Linha 4, campo Z\.02"):
        services.return_file_import(
            actor=ACTOR, data=f.return_file([(b1.barcode, "20.00"), (b2.barcode, "30.00")], trailer_count=9)
        )
    with pytest.raises(
        ReturnFileRejected, match=r"Linha 3, campo G\.05: código de barras: dígito verificador geral inválido"
    ):
        services.return_file_import(
            actor=ACTOR, data=f.return_file([(b1.barcode, "20.00"), (_flip(b2.barcode), "30.00")])
        )
    assert Payment.objects.count() == 0 and ReturnFile.objects.count() == 0
    assert Bill.objects.filter(status=BillStatus.PAID).count() == 0


def test_an_unknown_agent_is_refused(tenant_alpha):
    b = f.bill(f.prop(), "20.00", DUE)
    with pytest.raises(ValidationFailed, match=r"agente arrecadador desconhecido \(banco 999"):
        services.return_file_import(actor=ACTOR, data=f.return_file([(b.barcode, "20.00")], bank="999"))


def test_the_shared_samples_parse_but_no_agent_no_import(tenant_alpha):
    data = (SAMPLES / "01_itau-341_2017-04-05_modelo-retorno-tipo-G.txt").read_bytes()
    f.agent("341")
    rf = services.return_file_import(actor=ACTOR, data=data)
    assert (
        rf.payment_count == 2 and rf.review_count == 2
    )  # their bills are not ours: to review, never dropped


def test_counter_receipt_settles_once_and_refuses_what_would_need_review(tenant_alpha):
    b = f.bill(f.prop(), "45.10", DUE)
    payment = services.payment_register(
        actor=ACTOR, barcode=b.typeable_line, amount=Decimal("45.10"), paid_on=DUE
    )
    assert payment.status == "applied"
    with pytest.raises(Conflict, match="pagamento em duplicidade"):
        services.payment_register(actor=ACTOR, barcode=b.barcode, amount=Decimal("45.10"), paid_on=DUE)
    other = f.bill(f.prop(), "12.00", DUE)
    with pytest.raises(Conflict, match="valor diferente"):
        services.payment_register(actor=ACTOR, barcode=other.barcode, amount=Decimal("11.00"), paid_on=DUE)
    with pytest.raises(ValidationFailed, match="dígito verificador geral inválido"):
        services.payment_register(
            actor=ACTOR, barcode=_flip(other.barcode), amount=Decimal("12.00"), paid_on=DUE
        )
    assert Payment.objects.count() == 1


def test_reversal_reopens_the_bill_with_reason_and_audit(tenant_alpha):
    b = f.bill(f.prop(), "45.10", DUE)
    payment = services.payment_register(actor=ACTOR, barcode=b.barcode, amount=Decimal("45.10"), paid_on=DUE)
    with pytest.raises(ValidationFailed):
        services.payment_reverse(actor=ACTOR, payment_id=payment.pk, reason=" ")
    services.payment_reverse(actor=ACTOR, payment_id=payment.pk, reason="cheque devolvido")
    b.refresh_from_db()
    assert b.status == BillStatus.RELEASED
    assert AuditEntry.objects.get(action="collection.payment_reverse").reason == "cheque devolvido"
    again = services.payment_register(actor=ACTOR, barcode=b.barcode, amount=Decimal("45.10"), paid_on=DUE)
    assert again.status == "applied"


def test_review_resolution_applies_a_wrong_amount_once(tenant_alpha):
    b = f.bill(f.prop(), "57.30", DUE)
    f.agent()
    services.return_file_import(actor=ACTOR, data=f.return_file([(b.barcode, "57.00")]))
    payment = Payment.objects.get(status="review")
    services.payment_review_resolve(
        actor=ACTOR, payment_id=payment.pk, action="apply", reason="diferença de 30 centavos aceita"
    )
    b.refresh_from_db()
    assert b.status == BillStatus.PAID
    with pytest.raises(Conflict):
        services.payment_review_resolve(actor=ACTOR, payment_id=payment.pk, action="refund", reason="x")


def test_settlement_report_per_agent_and_day(tenant_alpha):
    b1, b2 = f.bill(f.prop(), "20.00", DUE), f.bill(f.prop(), "30.00", DUE)
    f.agent()
    services.return_file_import(
        actor=ACTOR, data=f.return_file([(b1.barcode, "20.00"), (b2.barcode, "29.00")])
    )
    (row,) = selectors.settlement_report(dt.date(2025, 6, 11))
    assert row["agent"] == "237" and row["count"] == 2 and row["amount"] == Decimal("49.00")
    assert row["fees"] == Decimal("3.00") and row["applied"] == 1 and row["review"] == 1


def test_return_file_api_upload_and_refusals(admin, alpha_client):
    b = f.bill(f.prop(), "20.00", DUE)
    f.agent()
    data = f.return_file([(b.barcode, "20.00")])
    ok = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("r.ret", data)}, **admin
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["applied_count"] == 1
    again = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("r.ret", data)}, **admin
    )
    assert again.status_code == 409 and again.json()["code"] == "duplicate_file"
    bad = f.return_file([(b.barcode, "20.00")], trailer_total="1.00", nsa=2)
    refused = alpha_client.post(
        "/api/v1/collection/return-files", {"file": SimpleUploadedFile("r.ret", bad)}, **admin
    )
    assert refused.status_code == 400 and "Linha 3, campo Z.03" in refused.json()["detail"]


def test_late_charges_what_if_reproduces_tabela_13_1(admin, alpha_client):
    response = alpha_client.post(
        "/api/v1/collection/late-charges/simulate",
        {
            "amount": "20.59",
            "due_date": "2013-04-01",
            "paid_on": "2013-06-10",
            "monthly_rates": ["0.01", "0.006"],
        },
        content_type="application/json",
        **admin,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["fine"], body["interest"], body["total"]) == ("0.41", "0.33", "21.33")
    wrong = alpha_client.post(
        "/api/v1/collection/late-charges/simulate",
        {"amount": "20.59", "due_date": "2013-04-01", "paid_on": "2013-06-10", "monthly_rates": ["0.01"]},
        content_type="application/json",
        **admin,
    )
    assert wrong.status_code == 400 and "São necessárias 2 taxas mensais" in wrong.json()["detail"]


def test_debts_api_prices_each_open_bill_with_the_tenant_series(admin, alpha_client):
    selic = IndexSeries.objects.get(code="SELIC")
    IndexRate.objects.create(series=selic, month=dt.date(2013, 5, 1), rate=Decimal("0.01"))
    IndexRate.objects.create(series=selic, month=dt.date(2013, 6, 1), rate=Decimal("0.006"))
    LateChargePolicyVersion.objects.filter(interest_index__isnull=True).update(interest_index=selic)
    p = f.prop()
    f.bill(p, "20.59", dt.date(2013, 4, 1), dt.date(2013, 3, 1))
    f.bill(p, "30.00", dt.date(2013, 6, 20), dt.date(2013, 5, 1))
    response = alpha_client.get(f"/api/v1/properties/{p.pk}/debts?as_of=2013-06-10", **admin)
    assert response.status_code == 200, response.content
    body = response.json()
    late, current = body["items"]
    assert (late["original"], late["fine"], late["interest"], late["correction"], late["total"]) == (
        "20.59",
        "0.41",
        "0.33",
        "0.00",
        "21.33",
    )
    assert (current["fine"], current["total"]) == ("0.00", "30.00")
    assert body["totals"]["total"] == "51.33"
