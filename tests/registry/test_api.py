"""Staff API of registry and metering: the issue's fixed points, bad fields, permissions, isolation."""

from __future__ import annotations

import pytest
from django.db import connection

from modules.common.models import AuditEntry
from modules.registry.models import City, Neighbourhood, Street
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"


def _refs() -> tuple[int, int]:
    city = City.objects.order_by("id").first()
    street, _ = Street.objects.get_or_create(
        city=city, street_type="Rua", name="Mato Grosso", defaults={"name_search": "rua mato grosso"}
    )
    hood, _ = Neighbourhood.objects.get_or_create(
        city=city, name="Centro", defaults={"name_search": "centro"}
    )
    return street.pk, hood.pk


@pytest.fixture
def admin(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(alpha_client, "chefe", PASSWORD)


def _create_everything(client, headers) -> dict:
    street, hood = _refs()
    customer = client.post(
        "/api/v1/customers",
        {
            "name": "Luíza Helena Brandão",
            "cpf_cnpj": "529.982.247-25",
            "email": "luiza@exemplo.com.br",
            "phone": "(66) 99999-0000",
        },
        content_type="application/json",
        **headers,
    )
    assert customer.status_code == 201, customer.content
    prop = client.post(
        "/api/v1/properties",
        {
            "locality": 1,
            "sector": 1,
            "block": 10,
            "lot": 20,
            "street": street,
            "neighbourhood": hood,
            "number": "77",
            "cep": "78643-000",
            "categories": [{"category": "RES", "economies": 2}, {"category": "COM", "economies": 1}],
            "holder_cpf_cnpj": "52998224725",
            "latitude": "-12.608000",
            "longitude": "-52.213000",
        },
        content_type="application/json",
        **headers,
    )
    assert prop.status_code == 201, prop.content
    return {"customer": customer.json(), "property": prop.json()}


def test_customer_property_connection_meter_through_the_api(alpha_client, admin) -> None:
    made = _create_everything(alpha_client, admin)
    pid = made["property"]["id"]
    assert made["property"]["categories"] == [
        {"category": "COM", "economies": 1, "usage_plan": ""},
        {"category": "RES", "economies": 2, "usage_plan": ""},
    ]
    water = alpha_client.post(
        f"/api/v1/properties/{pid}/connections",
        {
            "kind": "water",
            "situation": "connected",
            "since": "2024-01-10",
            "diameter_mm": 20,
            "material": "PEAD",
        },
        content_type="application/json",
        **admin,
    )
    assert water.status_code == 201, water.content
    meter = alpha_client.post(
        "/api/v1/meters",
        {
            "number": "Y24A000123",
            "manufacturer": "Elster",
            "capacity": "1.50",
            "diameter_mm": 20,
            "metrological_class": "B",
            "manufacture_year": 2024,
            "calibrated_on": "2024-01-02",
        },
        content_type="application/json",
        **admin,
    )
    assert meter.status_code == 201, meter.content
    install = alpha_client.post(
        f"/api/v1/connections/{water.json()['id']}/meter/install",
        {"meter": "Y24A000123", "installed_on": "2024-01-10", "initial_reading": 0},
        content_type="application/json",
        **admin,
    )
    assert install.status_code == 201, install.content
    for query in (
        made["property"]["account_number"],
        "001.001.0010.0020",
        "529.982.247-25",
        "luiza brandao",
        "mato grosso 77",
        "y24a000123",
    ):
        body = alpha_client.get("/api/v1/properties", {"search": query}, **admin).json()
        assert body["count"] == 1, query
        item = body["results"][0]
        assert (item["id"], item["account_number"], item["cpf_cnpj"]) == (
            pid,
            made["property"]["account_number"],
            "52998224725",
        )
    history = alpha_client.get(f"/api/v1/properties/{pid}/history", **admin).json()
    assert {"registry.property_create", "registry.relation_start", "registry.connection_create"} <= {
        h["action"] for h in history
    }
    assert AuditEntry.objects.filter(action="metering.meter_install").count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        (
            {"name": "Fulano de Tal", "cpf_cnpj": "111.111.111-11", "email": "", "phone": ""},
            "cpf_cnpj",
            "document_invalid",
        ),
        (
            {"name": "Fulano de Tal", "cpf_cnpj": "52998224725", "email": "não-é-email", "phone": ""},
            "email",
            "email_invalid",
        ),
        ({"name": "Fu", "cpf_cnpj": "52998224725"}, "name", "name_required"),
        ({"cpf_cnpj": "52998224725"}, "name", "invalid"),
    ],
)
def test_bad_customer_field_answers_400_naming_it(alpha_client, admin, payload, field, code) -> None:
    response = alpha_client.post("/api/v1/customers", payload, content_type="application/json", **admin)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and field in body["errors"]
    assert body["code"] == code
    assert alpha_client.get("/api/v1/customers", **admin).json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"account_number": "12345-4"}, "account_number", "account_number_invalid"),
        ({"categories": [{"category": "XYZ", "economies": 1}]}, "categories", "economies_invalid"),
        ({"categories": [{"category": "RES", "economies": -1}]}, "economies", "economies_invalid"),
        ({"holder_since": "2099-01-01"}, "holder_since", "date_in_future"),
        ({"street": 999999}, "street", "street_not_found"),
    ],
)
def test_bad_property_field_answers_400_and_saves_nothing(alpha_client, admin, change, field, code) -> None:
    street, hood = _refs()
    alpha_client.post(
        "/api/v1/customers",
        {"name": "Luíza Helena", "cpf_cnpj": "52998224725", "email": "", "phone": ""},
        content_type="application/json",
        **admin,
    )
    payload = {
        "locality": 1,
        "sector": 1,
        "block": 1,
        "lot": 1,
        "street": street,
        "neighbourhood": hood,
        "number": "1",
        "categories": [{"category": "RES", "economies": 1}],
        "holder_cpf_cnpj": "52998224725",
    } | change
    response = alpha_client.post("/api/v1/properties", payload, content_type="application/json", **admin)
    assert response.status_code == 400, response.content
    assert (response.json()["field"], response.json()["code"]) == (field, code)
    assert alpha_client.get("/api/v1/properties", **admin).json()["count"] == 0


def test_read_only_profile_reads_but_cannot_write(alpha_client, tenant_alpha) -> None:
    from modules.access.models import Profile

    user = make_user("alpha", "leitor", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Consulta"))
    headers = bearer(alpha_client, "leitor", PASSWORD)
    assert alpha_client.get("/api/v1/properties", **headers).status_code == 200
    response = alpha_client.post(
        "/api/v1/customers",
        {"name": "Fulano", "cpf_cnpj": "52998224725"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403


def test_economies_need_their_own_grant(alpha_client, tenant_alpha) -> None:
    from modules.access.models import Profile

    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    made = _create_everything(alpha_client, bearer(alpha_client, "chefe", PASSWORD))
    clerk = make_user("alpha", "atendente1", PASSWORD)
    clerk.profiles.add(Profile.objects.get(name="Atendente"))
    headers = bearer(alpha_client, "atendente1", PASSWORD)
    url = f"/api/v1/properties/{made['property']['id']}/categories"
    response = alpha_client.put(
        url, {"categories": [{"category": "RES", "economies": 9}]}, content_type="application/json", **headers
    )
    assert response.status_code == 403


def test_a_property_of_alpha_is_not_visible_from_beta(alpha_client, beta_client, admin) -> None:
    made = _create_everything(alpha_client, admin)
    make_user("beta", "chefe_b", PASSWORD, is_admin=True)
    beta_headers = bearer(beta_client, "chefe_b", PASSWORD)
    assert (
        beta_client.get("/api/v1/properties", {"search": "52998224725"}, **beta_headers).json()["count"] == 0
    )
    missing = beta_client.get(f"/api/v1/properties/{made['property']['id']}", **beta_headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "property_not_found")
    assert beta_client.get("/api/v1/customers", **beta_headers).json()["count"] == 0
    # alpha's token is refused on beta's host
    assert beta_client.get("/api/v1/properties", **admin).status_code == 401
    connection.set_schema_to_public()


def test_openapi_schema_lists_registry_and_metering(alpha_client, admin) -> None:
    response = alpha_client.get("/api/v1/schema/", **admin)
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/customers",
        "/api/v1/properties",
        "/api/v1/meters",
        "/api/v1/connections/{id}/meter/swap",
    ):
        assert path in text


def test_property_search_api_caps_the_count_and_says_so(admin, alpha_client, monkeypatch) -> None:
    from modules.registry import search
    from tests.registry import factories as f

    street = f.street("Brasil", "Avenida")
    for i in range(4):
        f.prop(holder=f.customer(f"Joana Prado {i}"), street=street, number=str(i))
    body = alpha_client.get("/api/v1/properties", {"search": "joana prado"}, **admin).json()
    assert (body["count"], body["count_capped"], body["next"], len(body["results"])) == (4, False, None, 4)
    monkeypatch.setattr(search, "SEARCH_LIMIT", 3)
    body = alpha_client.get("/api/v1/properties", {"search": "joana prado", "page_size": 2}, **admin).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
    assert body["next"] and body["previous"] is None
    assert {"id", "account_number", "cpf_cnpj"} <= set(body["results"][0])


@pytest.mark.parametrize("field", ["residents", "water_outlets"])
def test_a_count_above_the_columns_range_is_a_400_naming_the_field(admin, alpha_client, field) -> None:
    """Found by the fuzzer (issue 11): 40000 residents reached PostgreSQL's smallint as a 500."""
    from modules.registry.models import Property
    from tests.registry import factories as f

    prop = f.prop()
    response = alpha_client.patch(
        f"/api/v1/properties/{prop.pk}", {field: 40000}, content_type="application/json", **admin
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        field: ["Certifique-se de que este valor seja inferior ou igual a 32767."]
    }
    assert getattr(Property.objects.get(pk=prop.pk), field) is None
    assert (
        alpha_client.patch(
            f"/api/v1/properties/{prop.pk}", {field: 32767}, content_type="application/json", **admin
        ).status_code
        == 200
    )
