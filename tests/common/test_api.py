"""The API glue every module shares: a JSON body that is not an object is a 400 at the parser, for
every view (found by the fuzzer, issue 11: a list reached `request.data.get` as a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from modules.reading.models import Reading
from modules.registry.models import Customer
from tests.conftest import bearer, make_user

REFUSAL = {"code": "parse_error", "detail": "O corpo da requisição deve ser um objeto JSON ({...})."}


@pytest.mark.parametrize("body", ["[null, null]", "[]", "42", '"texto"', "null"])
@pytest.mark.parametrize("path", ["/api/v1/readings/file", "/api/v1/customers", "/api/v1/readings"])
def test_a_json_body_that_is_not_an_object_is_a_400(
    alpha_client: Any, tenant_alpha: Any, path: str, body: str
) -> None:
    make_user("alpha", "gestora", is_admin=True)
    headers = bearer(alpha_client, "gestora", "Senha-forte-123")
    customers = Customer.objects.count()
    response = alpha_client.post(path, body, content_type="application/json", **headers)
    assert response.status_code == 400, response.content
    assert response.json() == REFUSAL
    assert Customer.objects.count() == customers and not Reading.objects.exists()


def test_an_object_still_goes_through(alpha_client: Any, tenant_alpha: Any) -> None:
    make_user("alpha", "gestora", is_admin=True)
    headers = bearer(alpha_client, "gestora", "Senha-forte-123")
    response = alpha_client.post(
        "/api/v1/readings/file", {"text": ""}, content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/customers?search=ab%00c", "search"),
        ("/api/v1/properties?search=%00", "search"),
        ("/api/v1/bills?status=paid%00", "status"),
        ("/agencia/api/v1/tariffs?x%00y=1", "xy"),
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(
    alpha_client: Any, tenant_alpha: Any, path: str, field: str
) -> None:
    make_user("alpha", "gestora", is_admin=True)
    headers = bearer(alpha_client, "gestora", "Senha-forte-123")
    response = alpha_client.get(path, **headers)
    assert response.status_code == 400, response.content
    message = f"O parâmetro '{field}' contém um caractere nulo (NUL), que não é aceito."
    assert response.json() == {
        "code": "invalid",
        "detail": message,
        "field": field,
        "errors": {field: [message]},
    }
