"""The "Tabelas do cadastro" pages: reachable from the menu, list and create, edit with the change
history, deactivate, a refused removal in pt-BR, the routes of a group moved up and down, and a
read-only profile that sees the tables but cannot change them."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.registry.models import BillingGroup, Category, Locality, Route, Street
from tests.conftest import TENANTS, make_user
from tests.registry import factories as f

PASSWORD = "Senha-forte-123"


def _login(client, username: str, *profiles: str):
    from modules.access.models import Profile

    user = make_user("alpha", username, PASSWORD)
    for name in profiles:
        user.profiles.add(Profile.objects.get(name=name))
    assert client.post("/conta/entrar/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def manager(tenant_alpha, alpha_client):
    return _login(alpha_client, "gestora", "Gestor")


def test_the_menu_leads_to_the_tables_and_a_list_creates_a_row(manager) -> None:
    home = manager.get("/").content.decode()
    assert "Configurações" in home and "/cadastro/tabelas/" in home
    index = manager.get("/cadastro/tabelas/").content.decode()
    for title in (
        "Localidades",
        "Setores",
        "Quadras",
        "Bairros",
        "Logradouros",
        "Categorias",
        "Planos de utilização",
        "Grupos de faturamento",
        "Rotas de leitura",
    ):
        assert title in index
    city = Locality._meta.get_field("city").related_model.objects.order_by("id").first()
    response = manager.post(
        "/cadastro/tabelas/localidades/", {"city": city.pk, "code": 3, "name": "Distrito Norte"}
    )
    assert response.status_code == 302
    page = manager.get("/cadastro/tabelas/localidades/").content.decode()
    assert "Distrito Norte" in page and "Localidade cadastrada" in page
    refused = manager.post("/cadastro/tabelas/localidades/", {"city": city.pk, "code": 3, "name": "Outra"})
    assert refused.status_code == 400
    assert "já existe" in refused.content.decode().lower()
    assert Locality.objects.count() == 1


def test_edit_deactivate_and_a_refused_removal(manager) -> None:
    prop = f.prop()
    url = f"/cadastro/tabelas/logradouros/{prop.street_id}/"
    response = manager.post(url, {"city": prop.street.city_id, "street_type": "Avenida", "title": "Pres.",
                                  "name": "Vargas"})  # fmt: skip
    assert response.status_code == 302
    assert str(Street.objects.get(pk=prop.street_id)) == "Avenida Pres. Vargas"
    page = manager.get(url).content.decode()
    assert "Logradouro alterado" in page and "das Flores" in page  # the history shows the old name
    response = manager.post(url, {"action": "remove"}, follow=True)
    text = response.content.decode()
    assert "Não é possível remover o logradouro" in text and "imóveis" in text
    assert Street.objects.filter(pk=prop.street_id).exists()
    manager.post(url, {"action": "deactivate", "reason": "trecho renomeado"})
    assert not Street.objects.get(pk=prop.street_id).active
    clerk = _login(Client(HTTP_HOST=TENANTS["alpha"]), "atendente1", "Atendente")
    form = clerk.get("/cadastro/imoveis/novo/").content.decode()
    assert "Logradouro" in form and "Vargas" not in form  # no longer offered to a new property


def test_a_groups_routes_move_up_and_down(manager) -> None:
    group = BillingGroup.objects.get(code=2)
    url = f"/cadastro/tabelas/grupos/{group.pk}/"
    page = manager.get(url).content.decode()
    assert "Rotas do grupo, na ordem de leitura" in page
    manager.post(url, {"action": "down:1"})
    manager.post(url, {"action": "up:4"})
    assert list(Route.objects.filter(group=group).values_list("code", flat=True)) == [2, 1, 4, 3]
    assert "Ordem das rotas alterada" in manager.get(url).content.decode()


def test_a_read_only_profile_sees_but_cannot_change(tenant_alpha, alpha_client) -> None:
    client = _login(alpha_client, "consulta1", "Consulta")
    category = Category.objects.get(code="RES")
    url = f"/cadastro/tabelas/categorias/{category.pk}/"
    page = client.get(url).content.decode()
    assert "Seu perfil permite só consultar" in page and "Desativar" not in page
    assert client.post(url, {"code": "RES", "name": "Mudou"}).status_code == 403
    assert client.post(url, {"action": "deactivate"}).status_code == 403
    assert client.post("/cadastro/tabelas/categorias/", {"code": "NOV", "name": "Nova"}).status_code == 403
    assert Category.objects.get(code="RES").name == "Residencial" and Category.objects.get(code="RES").active
    assert not Category.objects.filter(code="NOV").exists()


def test_the_property_page_names_its_locality_and_sector(manager) -> None:
    from modules.registry.models import City
    from modules.registry.services.reference import reference_create

    city = City.objects.order_by("id").first()
    assert city is not None
    loc = reference_create(
        actor=f.ACTOR, table="localities", data={"city": city.pk, "code": 1, "name": "Sede"}
    )
    reference_create(
        actor=f.ACTOR, table="sectors", data={"locality": loc.pk, "code": 2, "name": "Vila Nova"}
    )
    prop = f.prop(locality=1, sector=2, block=30)
    page = manager.get(f"/cadastro/imoveis/{prop.pk}/").content.decode()
    assert "localidade Sede, setor Vila Nova" in page


def test_a_clerk_adds_a_street_but_only_reads_the_categories(tenant_alpha, alpha_client) -> None:
    from modules.registry.models import City

    clerk = _login(alpha_client, "balcao", "Atendente")
    city = City.objects.order_by("id").first()
    assert city is not None
    added = clerk.post(
        "/cadastro/tabelas/logradouros/", {"city": city.pk, "street_type": "Rua", "name": "Nova"}
    )
    assert added.status_code == 302
    assert Street.objects.filter(name="Nova").exists()
    assert clerk.get("/cadastro/tabelas/categorias/").status_code == 200
    assert clerk.post("/cadastro/tabelas/categorias/", {"code": "NOV", "name": "Nova"}).status_code == 403
    assert not Category.objects.filter(code="NOV").exists()
    menu = clerk.get("/").content.decode()
    assert "Tabelas do cadastro" in menu and "Categorias, grupos e rotas" in menu
