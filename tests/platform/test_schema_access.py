"""The staff and ops OpenAPI schemas (and the staff docs page) need a signed-in user; the citizen
API's schema stays public, as docs/agency-deployment.md publishes it for the utility's app."""

from __future__ import annotations

import pytest

from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_staff_schema_and_docs_need_a_staff_user(alpha_client, path: str) -> None:
    anonymous = alpha_client.get(path)
    assert anonymous.status_code == 401
    assert b"/api/v1/customers" not in anonymous.content
    make_user("alpha", "leitora", "Senha-forte-123")
    signed = alpha_client.get(path, **bearer(alpha_client, "leitora", "Senha-forte-123"))
    assert signed.status_code == 200


def test_the_ops_schema_needs_a_vendor_user(ops_client, alpha_client) -> None:
    anonymous = ops_client.get("/ops/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401
    assert b"/ops/api/v1/tenants" not in anonymous.content
    # a utility's staff token is no vendor token
    make_user("alpha", "maria", "Senha-forte-123")
    staff = bearer(alpha_client, "maria", "Senha-forte-123")
    assert ops_client.get("/ops/api/v1/schema/", **staff).status_code == 401
    make_user("public", "fornecedor", "Senha-forte-123")
    vendor = bearer(ops_client, "fornecedor", "Senha-forte-123", path="/ops/api/v1/auth/token")
    signed = ops_client.get("/ops/api/v1/schema/", HTTP_ACCEPT="application/json", **vendor)
    assert signed.status_code == 200 and "/ops/api/v1/tenants" in signed.content.decode()


def test_the_citizen_schema_stays_public(alpha_client) -> None:
    response = alpha_client.get("/agencia/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/agencia/api/v1/auth/token" in response.content.decode()
