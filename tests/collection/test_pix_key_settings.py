"""The PIX key the bills carry, set by staff (ADR 0217, 0246): a page under the collection settings and
GET/PUT /api/v1/collection/pix/receiver; each key kind of the DICT (CPF, CNPJ, e-mail, phone, random
EVP) is checked by its own rule and a bad one refused in pt-BR naming the field; the new key replaces
the previous one, which is kept for the trail, and the next bill's BR Code carries it."""

from __future__ import annotations

import pytest
from django.test import Client

from modules.collection.models import PixReceiver
from modules.collection.pix_bill import pix_key_clean
from modules.common.errors import ValidationFailed
from tests.collection import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
PASSWORD = "Senha-forte-123"
BODY = {"agent": "001", "merchant_name": "SAAE Sao Jose", "merchant_city": "Sao Jose"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("529.982.247-25", "52998224725"),
        ("12.345.678/0001-95", "12345678000195"),
        ("Financeiro@SAAE.example", "financeiro@saae.example"),
        ("+55 (79) 99876-1111", "+5579998761111"),
        ("123E4567-E89B-42D3-A456-426614174000", "123e4567-e89b-42d3-a456-426614174000"),
    ],
)
def test_each_key_kind_is_normalised_as_the_dict_keeps_it(raw: str, clean: str) -> None:
    assert pix_key_clean(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("529.982.247-24", "dígitos verificadores do CPF"),
        ("12345678000199", "dígitos verificadores do CNPJ"),
        ("financeiro@", "e-mail não é válido"),
        ("+1 202 555 0100", "+55, o DDD e o número"),
        ("chave-qualquer", "CPF (11 dígitos), um CNPJ (14 dígitos)"),
        ("", "Informe a chave Pix"),
    ],
)
def test_a_bad_key_is_refused_naming_the_field(raw: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        pix_key_clean(raw)
    assert exc.value.field == "key" and message in exc.value.message


def test_the_api_sets_and_reads_the_key_and_refuses_a_bad_one(alpha_client: Client) -> None:
    f.agent("001")
    make_user("alpha", "chefe-pix", PASSWORD, is_admin=True)
    auth = bearer(alpha_client, "chefe-pix", PASSWORD)
    r = alpha_client.get("/api/v1/collection/pix/receiver", **auth)
    assert r.status_code == 404 and r.json()["code"] == "pix_receiver_not_found"
    r = alpha_client.put(
        "/api/v1/collection/pix/receiver",
        {**BODY, "key": "12345678000199"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400 and "CNPJ não conferem" in r.content.decode()
    assert not PixReceiver.objects.exists()
    r = alpha_client.put(
        "/api/v1/collection/pix/receiver",
        {**BODY, "key": "12.345.678/0001-95"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    assert r.json()["key"] == "12345678000195" and r.json()["key_kind"] == "cnpj"
    r = alpha_client.put(
        "/api/v1/collection/pix/receiver",
        {**BODY, "key": "123e4567-e89b-42d3-a456-426614174000"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200
    got = alpha_client.get("/api/v1/collection/pix/receiver", **auth).json()
    assert (got["key"], got["key_kind"], got["agent"]) == (
        "123e4567-e89b-42d3-a456-426614174000",
        "evp",
        "001",
    )
    assert list(PixReceiver.objects.order_by("created_at").values_list("key", "active")) == [
        ("12345678000195", False),
        ("123e4567-e89b-42d3-a456-426614174000", True),
    ]


def test_the_page_sets_the_key_and_shows_the_error_on_the_field(alpha_client: Client) -> None:
    f.agent("001")
    alpha_client.force_login(make_user("alpha", "chefe-pix-pg", PASSWORD, is_admin=True))
    page = alpha_client.get("/arrecadacao/configuracoes/pix/")
    assert page.status_code == 200
    assert "Nenhuma chave Pix cadastrada" in page.content.decode()
    bad = alpha_client.post("/arrecadacao/configuracoes/pix/", {**BODY, "key": "+55 79 1234"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["key"] == [
        "Chave Pix «+55 79 1234»: o telefone é +55, o DDD e o número (ex.: +5579998761111)."
    ]
    ok = alpha_client.post("/arrecadacao/configuracoes/pix/", {**BODY, "key": "+55 79 99876-1111"})
    assert ok.status_code == 302
    page = alpha_client.get("/arrecadacao/configuracoes/pix/").content.decode()
    assert "Chave em uso: +5579998761111 (telefone), banco 001" in page
    assert PixReceiver.objects.get(active=True).created_by == "chefe-pix-pg"
