"""Customers without CPF/CNPJ (VA-07, ADR 0103): stored as NULL, unique among those who have one,
registered later, shown as "sem CPF/CNPJ" wherever a person reads it (their legacy import:
tests/legacy/test_no_document.py)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from modules.collection import gateway
from modules.common.errors import Conflict
from modules.common.models import AuditEntry
from modules.registry import selectors
from modules.registry.models import Customer
from modules.registry.services.customers import customer_create, customer_document_register
from tests.conftest import bearer, make_user
from tests.registry import factories as f
from tests.registry.test_views import PASSWORD

pytestmark = pytest.mark.usefixtures("tenant_alpha")


def legacy(name: str = "Maria Aparecida dos Santos", **fields) -> Customer:
    return customer_create(actor=f.ACTOR, name=name, cpf_cnpj=None, today=f.TODAY, **fields)


# --- model and services ------------------------------------------------------------------------------


def test_absent_document_is_null_and_many_customers_may_lack_one() -> None:
    first = legacy()
    second = customer_create(actor=f.ACTOR, name="João sem Documento", cpf_cnpj="  ", today=f.TODAY)
    company = legacy("Mercearia Antiga", kind="company")
    assert Customer.objects.filter(cpf_cnpj__isnull=True).count() == 3
    assert (first.cpf_cnpj, first.kind, first.has_document) == (None, "person", False)
    assert (second.cpf_cnpj, company.kind) == (None, "company")
    assert first.document_display == first.document_masked == "sem CPF/CNPJ"
    entry = AuditEntry.objects.get(action="registry.customer_create", object_id=str(first.pk))
    assert entry.after["cpf_cnpj"] is None


def test_the_database_refuses_an_empty_string_document() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Vazio", name_search="vazio", kind="person", cpf_cnpj="")


def test_a_document_is_registered_once_audited_and_never_swapped() -> None:
    customer = legacy()
    other = f.customer("Outra Pessoa", document="52998224725")
    with pytest.raises(Conflict) as taken:
        customer_document_register(actor=f.ACTOR, customer=customer, cpf_cnpj="529.982.247-25")
    assert taken.value.message == "Este CPF/CNPJ já pertence a outro cliente (Outra Pessoa)."
    done = customer_document_register(
        actor=f.ACTOR, customer=customer, cpf_cnpj=f.cnpj("12ABC34501DE"), reason="balcão"
    )
    assert (done.cpf_cnpj, done.kind) == (f.cnpj("12ABC34501DE"), "company")
    entry = AuditEntry.objects.get(action="registry.customer_document_register")
    assert (entry.before["cpf_cnpj"], entry.after["cpf_cnpj"], entry.reason) == (
        None,
        f.cnpj("12ABC34501DE"),
        "balcão",
    )
    with pytest.raises(Conflict) as on_file:
        customer_document_register(actor=f.ACTOR, customer=other, cpf_cnpj=f.cpf())
    assert on_file.value.code == "document_on_file"


def test_search_finds_the_property_by_name_and_shows_no_document() -> None:
    prop = f.prop(holder=legacy("Benedita Sem Documento"))
    found = list(selectors.search_properties("benedita").results)
    assert [(p.pk, p.holder_name, p.holder_cpf_cnpj) for p in found] == [
        (prop.pk, "Benedita Sem Documento", None)
    ]
    assert list(selectors.customer_list(text="benedita").values_list("cpf_cnpj", flat=True)) == [None]


def test_the_gateway_never_sends_an_empty_document() -> None:
    prop = f.prop(holder=legacy("Joaquim Antigo", email="j@exemplo.com.br"))
    body = gateway._customer(prop)
    assert body == {"name": "Joaquim Antigo", "type": "individual", "email": "j@exemplo.com.br"}
    with_doc = f.prop(holder=f.customer("Empresa Nova", document=f.cnpj("112223330001")))
    assert gateway._customer(with_doc)["document"] == f.cnpj("112223330001")
    assert gateway._customer(with_doc)["type"] == "company"


# --- staff pages and API ---------------------------------------------------------------------------


@pytest.fixture
def staff(alpha_client):
    from modules.access.models import Profile

    user = make_user("alpha", "gestora", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Atendente"), Profile.objects.get(name="Gestor"))
    assert (
        alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    )
    return alpha_client


def test_staff_create_a_customer_without_document_and_register_it_later(staff) -> None:
    response = staff.post("/cadastro/clientes/novo/", {"name": "Sebastiana Legado", "cpf_cnpj": ""})
    assert response.status_code == 302
    customer = Customer.objects.get(name="Sebastiana Legado")
    assert customer.cpf_cnpj is None
    prop = f.prop(holder=customer)
    for url in ("/cadastro/clientes/", f"/cadastro/imoveis/{prop.pk}/", "/cadastro/?q=sebastiana"):
        page = staff.get(url).content.decode()
        assert "sem CPF/CNPJ" in page, url
    form = staff.get(f"/cadastro/clientes/{customer.pk}/").content.decode()
    assert "Cliente sem CPF/CNPJ: informe-o para cadastrá-lo." in form
    bad = staff.post(f"/cadastro/clientes/{customer.pk}/", {"name": "Sebastiana Legado", "cpf_cnpj": "123"})
    assert "CPF/CNPJ inválido" in bad.content.decode()
    staff.post(
        f"/cadastro/clientes/{customer.pk}/", {"name": "Sebastiana Legado", "cpf_cnpj": "529.982.247-25"}
    )
    customer.refresh_from_db()
    assert customer.cpf_cnpj == "52998224725"
    # once on file the field is read-only: a posted value is ignored
    staff.post(f"/cadastro/clientes/{customer.pk}/", {"name": "Sebastiana L.", "cpf_cnpj": f.cpf()})
    customer.refresh_from_db()
    assert (customer.name, customer.cpf_cnpj) == ("Sebastiana L.", "52998224725")


def test_staff_api_without_document(alpha_client) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    admin = bearer(alpha_client, "chefe", PASSWORD)
    created = alpha_client.post(
        "/api/v1/customers", {"name": "Empresa Antiga", "cpf_cnpj": None, "kind": "company"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["cpf_cnpj"], body["kind"], body["document_display"]) == (None, "company", "sem CPF/CNPJ")
    prop = f.prop()
    moved = alpha_client.post(
        f"/api/v1/properties/{prop.pk}/relations",
        {"customer": body["id"], "role": "user", "start": "2025-06-01"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert moved.status_code == 201, moved.content
    assert (moved.json()["customer_name"], moved.json()["cpf_cnpj"]) == ("Empresa Antiga", None)
    neither = alpha_client.post(
        f"/api/v1/properties/{prop.pk}/relations", {"role": "owner", "start": "2025-06-01"},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert (neither.status_code, neither.json()["field"]) == (400, "cpf_cnpj")
    patched = alpha_client.patch(
        f"/api/v1/customers/{body['id']}", {"cpf_cnpj": f.cnpj("112223330001")},
        content_type="application/json", **admin,
    )  # fmt: skip
    assert patched.status_code == 200, patched.content
    assert patched.json()["document_display"] == "11.222.333/0001-81"
    again = alpha_client.patch(
        f"/api/v1/customers/{body['id']}",
        {"cpf_cnpj": "52998224725"},
        content_type="application/json",
        **admin,
    )
    assert (again.status_code, again.json()["code"]) == (409, "document_on_file")
