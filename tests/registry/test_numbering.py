"""R-05 (ADR 0225): the matrícula's check-digit rule is the utility's setting, chosen on a page and by
the API before the first property: seed 003's 464726 → 2, a base whose modulo 11 gives 10 issued
with 0 under the GSAN rule (refused under the default), the separator shown and read back, a wrong
digit refused, and no change once a property exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from modules.registry.domain.account_number import (
    AccountRule,
    InvalidAccountNumber,
    account_check_digit,
    parse_account_number,
)
from modules.registry.models import Property
from modules.registry.numbering import parse_account
from tests.conftest import bearer, make_user

from . import factories as f

PASSWORD = "Senha-forte-123"
TEN = next(b for b in range(1001, 2000) if account_check_digit(b) is None)  # mod 11 gives 10


def test_the_seed_003_sample_and_the_two_rules() -> None:
    assert account_check_digit("464726") == 2
    assert account_check_digit(TEN) is None
    gsan = AccountRule("mod11_zero", ".")
    assert account_check_digit(TEN, gsan) == 0
    assert parse_account_number("464726.2", gsan) == 464726
    with pytest.raises(InvalidAccountNumber):
        parse_account_number("464726.3", gsan)
    with pytest.raises(InvalidAccountNumber):
        parse_account_number(f"{TEN}-0")  # the default never issues it


@pytest.fixture
def staff(tenant_alpha: Any) -> tuple[Client, dict[str, str]]:
    user = make_user("alpha", "cadastro", PASSWORD, is_admin=True)
    client = Client(HTTP_HOST="alpha.localhost")
    headers = bearer(client, "cadastro", PASSWORD)
    client.force_login(user)
    return client, headers


def test_a_fresh_utility_chooses_the_gsan_rule_and_its_matriculas_follow_it(
    staff: tuple[Client, dict[str, str]],
) -> None:
    client, headers = staff
    assert not Property.objects.exists()
    page = client.get("/cadastro/numeracao/").content.decode()
    assert "464726-2" in page and "Dígito verificador da matrícula" in page
    assert client.get("/api/v1/registry/numbering", **headers).json() == {
        "account_rule": "mod11",
        "account_separator": "-",
        "inscription_widths": "3.3.4.4.3",
    }
    with pytest.raises(Exception, match="dígito verificador"):
        f.prop(account_base=TEN)
    saved = client.put(
        "/api/v1/registry/numbering",
        {"account_rule": "mod11_zero", "account_separator": "."},
        content_type="application/json",
        **headers,
    )
    assert saved.status_code == 200, saved.content
    holder = f.customer("Rosa Maria Dantas")
    prop = f.prop(holder=holder, account_base=TEN)
    assert prop.account_number == f"{TEN}.0"
    assert parse_account(f"{TEN}.0") == TEN and parse_account(f"{TEN}0") == TEN
    with pytest.raises(InvalidAccountNumber):
        parse_account(f"{TEN}.1")
    assert "464726.2" in client.get("/cadastro/numeracao/").content.decode()
    # the citizen signs in with the number as the utility prints it
    citizen = Client(HTTP_HOST="alpha.localhost")
    signed = citizen.post("/agencia/", {"account": f"{TEN}.0", "document": holder.cpf_cnpj})
    assert signed.status_code == 302 and signed["Location"].endswith(f"/agencia/imoveis/{prop.pk}/")
    # now that a property exists, the rule is fixed
    refused = client.put(
        "/api/v1/registry/numbering",
        {"account_rule": "mod11", "account_separator": "-"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 409 and refused.json()["field"] == "account_rule"
    posted = client.post("/cadastro/numeracao/", {"account_rule": "mod11", "account_separator": "-"})
    assert posted.status_code == 400 and "antes do primeiro imóvel" in posted.content.decode()
