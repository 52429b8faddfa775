"""Citizen API (VA-02): its own short-lived tokens, scoped reads, one 404, its own schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client

from portal.models import CitizenToken
from tests.conftest import bearer, make_user

from .conftest import Citizen


def _token(client: Client, citizen: Citizen) -> dict[str, str]:
    response = client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_token_is_stored_hashed_and_reads_only_the_citizens_properties(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    auth = _token(alpha_client, citizen)
    key = auth["HTTP_AUTHORIZATION"].split()[1]
    assert not CitizenToken.objects.filter(key_hash=key).exists()
    listing = alpha_client.get("/agencia/api/v1/properties", **auth)
    assert listing.status_code == 200
    assert {p["id"] for p in listing.json()} == {citizen.home.pk, citizen.second.pk}
    detail = alpha_client.get(f"/agencia/api/v1/properties/{citizen.home.pk}", **auth).json()
    assert detail["holder_document"].startswith("***.") and detail["open_debts"]["available"] is True
    assert detail["open_debts"]["open_bills"] == 0 and detail["open_debts"]["updated_total"] == "0.00"
    theirs = alpha_client.get(f"/agencia/api/v1/properties/{stranger.home.pk}", **auth)
    missing = alpha_client.get("/agencia/api/v1/properties/987654321", **auth)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()


def test_wrong_data_answers_one_message_and_no_token(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    response = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": stranger.cpf},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "sign_in_failed"


def test_without_a_token_or_with_a_staff_token_the_api_answers_401(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    assert alpha_client.get("/agencia/api/v1/properties").status_code == 401
    make_user("alpha", "atendente-api")
    staff = bearer(alpha_client, "atendente-api", "Senha-forte-123")
    assert alpha_client.get("/agencia/api/v1/properties", **staff).status_code == 401


def test_a_citizen_token_never_opens_the_staff_api(alpha_client: Client, citizen: Citizen) -> None:
    auth = _token(alpha_client, citizen)
    assert alpha_client.get("/api/v1/properties", **auth).status_code == 401


def test_the_token_expires_and_can_be_revoked(alpha_client: Client, citizen: Citizen) -> None:
    auth = _token(alpha_client, citizen)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31)):
        assert alpha_client.get("/agencia/api/v1/properties", **auth).status_code == 401
    assert alpha_client.post("/agencia/api/v1/auth/sign-out", **auth).status_code == 204
    assert alpha_client.get("/agencia/api/v1/properties", **auth).status_code == 401


def test_service_requests_through_the_api(alpha_client: Client, citizen: Citizen) -> None:
    auth = _token(alpha_client, citizen)
    url = f"/agencia/api/v1/properties/{citizen.home.pk}/requests"
    bad = alpha_client.post(url, {"type": "leak"}, content_type="application/json", **auth)
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"name", "phone", "email"}
    created = alpha_client.post(
        url,
        {"type": "leak", "name": "Maria", "phone": "1533334444", "email": "maria@example.com"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    protocol = created.json()["protocol"]
    assert [r["protocol"] for r in alpha_client.get(url, **auth).json()] == [protocol]
    assert alpha_client.get(f"/agencia/api/v1/requests/{protocol}", **auth).json()["status"] == "received"


def test_the_citizen_schema_is_separate_from_the_staff_schema(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    citizen_schema = alpha_client.get("/agencia/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(citizen_schema["paths"])
    assert "/agencia/api/v1/properties/{property_id}" in paths
    assert all(p.startswith("/agencia/api/v1/") for p in paths)
    make_user("alpha", "leitor-schema")
    staff = bearer(alpha_client, "leitor-schema", "Senha-forte-123")
    staff_schema = alpha_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json", **staff).json()
    assert not any(p.startswith("/agencia/") for p in staff_schema["paths"])
