"""3.2.14.11 and 3.2.15.9 (ADR 0223): a request from the agency, the totem or the app opens a real
service order of its type's code, suspended in the validation queue: the scheduling API refuses it
until a staff user releases it, and the citizen follows it by the protocol and on the unit's orders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.service.domain.protocols import AGENCY_ORDER_CODES
from modules.service.models import ServiceOrder, ServiceRequest
from portal.models import AgencySettings
from tests.conftest import bearer, make_user
from tests.service import factories as sf

from .conftest import Citizen, sign_in

PASSWORD = "Senha-forte-123"
SIX = {
    "water_shortage": "Falta d'água",
    "blockage": "Entupimento de esgoto",
    "pothole": "Tapa-buraco (reparo do pavimento)",
    "branch_leak": "Vazamento no ramal",
    "meter_stand_leak": "Vazamento no cavalete",
    "valve_replacement": "Troca de registro",
}


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha: Any, alpha_client: Client) -> Any:
    user = make_user("alpha", "validador", PASSWORD, is_admin=True)
    headers = bearer(Client(HTTP_HOST="alpha.localhost"), "validador", PASSWORD)
    page = Client(HTTP_HOST="alpha.localhost")
    page.force_login(user)

    class Staff:
        client = page

        def post(self, path: str, body: dict[str, Any]) -> Any:
            return page.post(path, body, content_type="application/json", **headers)

        def get(self, path: str) -> Any:
            return page.get(path, **headers)

    return Staff()


def _citizen_token(client: Client, citizen: Citizen) -> dict[str, str]:
    token = client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_each_of_the_six_agency_requests_opens_an_order_that_waits_for_validation(
    alpha_client: Client, citizen: Citizen, staff: Any
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    form = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/").content.decode()
    for label in SIX.values():
        assert label.replace("'", "&#x27;") in form, label
    codes = {c.request_type: c.code for c in AGENCY_ORDER_CODES}
    opened: list[ServiceRequest] = []
    specs = {"branch_leak": "rua", "meter_stand_leak": "antes"}
    for type_code in SIX:
        response = alpha_client.post(
            f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/",
            {
                "type": type_code,
                "specification": specs.get(type_code, ""),
                "name": "Maria da Conceição Souza",
                "phone": "(15) 99999-1234",
                "email": "maria@example.com",
                "reference_point": "Em frente à padaria",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1500]
        item = ServiceRequest.objects.select_related("order__code").get(
            property=citizen.home, type_code=type_code
        )
        assert item.order is not None, type_code
        assert item.order.code.code == codes[type_code]
        assert item.order.status == "suspended_for_approval"
        assert item.order.property_id == citizen.home.pk
        assert item.protocol in item.order.description and "Em frente à padaria" in item.order.description
        opened.append(item)
    # the citizen follows it by the protocol and on the unit's orders
    first = opened[0]
    detail = alpha_client.get(
        f"/agencia/imoveis/{citizen.home.pk}/pedidos/{first.protocol}/"
    ).content.decode()
    assert first.order.label in detail and "Aguardando aprovação" in detail
    orders_page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/ordens/").content.decode()
    assert all(item.order.label in orders_page for item in opened)
    # staff see the validation queue on the orders page, with the protocol in the order
    queue = staff.client.get("/servicos/ordens/?status=suspended_for_approval").content.decode()
    assert all(item.order.label in queue for item in opened)
    order_page = staff.client.get(f"/servicos/ordens/{first.order.pk}/").content.decode()
    assert first.protocol in order_page and "Liberar (aprovar)" in order_page
    # scheduling is refused until a staff user releases it
    team = sf.team()
    refused = staff.post(
        f"/api/v1/service/orders/{first.order.pk}/schedule", {"team": team.pk, "date": "2026-06-17"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    assert staff.post(f"/api/v1/service/orders/{first.order.pk}/release", {}).json()["status"] == "pending"
    scheduled = staff.post(
        f"/api/v1/service/orders/{first.order.pk}/schedule", {"team": team.pk, "date": "2026-06-17"}
    )
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    api = alpha_client.get(
        f"/agencia/api/v1/requests/{first.protocol}", **_citizen_token(alpha_client, citizen)
    )
    assert api.json()["order"] == {
        "number": first.order.label,
        "status": "scheduled",
        "status_label": "Programada",
    }


def test_the_totem_and_the_app_open_the_same_order_and_the_types_are_the_utilitys(
    citizen: Citizen, staff: Any
) -> None:
    totem = Client(HTTP_HOST="alpha.localhost")
    sign_in(totem, citizen.home, citizen.cpf, prefix="/totem/")
    form = totem.get(f"/totem/imoveis/{citizen.home.pk}/pedidos/novo/").content.decode()
    assert "Vazamento no cavalete" in form and "Outros serviços" in form
    response = totem.post(
        f"/totem/imoveis/{citizen.home.pk}/pedidos/novo/",
        {
            "type": "meter_stand_leak",
            "specification": "antes",
            "name": "Maria da Conceição Souza",
            "phone": "15999991234",
        },
    )
    assert response.status_code == 302, response.content.decode().split("<main")[1][:3000]
    at_totem = ServiceRequest.objects.select_related("order").get(property=citizen.home)
    assert at_totem.channel == "totem" and at_totem.order.status == "suspended_for_approval"
    # the app (citizen API) answers the order with the protocol
    app = Client(HTTP_HOST="alpha.localhost")
    auth = _citizen_token(app, citizen)
    created = app.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/requests",
        {
            "type": "blockage",
            "name": "Maria da Conceição Souza",
            "phone": "15999991234",
            "email": "maria@example.com",
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["order"]["status"] == "suspended_for_approval" and body["order"]["number"]
    orders = app.get(f"/agencia/api/v1/properties/{citizen.home.pk}/service-orders", **auth).json()
    assert {o["number"] for o in orders} == {at_totem.order.label, body["order"]["number"]}
    # "Outros serviços" stays a protocol for the sector to decide
    other = app.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/requests",
        {"type": "other_service", "name": "Maria", "phone": "15999991234", "email": "maria@example.com"},
        content_type="application/json",
        **auth,
    )
    assert other.status_code == 201 and other.json()["order"] is None
    # the utility points a type at its own code (API) and narrows what the totem offers (settings)
    sf.code("VAZ99", description="Vazamento: vistoria e conserto")
    changed = staff.post(
        "/api/v1/service/protocol-types",
        {
            "code": "leak",
            "kind": "service",
            "label": "Vazamento (conserto)",
            "deadline_days": 2,
            "service_code": "VAZ99",
        },
    )
    assert changed.status_code == 200 and changed.json()["service_code"] == "VAZ99"
    refused = staff.post(
        "/api/v1/service/protocol-types",
        {
            "code": "leak",
            "kind": "service",
            "label": "Vazamento (conserto)",
            "deadline_days": 2,
            "service_code": "NAOEXISTE",
        },
    )
    assert refused.status_code == 400 and "NAOEXISTE" in refused.json()["detail"]
    leak = app.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/requests",
        {"type": "leak", "name": "Maria", "phone": "15999991234", "email": "maria@example.com"},
        content_type="application/json",
        **auth,
    )
    assert ServiceOrder.objects.get(protocols__protocol=leak.json()["protocol"]).code.code == "VAZ99"
    agency = AgencySettings.current()
    agency.request_types = [t for t in agency.request_types if t != "pothole"]
    agency.save()
    form = totem.get(f"/totem/imoveis/{citizen.home.pk}/pedidos/novo/").content.decode()
    assert "Tapa-buraco" not in form and "Troca de registro" in form


def test_va23_the_specification_is_asked_and_its_deadline_gives_the_expected_date(
    alpha_client: Client, citizen: Citizen, staff: Any
) -> None:
    from modules.common.clock import tenant_today

    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/pedidos/novo/"
    form = alpha_client.get(url).content.decode()
    assert '<optgroup label="Vazamento no ramal">' in form and "Na calçada" in form
    body = {
        "type": "branch_leak",
        "name": "Maria da Conceição Souza",
        "phone": "15999991234",
        "email": "maria@example.com",
    }
    missing = alpha_client.post(url, body)
    assert missing.status_code == 200 and "Escolha a especificação" in missing.content.decode()
    assert not ServiceRequest.objects.filter(property=citizen.home).exists()
    assert alpha_client.post(url, {**body, "specification": "rua"}).status_code == 302
    item = ServiceRequest.objects.select_related("order").get(property=citizen.home)
    today = tenant_today()
    assert item.specification == "Na rua" and item.expected_on == today + dt.timedelta(days=1)
    assert "Vazamento no ramal — Na rua" in item.order.description
    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/pedidos/{item.protocol}/").content.decode()
    assert "Vazamento no ramal — Na rua" in page
    # the app reads the types with their specifications and sends one
    types = alpha_client.get("/agencia/api/v1/request-types").json()["types"]
    ramal = next(t for t in types if t["code"] == "branch_leak")
    assert ramal["opens_order"] is True and [s["code"] for s in ramal["specifications"]] == ["rua", "calcada"]
    assert next(t for t in types if t["code"] == "other_service")["opens_order"] is False
    auth = _citizen_token(alpha_client, citizen)
    created = alpha_client.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/requests",
        {**body, "specification": "calcada"},
        content_type="application/json",
        **auth,
    ).json()
    assert created["specification"] == "Na calçada"
    assert created["expected_on"] == (today + dt.timedelta(days=2)).isoformat()
    wrong = alpha_client.post(
        f"/agencia/api/v1/properties/{citizen.home.pk}/requests",
        {**body, "specification": "telhado"},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "specification"
    # the lists are the utility's: staff give tapa-buraco its own, with a deadline each
    saved = staff.post(
        "/api/v1/service/protocol-types",
        {
            "code": "pothole",
            "kind": "service",
            "label": "Tapa-buraco (reparo do pavimento)",
            "deadline_days": 10,
            "service_code": "AGTAPA",
            "specifications": [{"code": "rua", "label": "Na rua", "deadline_days": 7}],
        },
    )
    assert saved.status_code == 200 and saved.json()["specifications"][0]["deadline_days"] == 7
    bad = staff.post(
        "/api/v1/service/protocol-types",
        {
            "code": "pothole",
            "kind": "service",
            "label": "Tapa-buraco",
            "deadline_days": 10,
            "specifications": [{"code": "rua", "label": "Na rua", "deadline_days": 999}],
        },
    )
    assert bad.status_code == 400 and bad.json()["field"] == "specifications"
    types_page = staff.client.get("/servicos/protocolos/tipos/").content.decode()
    assert "Na rua (7 d)" in types_page and "AGTAPA" in types_page
