"""Paying bodies (órgão centralizador/pagador): registration and lookup (3.2.13.14), properties
centralised under one (3.2.13.10.15), its one screen (3.2.13.15), and the centralised invoice
(3.2.13.16): one document summing the members' bills of the month, simple and detailed, with a
due-date change; paying it settles every member bill at its own total, to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.billing.models import Bill
from modules.collection import services as collection
from modules.collection.models import PaymentDocument, Settlement
from modules.common.audit import SystemActor
from modules.service import units_pdf
from modules.service.models import CentralizedInvoice, PayingBodyMember
from tests.billing.factories import set_company_code
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = SystemActor("testes")
PASSWORD = "Senha-forte-123"
APRIL = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
    set_company_code()
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    class Api:
        def post(self, path: str, body: dict | None = None):
            return alpha_client.post(path, body or {}, content_type="application/json", **headers)

        def get(self, path: str, **params):
            return alpha_client.get(path, params, **headers)

    return Api()


@pytest.fixture
def page(api, alpha_client):
    alpha_client.login(username="chefe", password=PASSWORD)
    return alpha_client


def _body_with_members(api, page) -> tuple[int, list[Bill]]:
    body = api.post(
        "/api/v1/service/paying-bodies",
        {"name": "Secretaria Municipal de Educação", "cnpj": "46.634.044/0001-74", "due_day": 25},
    )
    assert body.status_code == 201
    pk = body.json()["id"]
    bills = []
    for total in ("123.45", "67.89", "0.01"):
        p = reg.prop(holder=reg.customer())
        answer = page.post(
            f"/servicos/orgaos-pagadores/{pk}/",
            {"action": "member", "account": p.account_number, "start": "2026-01-01"},
        )
        assert answer.status_code == 302
        bills.append(cf.bill(p, total, dt.date(2026, 5, 10), reference=APRIL))
    outsider = reg.prop(holder=reg.customer())
    cf.bill(outsider, "999.99", dt.date(2026, 5, 10), reference=APRIL)  # not centralised: not summed
    return pk, bills


def test_a_body_is_found_by_code_or_name_and_a_property_is_under_one_body_at_a_time(api, page) -> None:
    pk, _ = _body_with_members(api, page)
    code = api.get("/api/v1/service/paying-bodies", q="").json()["results"][0]["code"]
    for q in (str(code), "educacao", "SECRETARIA municipal"):
        assert [r["id"] for r in api.get("/api/v1/service/paying-bodies", q=q).json()["results"]] == [pk], q
    other = api.post("/api/v1/service/paying-bodies", {"name": "Câmara Municipal"}).json()["id"]
    member = PayingBodyMember.objects.filter(body_id=pk).select_related("property").first()
    answer = page.post(
        f"/servicos/orgaos-pagadores/{other}/",
        {"action": "member", "account": member.property.account_number, "start": "2026-02-01"},
    )
    assert answer.status_code == 400 and "já está centralizado" in answer.content.decode()
    assert not PayingBodyMember.objects.filter(body_id=other).exists()


def test_the_centralised_invoice_sums_the_member_bills_and_paying_it_settles_each_to_the_cent(
    api, page
) -> None:
    pk, bills = _body_with_members(api, page)
    issued = api.post(f"/api/v1/service/paying-bodies/{pk}/invoices", {"reference": "2026-04"})
    assert issued.status_code == 201
    assert issued.json()["bills"] == 3
    assert issued.json()["document"]["amount"] == "191.35"  # 123.45 + 67.89 + 0.01
    assert (
        api.post(f"/api/v1/service/paying-bodies/{pk}/invoices", {"reference": "2026-04"}).status_code == 409
    )

    invoice = CentralizedInvoice.objects.get(pk=issued.json()["id"])
    doc = invoice.document
    assert (doc.property_id, doc.kind, doc.valid_until) == (None, "centralized", dt.date(2026, 4, 25))
    # the members' bills stay individual, each still open
    assert set(Bill.objects.filter(pk__in=[b.pk for b in bills]).values_list("status", flat=True)) == {
        "released"
    }

    payment = collection.payment_register(
        actor=A, barcode=doc.barcode, amount=Decimal("191.35"), paid_on=dt.date(2026, 4, 17)
    )
    assert payment.status == "applied"
    settled = dict(Settlement.objects.filter(payment=payment).values_list("bill_id", "amount"))
    assert settled == {b.pk: b.total for b in bills}
    assert sum(settled.values()) == doc.amount
    assert set(Bill.objects.filter(pk__in=[b.pk for b in bills]).values_list("status", flat=True)) == {"paid"}
    assert PaymentDocument.objects.get(pk=doc.pk).status == "paid"


def test_the_body_screen_has_its_four_sections_and_prints_simple_and_detailed(api, page) -> None:
    pk, bills = _body_with_members(api, page)
    api.post(
        f"/api/v1/service/paying-bodies/{pk}/invoices", {"reference": "2026-04", "due_date": "2026-04-30"}
    )
    invoice = CentralizedInvoice.objects.get(body_id=pk)
    overview = api.get(f"/api/v1/service/paying-bodies/{pk}/overview").json()
    assert set(overview) == {"registration", "units", "invoices", "offsetting"}
    assert overview["registration"]["cnpj"] == "46634044000174"
    assert len(overview["units"]) == 3 and overview["invoices"][0]["total"] == "191.35"

    detailed = units_pdf.centralized_context(invoice, detailed=True)
    assert detailed["lines_total"] == invoice.document.amount == Decimal("191.35")
    html = units_pdf.render_html("service/units/pdf/centralized.html", detailed)
    assert all(b.property.account_number in html for b in bills)
    simple = units_pdf.render_html(
        "service/units/pdf/centralized.html", units_pdf.centralized_context(invoice, detailed=False)
    )
    assert not any(b.property.account_number in simple for b in bills) and "191,35" in simple
    for query in ("", "?detalhada=1"):
        pdf = page.get(f"/servicos/faturas-centralizadas/{invoice.pk}/pdf/{query}")
        assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_a_due_date_change_replaces_the_document_with_an_annotation(api, page) -> None:
    pk, _ = _body_with_members(api, page)
    api.post(f"/api/v1/service/paying-bodies/{pk}/invoices", {"reference": "2026-04"})
    invoice = CentralizedInvoice.objects.get(body_id=pk)
    old = invoice.document
    refused = page.post(
        f"/servicos/orgaos-pagadores/{pk}/",
        {"action": "due", "invoice": invoice.pk, "due_date": "2026-05-15"},
    )
    assert refused.status_code == 400
    assert CentralizedInvoice.objects.get(pk=invoice.pk).document_id == old.pk
    answer = page.post(
        f"/servicos/orgaos-pagadores/{pk}/",
        {"action": "due", "invoice": invoice.pk, "due_date": "2026-05-15", "annotation": "Empenho atrasado"},
    )
    assert answer.status_code == 302
    invoice.refresh_from_db()
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert (invoice.due_date, invoice.document.valid_until, invoice.document.amount) == (
        dt.date(2026, 5, 15),
        dt.date(2026, 5, 15),
        Decimal("191.35"),
    )
    assert invoice.document.lines.count() == 3
    assert "Empenho atrasado" in page.get(f"/servicos/orgaos-pagadores/{pk}/").content.decode()
