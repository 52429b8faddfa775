"""R-07 (ADR 0214): the inscrição's widths are the utility's. Seed 003's 425.001.003.1058.000
(localidade 3, setor 3, quadra 3, lote 4, sublote 3, GSAN) formats and parses back with its two
check digits, the default 3.3.4.4.3 is unchanged, and a utility chooses its widths on the numbering
page or the API before its first property; its properties, searches and typed inscriptions then
follow them, and the widths are fixed once a property exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from modules.registry.domain.inscription import (
    GSAN_WIDTHS,
    WIDTHS,
    Inscription,
    InvalidInscription,
    check_digits,
    inscription_prefix,
    parse_inscription,
)
from modules.registry.models import Property
from modules.registry.numbering import inscription_widths
from modules.registry.services.location import inscription_typed
from tests.conftest import bearer, make_user

from . import factories as f

PASSWORD = "Senha-forte-123"


def test_the_seed_003_inscription_round_trips_in_the_gsan_widths() -> None:
    insc = parse_inscription("425.1.3.1058.0", GSAN_WIDTHS)
    assert insc.routing() == "425.001.003.1058.000"
    dv = check_digits("4250010031058000")
    assert insc.formatted() == f"425.001.003.1058.000-{dv}"
    assert parse_inscription(insc.formatted(), GSAN_WIDTHS) == insc
    assert parse_inscription(f"4250010031058000{dv}", GSAN_WIDTHS) == insc  # run together, with DVs
    assert parse_inscription("4250010031058000", GSAN_WIDTHS) == insc
    with pytest.raises(InvalidInscription, match="quadra deve ter até 3 dígitos"):
        parse_inscription("425.1.1003.1058.0", GSAN_WIDTHS)
    wrong = "0" if dv[1] != "0" else "1"
    with pytest.raises(InvalidInscription, match="não conferem"):
        parse_inscription(f"425.001.003.1058.000-{dv[0]}{wrong}", GSAN_WIDTHS)
    assert inscription_prefix("425.1.3", GSAN_WIDTHS) == "425.001.003"
    # the default layout (ADR 0189) is the same as before
    assert WIDTHS == (3, 3, 4, 4, 3)
    assert Inscription(1, 2, 34, 56, 0).formatted() == "001.002.0034.0056.000-95"
    assert parse_inscription("001.002.0034.0056.000-95") == Inscription(1, 2, 34, 56, 0)


@pytest.fixture
def staff(tenant_alpha: Any) -> tuple[Client, dict[str, str]]:
    user = make_user("alpha", "cadastro", PASSWORD, is_admin=True)
    client = Client(HTTP_HOST="alpha.localhost")
    headers = bearer(client, "cadastro", PASSWORD)
    client.force_login(user)
    return client, headers


def test_a_fresh_utility_chooses_the_gsan_widths_and_its_properties_follow_them(
    staff: tuple[Client, dict[str, str]],
) -> None:
    client, headers = staff
    assert not Property.objects.exists()
    page = client.get("/cadastro/numeracao/").content.decode()
    assert "Larguras da inscrição" in page and "425.001.0003.1058.000-" in page
    saved = client.put(
        "/api/v1/registry/numbering",
        {"account_rule": "mod11", "account_separator": "-", "inscription_widths": "3.3.3.4.3"},
        content_type="application/json",
        **headers,
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["inscription_widths"] == "3.3.3.4.3" and inscription_widths() == GSAN_WIDTHS
    assert "425.001.003.1058.000-" in client.get("/cadastro/numeracao/").content.decode()
    prop = f.prop(holder=f.customer("Maria Aparecida"), locality=425, sector=1, block=3, lot=1058)
    assert prop.inscription == parse_inscription("425.1.3.1058.0", GSAN_WIDTHS).formatted()
    assert prop.inscription.startswith("425.001.003.1058.000-")
    assert inscription_typed(prop.inscription).routing() == "425.001.003.1058.000"
    found = client.get("/api/v1/properties", {"q": "425.1.3"}, **headers)
    assert found.status_code == 200 and prop.account_number in found.content.decode()
    with pytest.raises(Exception, match="quadra deve ter até 3 dígitos"):
        f.prop(locality=425, sector=1, block=1003, lot=7)
    # a property exists: the widths are fixed (API 409 naming the field, the page refuses)
    refused = client.put(
        "/api/v1/registry/numbering",
        {"account_rule": "mod11", "account_separator": "-", "inscription_widths": "3.3.4.4.3"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 409 and refused.json()["field"] == "inscription_widths"
    posted = client.post(
        "/cadastro/numeracao/",
        {"account_rule": "mod11", "account_separator": "-", "inscription_widths": "3.3.4.4.3"},
    )
    assert posted.status_code == 400 and "antes do primeiro imóvel" in posted.content.decode()
