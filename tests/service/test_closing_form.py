"""The closing form per service code (3.2.11.8): set on its page or through the API, asked on the
order's closing, what was reported kept on the order; a closing that misses a required field or
types a bad value is refused and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from modules.common.models import AuditEntry
from modules.service.models import ServiceOrder
from modules.service.models_orders import OrderClosingData
from modules.service.services import orders
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
A = f.ACTOR
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
CUT_FIELDS = [
    {"name": "leitura", "label": "Leitura no corte", "kind": "number", "required": True},
    {
        "name": "nivel",
        "label": "Nível do corte",
        "kind": "choice",
        "required": True,
        "choices": ["cavalete", "ramal"],
    },
    {"name": "lacre", "label": "Lacre", "kind": "text"},
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    def call(method: str, path: str, body: dict | None = None):
        if method == "get":
            return alpha_client.get(path, **headers)
        return getattr(alpha_client, method)(path, body or {}, content_type="application/json", **headers)

    return call


def test_the_api_sets_the_form_and_a_closing_must_answer_it(api) -> None:
    f.code("COR01", description="Corte")
    team = f.team()
    put = api("put", "/api/v1/service/codes/cor01/closing-fields", {"fields": CUT_FIELDS})
    assert put.status_code == 200, put.content
    assert [x["name"] for x in api("get", "/api/v1/service/codes/COR01/closing-fields").json()["fields"]] == [
        "leitura",
        "nivel",
        "lacre",
    ]
    order = orders.order_open(actor=A, code="COR01", property_id=reg.prop(holder=reg.customer()).pk)
    closing = {"executed": True, "executed_at": "2026-04-17T13:00:00-03:00", "team": team.pk}
    missing = api(
        "post", f"/api/v1/service/orders/{order.pk}/close", closing | {"fields": {"leitura": "1234"}}
    )
    assert missing.status_code == 400 and missing.json()["field"] == "fields.nivel"
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending" and not OrderClosingData.objects.exists()
    bad = api(
        "post",
        f"/api/v1/service/orders/{order.pk}/close",
        closing | {"fields": {"leitura": "x", "nivel": "ramal"}},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "fields.leitura"
    done = api(
        "post",
        f"/api/v1/service/orders/{order.pk}/close",
        closing | {"fields": {"leitura": "1234,5", "nivel": "ramal", "lacre": "L-778"}},
    )
    assert done.status_code == 200, done.content
    assert OrderClosingData.objects.get(order=order).values == {
        "leitura": "1234.5",
        "nivel": "ramal",
        "lacre": "L-778",
    }
    refused_form = api(
        "put",
        "/api/v1/service/codes/COR01/closing-fields",
        {"fields": [{"name": "X", "label": "x", "kind": "text"}]},
    )
    assert refused_form.status_code == 400 and refused_form.json()["field"] == "closing_fields[0].name"
    code_id = ServiceOrder.objects.get(pk=order.pk).code_id
    assert AuditEntry.objects.filter(action="service.closing_form_set", object_id=str(code_id)).count() == 1


def test_not_executed_asks_nothing_of_the_form(tenant_alpha) -> None:
    from modules.service.services.opening_settings import closing_form_set

    f.code("COR01")
    closing_form_set(actor=A, code="COR01", fields=CUT_FIELDS)
    order = orders.order_open(actor=A, code="COR01", property_id=reg.prop(holder=reg.customer()).pk)
    closed = orders.order_close(
        actor=A,
        order_id=order.pk,
        executed=False,
        executed_at=NOW,
        team_id=f.team().pk,
        reason="Imóvel fechado",
    )
    assert closed.status == "not_executed" and not OrderClosingData.objects.exists()


def test_the_form_is_set_on_its_page_and_answered_on_the_orders_page(tenant_alpha, alpha_client) -> None:
    make_user("alpha", "supervisora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD})
    code = f.code("COR01", description="Corte")
    team = f.team()
    assert (
        f"/servicos/codigos/{code.pk}/encerramento/"
        in alpha_client.get(f"/servicos/codigos/{code.pk}/").content.decode()
    )
    saved = alpha_client.post(
        f"/servicos/codigos/{code.pk}/encerramento/",
        {
            "rows": "3",
            "name-0": "leitura",
            "label-0": "Leitura no corte",
            "kind-0": "number",
            "required-0": "on",
            "name-1": "nivel",
            "label-1": "Nível do corte",
            "kind-1": "choice",
            "choices-1": "cavalete; ramal",
            "name-2": "",
        },
    )
    assert saved.status_code == 302
    bad = alpha_client.post(
        f"/servicos/codigos/{code.pk}/encerramento/",
        {"rows": "1", "name-0": "nivel", "label-0": "N", "kind-0": "choice"},
    )
    assert bad.status_code == 400 and "precisa delas" in bad.content.decode()
    order = orders.order_open(actor=A, code="COR01", property_id=reg.prop(holder=reg.customer()).pk)
    page = alpha_client.get(f"/servicos/ordens/{order.pk}/").content.decode()
    assert 'name="closing-leitura"' in page and "<option>cavalete</option>" in page
    form = {
        "action": "close",
        "close-executed": "1",
        "close-executed_at": "2026-04-17T13:00",
        "close-team": team.pk,
        "close-quantity": "1",
        "closing-nivel": "ramal",
    }
    refused = alpha_client.post(f"/servicos/ordens/{order.pk}/", form)
    assert refused.status_code == 400 and "Informe “Leitura no corte”" in refused.content.decode()
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending"
    done = alpha_client.post(f"/servicos/ordens/{order.pk}/", form | {"closing-leitura": "987"})
    assert done.status_code == 302
    shown = alpha_client.get(f"/servicos/ordens/{order.pk}/").content.decode()
    assert (
        "<dt>Leitura no corte</dt><dd>987</dd>" in shown and "<dt>Nível do corte</dt><dd>ramal</dd>" in shown
    )
