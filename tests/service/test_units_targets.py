"""Orders beyond the property: the street search and a street's orders with its map (3.2.13.13),
the commercial customer with its id and check digit, lookup, one screen and standalone charge
(3.2.13.12), and, for every target, cancel with an opinion and split with a dependency
(3.2.13.11.4–.5, .12.7–.8, .13.5–.6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.collection.models import PaymentDocument
from modules.common.audit import SystemActor
from modules.registry.domain.account_number import parse_account_number
from modules.registry.models import Street
from modules.service.models import OrderDependency, OrderOpinion, ServiceOrder
from modules.service.services import orders
from tests.billing.factories import set_company_code
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = SystemActor("testes")
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
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


def _street() -> Street:
    s = reg.street("Vargas Ávila", street_type="Avenida")
    Street.objects.filter(pk=s.pk).update(
        title="Pres.", latitude=Decimal("-23.501000"), longitude=Decimal("-47.458000")
    )
    s.refresh_from_db()
    reg.prop(street=s, neighbourhood=reg.neighbourhood("Jardim Ipê"))
    return s


def test_street_search_finds_the_street_by_each_filter(api) -> None:
    s = _street()
    reg.street("das Palmeiras")
    city = s.city
    for params in (
        {"code": s.pk},
        {"state": city.state, "name": "vargas"},
        {"city": city.name[:4], "name": "avila"},
        {"neighbourhood": "jardim ipe"},
        {"street_type": "Avenida"},
        {"title": "Pres."},
        {"name": "VARGAS ávila"},
    ):
        answer = api.get("/api/v1/service/streets", **params)
        assert answer.status_code == 200, params
        assert [r["id"] for r in answer.json()["results"]] == [s.pk], params
    assert api.get("/api/v1/service/streets", name="inexistente").json()["results"] == []


def test_a_street_page_opens_an_order_and_shows_the_map_at_its_point(page) -> None:
    s = _street()
    f.code("TAPA", description="Tapa-buraco", price="0.00")
    found = page.get("/servicos/logradouros/", {"name": "vargas"})
    assert f"/servicos/logradouros/{s.pk}/" in found.content.decode()
    answer = page.post(f"/servicos/logradouros/{s.pk}/", {"code": "TAPA", "description": "Buraco na via"})
    order = ServiceOrder.objects.get(street=s)
    assert answer.status_code == 302 and order.property_id is None and order.customer_id is None
    html = page.get(f"/servicos/logradouros/{s.pk}/").content.decode()
    assert order.label in html
    assert "<svg" in html and "mlat=-23.501000&amp;mlon=-47.458000" in html
    assert f"/servicos/logradouros/{s.pk}/" in page.get(f"/servicos/ordens/{order.pk}/").content.decode()


def test_commercial_customer_gets_an_id_with_check_digit_and_is_found_by_each_key(api) -> None:
    c = reg.customer("Lanchonete São João Ltda", document=reg.cnpj("112223330001"))
    answer = api.post("/api/v1/service/commercial-customers", {"customer": c.pk})
    assert answer.status_code == 201
    commercial_id = answer.json()["commercial_id"]
    base = parse_account_number(commercial_id)  # the check digit verifies
    assert base >= 1
    again = api.post("/api/v1/service/commercial-customers", {"customer": c.pk})
    assert again.json()["commercial_id"] == commercial_id  # the id is given once
    other = reg.customer("Padaria Central")
    api.post("/api/v1/service/commercial-customers", {"customer": other.pk})
    for q in (commercial_id, c.cpf_cnpj, "sao joao", "LANCHONETE"):
        rows = api.get("/api/v1/service/commercial-customers", q=q).json()["results"]
        assert [r["id"] for r in rows] == [c.pk], q


def test_a_new_commercial_customer_is_registered_with_address_phone_and_id_in_one_step(api, page) -> None:
    from modules.common.models import AuditEntry
    from modules.registry.models import Customer

    body = {
        "name": "Oficina Boa Vista Ltda",
        "cpf_cnpj": reg.cnpj("445556660001"),
        "phone": "(15) 99876-5432",
        "mail_street": "Rua das Flores",
        "mail_number": "12",
        "mail_neighbourhood": "Centro",
        "mail_city": "Sorocaba",
        "mail_state": "SP",
        "mail_cep": "18000-000",
    }
    answer = api.post("/api/v1/service/commercial-customers", body)
    assert answer.status_code == 201, answer.content
    created = Customer.objects.get(pk=answer.json()["id"])
    assert parse_account_number(answer.json()["commercial_id"]) == created.commercial_base
    assert (created.phone, created.mail_street, created.mail_city, created.mail_cep) == (
        "(15) 99876-5432",
        "Rua das Flores",
        "Sorocaba",
        "18000000",
    )
    actions = set(AuditEntry.objects.filter(object_id=str(created.pk)).values_list("action", flat=True))
    assert {"registry.customer_create", "service.commercial_customer"} <= actions
    # a CNPJ whose check digits are wrong: refused naming the field, nothing written
    count = Customer.objects.count()
    wrong = api.post("/api/v1/service/commercial-customers", {**body, "cpf_cnpj": "44555666000100"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "cpf_cnpj"
    missing = api.post("/api/v1/service/commercial-customers", {"name": "Sem documento"})
    assert missing.status_code == 400 and missing.json()["field"] == "cpf_cnpj"
    assert Customer.objects.count() == count
    # the same from the page
    form = {
        "action": "create",
        "name": "Mercearia Alvorada",
        "cpf_cnpj": reg.cnpj("778889990001"),
        "phone": "(15) 3222-1100",
        "mail_street": "Av. Itavuvu",
        "mail_number": "500",
    }
    done = page.post("/servicos/clientes-comerciais/", form)
    assert done.status_code == 302, done.content.decode()[:2000]
    shop = Customer.objects.get(name="Mercearia Alvorada")
    assert shop.commercial_base is not None and done["Location"].endswith(f"/{shop.pk}/")
    refused = page.post("/servicos/clientes-comerciais/", {**form, "cpf_cnpj": "77888999000100"})
    assert refused.status_code == 400 and "CPF/CNPJ" in refused.content.decode()


def test_commercial_customer_order_is_billed_as_a_standalone_charge_with_due_date_change_and_cancel(
    api, page
) -> None:
    set_company_code()
    f.code("LIMP", description="Limpeza de caixa de gordura", price="150.00")
    team = f.team()
    c = reg.customer("Restaurante Bom Prato", document=reg.cnpj("445556660001"))
    api.post("/api/v1/service/commercial-customers", {"customer": c.pk})
    opened = api.post("/api/v1/service/orders", {"customer": c.pk, "code": "LIMP"})
    assert opened.status_code == 201 and opened.json()["customer"] == c.pk
    closed = api.post(
        f"/api/v1/service/orders/{opened.json()['id']}/close",
        {"executed": True, "executed_at": NOW.isoformat(), "team": team.pk},
    )
    assert closed.status_code == 200
    doc = PaymentDocument.objects.get(customer=c)
    assert (doc.property_id, doc.kind, doc.amount, doc.status) == (
        None,
        "service_charge",
        Decimal("150.00"),
        "open",
    )
    assert len(doc.barcode) == 44

    overview = api.get(f"/api/v1/service/commercial-customers/{c.pk}/overview").json()
    assert set(overview) >= {"orders", "billing", "offsetting"}
    assert [o["id"] for o in overview["orders"]] == [opened.json()["id"]]
    assert overview["billing"][0]["amount"] == "150.00" and overview["offsetting"]["open_total"] == "150.00"

    assert (
        api.post(f"/api/v1/service/documents/{doc.pk}/due-date", {"due_date": "2026-05-20"}).status_code
        == 400
    )
    moved = api.post(
        f"/api/v1/service/documents/{doc.pk}/due-date",
        {"due_date": "2026-05-20", "annotation": "Pedido do cliente"},
    )
    assert moved.status_code == 201
    doc.refresh_from_db()
    new = PaymentDocument.objects.get(pk=moved.json()["id"])
    assert doc.status == "cancelled"
    assert (new.status, new.valid_until, new.amount, new.customer_id) == (
        "open",
        dt.date(2026, 5, 20),
        Decimal("150.00"),
        c.pk,
    )
    assert new.barcode != doc.barcode
    # the printed charge masks the customer's CNPJ
    from io import BytesIO

    from pypdf import PdfReader

    from modules.service.units_pdf import standalone_pdf

    text = " ".join(p.extract_text() or "" for p in PdfReader(BytesIO(standalone_pdf(new))).pages)
    digits = c.cpf_cnpj
    assert "Restaurante Bom Prato" in text and f"{digits[:2]}." in text and "***/****" in text
    assert digits not in text.replace(".", "").replace("/", "").replace("-", "").replace(" ", "")

    pdf = page.get(f"/servicos/documentos/{new.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    screen = page.get(f"/servicos/clientes-comerciais/{c.pk}/").content.decode()
    assert "Compensação de valores" in screen and f"nº {new.pk}" in screen

    cancelled = api.post(f"/api/v1/service/documents/{new.pk}/cancel", {"annotation": "Serviço contestado"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (
        api.post(f"/api/v1/service/documents/{new.pk}/cancel", {"annotation": "de novo"}).status_code == 409
    )


def test_cancel_keeps_the_opinion_and_a_closed_order_cannot_be_cancelled(api) -> None:
    f.code("VIST", description="Vistoria", price="0.00")
    s = _street()
    order = orders.order_open(actor=A, code="VIST", street_id=s.pk)
    answer = api.post(
        f"/api/v1/service/orders/{order.pk}/cancel",
        {"reason": "Solicitação em duplicidade", "opinion": "Já atendida pela OS anterior."},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert list(OrderOpinion.objects.filter(order=order).values_list("action", "text")) == [
        ("cancel", "Já atendida pela OS anterior.")
    ]
    again = api.post(f"/api/v1/service/orders/{order.pk}/cancel", {"reason": "x", "opinion": "y"})
    assert again.status_code == 409
    assert OrderOpinion.objects.filter(order=order).count() == 1


def test_cancel_from_the_order_page_requires_the_opinion(page) -> None:
    f.code("VIST", description="Vistoria", price="0.00")
    order = orders.order_open(actor=A, code="VIST", property_id=reg.prop().pk)
    refused = page.post(f"/servicos/ordens/{order.pk}/", {"action": "cancel", "cancel-reason": "Duplicada"})
    assert refused.status_code == 400
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending"
    page.post(
        f"/servicos/ordens/{order.pk}/",
        {"action": "cancel", "cancel-reason": "Duplicada", "cancel-opinion": "Sem necessidade"},
    )
    assert ServiceOrder.objects.get(pk=order.pk).status == "cancelled"
    assert "Sem necessidade" in page.get(f"/servicos/ordens/{order.pk}/").content.decode()


@pytest.mark.parametrize("target", ["property", "street", "customer"])
def test_split_with_dependency_blocks_closing_the_original_until_the_new_one_is_executed(
    api, target: str
) -> None:
    f.code("REDE", description="Reparo de rede", price="0.00")
    f.code("PAVI", description="Recomposição de pavimento", price="0.00")
    team = f.team()
    ids = {
        "property": {"property_id": reg.prop().pk},
        "street": {"street_id": _street().pk},
        "customer": {"customer_id": reg.customer("Oficina Dois Irmãos").pk},
    }[target]
    original = orders.order_open(actor=A, code="PAVI", **ids)
    split = api.post(
        f"/api/v1/service/orders/{original.pk}/split", {"code": "REDE", "reason": "Rede rompida"}
    )
    assert split.status_code == 201
    child = ServiceOrder.objects.get(pk=split.json()["id"])
    assert (child.parent_id, child.property_id, child.street_id, child.customer_id) == (
        original.pk,
        ids.get("property_id"),
        ids.get("street_id"),
        ids.get("customer_id"),
    )
    assert OrderDependency.objects.filter(order=original, depends_on=child).exists()
    close = {"executed": True, "executed_at": NOW.isoformat(), "team": team.pk}
    blocked = api.post(f"/api/v1/service/orders/{original.pk}/close", close)
    assert blocked.status_code == 409 and blocked.json()["code"] == "dependency_not_executed"
    assert ServiceOrder.objects.get(pk=original.pk).status == "pending"
    # once the order it depends on is executed, the original closes
    assert api.post(f"/api/v1/service/orders/{child.pk}/close", close).status_code == 200
    assert api.post(f"/api/v1/service/orders/{original.pk}/close", close).status_code == 200


def test_a_closing_not_executed_carries_its_destination_and_opinion(api) -> None:
    f.code("REDE", description="Reparo de rede", price="0.00")
    f.code("PAVI", description="Recomposição de pavimento", price="0.00")
    team = f.team()
    s = _street()
    close = {"executed": False, "executed_at": NOW.isoformat(), "team": team.pk, "reason": "Chuva forte"}
    first = orders.order_open(actor=A, code="PAVI", street_id=s.pk)
    answer = api.post(
        f"/api/v1/service/orders/{first.pk}/close",
        close | {"opinion": "Refazer com tempo seco", "field_data": {"next": "reschedule"}},
    )
    assert answer.status_code == 200 and answer.json()["status"] == "not_executed"
    again = ServiceOrder.objects.get(parent=first)
    assert (again.code.code, again.street_id, again.status) == ("PAVI", s.pk, "pending")
    assert OrderOpinion.objects.get(order=first).text == "Refazer com tempo seco"
    second = orders.order_open(actor=A, code="PAVI", street_id=s.pk)
    api.post(
        f"/api/v1/service/orders/{second.pk}/close",
        close | {"field_data": {"next": "split", "next_code": "REDE"}},
    )
    assert ServiceOrder.objects.get(parent=second).code.code == "REDE"
    third = orders.order_open(actor=A, code="PAVI", street_id=s.pk)
    bad = api.post(f"/api/v1/service/orders/{third.pk}/close", close | {"field_data": {"next": "split"}})
    assert bad.status_code == 400 and bad.json()["field"] == "field_data.next_code"
    assert ServiceOrder.objects.get(pk=third.pk).status == "pending"
    assert not ServiceOrder.objects.filter(parent=third).exists()
