"""The done-when flow on staff pages: register a customer, a property with mixed categories, its
connections and a meter; find it by every key; see its history. Plus the import upload page."""

from __future__ import annotations

import re

import pytest

from modules.metering.models import Installation
from modules.registry.models import Customer, Neighbourhood, Property, Street
from tests.conftest import make_user
from tests.registry import factories as f

PASSWORD = "Senha-forte-123"


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    from modules.access.models import Profile

    user = make_user("alpha", "gestora", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Atendente"), Profile.objects.get(name="Gestor"))
    assert (
        alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    )
    return alpha_client


def test_staff_registers_everything_and_finds_it_by_every_key(staff) -> None:
    street, hood = f.street("Brasil", "Avenida"), f.neighbourhood("Centro")
    response = staff.post(
        "/cadastro/clientes/novo/",
        {
            "name": "Joana D'Arc Conceição",
            "cpf_cnpj": "529.982.247-25",
            "email": "joana@exemplo.com.br",
            "phone": "66999990000",
        },
    )
    assert response.status_code == 302
    response = staff.post(
        "/cadastro/imoveis/novo/",
        {"locality": 1, "sector": 3, "block": 12, "lot": 7, "sublot": 0, "street": street.pk,
         "number": "1000", "neighbourhood": hood.pk,
         "cep": "78643-000", "holder_cpf_cnpj": "52998224725", "cat_RES": 2, "cat_COM": 1},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    prop = Property.objects.get()
    assert prop.economies_total == 3
    url = f"/cadastro/imoveis/{prop.pk}/"
    staff.post(
        url + "connection/",
        {
            "kind": "water",
            "situation": "connected",
            "since": "2024-02-01",
            "diameter_mm": 20,
            "material": "PEAD",
        },
    )
    staff.post(url + "connection/", {"kind": "sewer", "situation": "connected", "since": "2024-02-01"})
    staff.post(
        "/hidrometria/novo/",
        {
            "number": "Y24B000777",
            "manufacturer": "Itron",
            "capacity": "1.5",
            "diameter_mm": 20,
            "metrological_class": "B",
            "manufacture_year": 2024,
            "calibrated_on": "2024-01-05",
        },
    )
    water = prop.connections.get(kind="water")
    response = staff.post(
        f"/hidrometria/ligacao/{water.pk}/evento/",
        {"op": "install", "meter": "y24b000777", "initial_reading": 0, "on": "2024-02-02"},
    )
    assert response.status_code == 302
    assert Installation.objects.get().meter.number == "Y24B000777"
    for query in (
        prop.account_number,
        "001.003.0012.0007",
        "52998224725",
        "joana conceicao",
        "brasil 1000",
        "Y24B000777",
    ):
        page = staff.get("/cadastro/", {"q": query}).content.decode()
        assert "1 registro(s)" in page, query
        assert prop.account_number in page
    page = staff.get(url).content.decode()
    for text in (
        "Joana D&#x27;Arc Conceição",
        "529.982.247-25",
        "Residencial",
        "Comercial",
        "Y24B000777",
        "registry.property_create",
        "metering.meter_install",
        "Ligada",
    ):
        assert text in page, text


def test_bad_cpf_on_the_form_names_the_field(staff) -> None:
    page = staff.post(
        "/cadastro/clientes/novo/", {"name": "Fulano de Tal", "cpf_cnpj": "529.982.247-26"}
    ).content.decode()
    assert re.search(r'has-error">\s*<label for="id_cpf_cnpj">', page)
    assert "CPF inválido: dígito verificador não confere." in page
    assert Customer.objects.count() == 0


def test_negative_economies_on_the_form(staff) -> None:
    street, hood = f.street(), f.neighbourhood()
    page = staff.post(
        "/cadastro/imoveis/novo/",
        {
            "locality": 1,
            "sector": 1,
            "block": 1,
            "lot": 1,
            "street": street.pk,
            "number": "1",
            "neighbourhood": hood.pk,
            "cat_RES": -1,
        },
    ).content.decode()
    assert "Número de economias não pode ser negativo." in page
    assert "Economias — Pública" in page and "Economias pública" not in page
    assert Property.objects.count() == 0
    assert Street.objects.count() == 1 and Neighbourhood.objects.count() == 1


def test_consulta_profile_cannot_open_the_new_property_form(tenant_alpha, alpha_client) -> None:
    from modules.access.models import Profile

    user = make_user("alpha", "leitor", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Consulta"))
    alpha_client.post("/conta/entrar/", {"username": "leitor", "password": PASSWORD})
    assert alpha_client.get("/cadastro/").status_code == 200
    assert alpha_client.get("/cadastro/imoveis/novo/").status_code == 403


@pytest.mark.parametrize(
    ("can_add", "can_change", "create", "edit"), [(True, False, 200, 403), (False, True, 403, 200)]
)
def test_customer_edit_needs_the_change_right_and_create_the_add_right(
    tenant_alpha, alpha_client, can_add, can_change, create, edit
) -> None:
    from modules.access.models import Profile, ProfileGrant

    profile = Profile.objects.create(name="Só clientes")
    ProfileGrant.objects.create(
        profile=profile, function="registry.customers", can_view=True, can_add=can_add, can_change=can_change
    )
    user = make_user("alpha", "cadastrista", PASSWORD)
    user.profiles.add(profile)
    customer = f.customer()
    alpha_client.post("/conta/entrar/", {"username": "cadastrista", "password": PASSWORD})
    assert alpha_client.get("/cadastro/clientes/novo/").status_code == create
    assert alpha_client.get(f"/cadastro/clientes/{customer.pk}/").status_code == edit
    response = alpha_client.post(f"/cadastro/clientes/{customer.pk}/", {"name": "Nome Trocado"})
    assert response.status_code == (302 if can_change else 403)
    customer.refresh_from_db()
    assert customer.name == ("Nome Trocado" if can_change else "Maria da Conceição Souza")


def test_search_page_says_when_it_shows_only_the_best_matches(staff, monkeypatch) -> None:
    from modules.registry import search

    street = f.street("Brasil", "Avenida")
    for i in range(3):
        f.prop(holder=f.customer(f"Joana Prado {i}"), street=street, number=str(i))
    page = staff.get("/cadastro/", {"q": "joana prado"}).content.decode()
    assert "3 registro(s)" in page and "Mais de" not in page
    monkeypatch.setattr(search, "SEARCH_LIMIT", 2)
    page = staff.get("/cadastro/", {"q": "joana prado"}).content.decode()
    assert "Mais de 2 imóveis" in page and "2 registro(s)" in page
