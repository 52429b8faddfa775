"""VA-32's details on seed 003's F-DESO debt (415,29): CPF do solicitante with PESQUISAR (only who
answers for the debt), the reactivation fee, Resumo do débito, PAGAMENTO À VISTA, the not-a-contract
notice, and the entry rules — on the page and in the citizen API, with the same numbers."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.common.domain.money import Rounding
from modules.debt.domain.installments import installment_value
from modules.debt.models import InstallmentPolicyVersion
from modules.registry.services.relations import relation_transfer
from saas.demo.debt import DEMO_REACTIVATION_FEE, seed_demo_debt
from tests.registry import factories as rf

from .conftest import Citizen, sign_in
from .test_api import _token
from .test_services_pages import SEED_003, TODAY, _deso_policy, _owes_415_29

API = "/agencia/api/v1"


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _brl(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _pmts(financed: str) -> list[str]:
    return [
        _brl(installment_value(Decimal(financed), Decimal("0.0163"), n, Rounding.HALF_UP))
        for n in range(1, 7)
    ]


def _options(body: str) -> list[str]:
    rows = body.split("<tbody>")[2].split("</tbody>")[0]
    return [r.split("<td>")[3].split("</td>")[0] for r in rows.split("<tr>")[1:]]


def _dl(body: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}[^<]*</dt><dd>(?:<strong>)?R\$ ([\d.,]+)", body)
    assert match, label
    return match.group(1)


@pytest.fixture
def deso(alpha_client: Client, citizen: Citizen) -> str:
    _deso_policy()
    _owes_415_29(citizen.home)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    return f"/agencia/imoveis/{citizen.home.pk}/parcelamento/"


def test_summary_cash_payment_and_notice_reproduce_seed_003(alpha_client: Client, deso: str) -> None:
    body = alpha_client.get(deso).content.decode()
    assert [
        _dl(body, label)
        for label in (
            "Contas",
            "Guias de pagamento",
            "Acréscimos por impontualidade",
            "Débitos a cobrar: serviços",
            "Débitos a cobrar: parcelamento",
            "Créditos a realizar",
            "Débito total atualizado",
        )
    ] == ["415,29", "0,00", "0,00", "0,00", "0,00", "0,00", "415,29"]
    cash = body.split("Pagamento à vista")[1]
    assert [
        _dl(cash, label)
        for label in (
            "Valor atualizado",
            "Valor dos impostos",
            "Valor do desconto",
            "Valor pagamento à vista",
        )
    ] == ["415,29", "0,00", "0,00", "415,29"]
    assert _options(body) == SEED_003
    assert "esta simulação não é um contrato" in body
    assert "Para simular o parcelamento, informe o CPF do cliente responsável pelo débito." in body


def test_entry_of_100_gives_the_price_on_315_29_and_bad_entries_are_refused(
    alpha_client: Client, deso: str
) -> None:
    page = alpha_client.post(deso, {"entrada": "100,00", "calcular": "1"})
    assert page.status_code == 200
    assert _options(page.content.decode()) == _pmts("315.29")
    above = alpha_client.post(deso, {"entrada": "415,30", "calcular": "1"})
    assert above.status_code == 400 and "menor que o débito total" in above.content.decode()
    below = alpha_client.post(deso, {"entrada": "41,52", "calcular": "1"})
    assert below.status_code == 400 and "O valor de entrada mínimo é R$ 41,53" in below.content.decode()


def test_pesquisar_shows_only_who_answers_for_the_debt(
    alpha_client: Client, deso: str, citizen: Citizen, stranger: Citizen
) -> None:
    found = alpha_client.post(deso, {"cpf": citizen.cpf, "pesquisar": "1"})
    body = found.content.decode()
    assert found.status_code == 200
    assert 'id="requester"><strong>Maria da Conceição Souza</strong>' in body
    assert f"***.{citizen.cpf[3:6]}.{citizen.cpf[6:9]}-**" in body
    invalid = alpha_client.post(deso, {"cpf": "0015027058", "pesquisar": "1"})  # the sample's 10 digits
    assert invalid.status_code == 400
    assert 'id="cpf-error">CPF/CNPJ inválido' in invalid.content.decode()
    assert _options(invalid.content.decode()) == SEED_003  # the simulation itself is still shown
    tenant = rf.customer("Inquilina Sem Débito")
    relation_transfer(
        actor=rf.ACTOR, prop=citizen.home, customer=tenant, role="user", start=TODAY, today=TODAY
    )
    for refused in (stranger.cpf, tenant.cpf_cnpj, rf.cpf()):
        response = alpha_client.post(deso, {"cpf": refused, "pesquisar": "1"})
        text = response.content.decode()
        assert response.status_code == 400
        assert "não é de um cliente responsável pelo débito deste imóvel" in text
        assert "Inquilina" not in text.split('id="cpf"')[1].split("</form>")[0]
    empty = alpha_client.post(deso, {"cpf": "", "pesquisar": "1"})
    assert empty.status_code == 400 and "Informe o CPF do cliente responsável" in empty.content.decode()


def test_reactivation_adds_the_utilitys_fee_before_the_installment_table(
    alpha_client: Client, deso: str
) -> None:
    InstallmentPolicyVersion.objects.update(reactivation_fee=Decimal("84.71"))
    body = alpha_client.post(deso, {"reativacao": "sim", "calcular": "1"}).content.decode()
    assert _dl(body, "Débitos a cobrar: serviços (reativação de ligação)") == "84,71"
    assert _dl(body, "Débito total atualizado") == "500,00"
    assert "Valor total a ser parcelado: <strong>R$ 500,00</strong>" in body
    assert _options(body) == _pmts("450.00")  # entry 50,00 = 10 % of 500,00
    assert 'id="reativacao-sim" value="sim" checked' in body
    assert "A reativação acrescenta a taxa de R$ 84,71 ao débito." in body
    without = alpha_client.post(deso, {"reativacao": "nao", "calcular": "1"}).content.decode()
    assert _options(without) == SEED_003


def test_citizen_api_details(alpha_client: Client, citizen: Citizen, stranger: Citizen) -> None:
    _deso_policy()
    _owes_415_29(citizen.home)
    InstallmentPolicyVersion.objects.update(reactivation_fee=Decimal("84.71"))
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/installments"
    body = alpha_client.get(url, {"cpf": citizen.cpf}, **auth).json()
    assert body["summary"] == {
        "bills": "415.29",
        "payment_slips": "0.00",
        "late_charges": "0.00",
        "services": "0.00",
        "previous_agreements": "0.00",
        "credits": "0.00",
        "updated_total": "415.29",
    }
    assert body["cash"] == {"updated": "415.29", "taxes": "0.00", "discount": "0.00", "total": "415.29"}
    assert body["requester"] == {
        "name": "Maria da Conceição Souza",
        "document": f"***.{citizen.cpf[3:6]}.{citizen.cpf[6:9]}-**",
    }
    assert body["notice"].startswith("Esta simulação não é um contrato.")
    assert [o["installment"] for o in body["options"]] == [v.replace(",", ".") for v in SEED_003]
    entry = alpha_client.get(url, {"down_payment": "100.00"}, **auth).json()
    assert [o["installment"] for o in entry["options"]] == [v.replace(",", ".") for v in _pmts("315.29")]
    for bad in ("415.30", "41.52"):
        assert alpha_client.get(url, {"down_payment": bad}, **auth).status_code == 400
    invalid = alpha_client.get(url, {"cpf": "0015027058"}, **auth)
    assert (invalid.status_code, invalid.json()["code"], invalid.json()["field"]) == (400, "invalid", "cpf")
    other = alpha_client.get(url, {"cpf": stranger.cpf}, **auth)
    assert (other.status_code, other.json()["code"]) == (400, "not_responsible")
    reactivated = alpha_client.get(url, {"reactivation": "true"}, **auth).json()
    assert (reactivated["summary"]["services"], reactivated["total"], reactivated["reactivation_fee"]) == (
        "84.71",
        "500.00",
        "84.71",
    )
    assert reactivated["can_sign"] is False


def test_the_demo_sets_a_reactivation_fee_once(tenant_alpha: Any) -> None:
    assert seed_demo_debt() == InstallmentPolicyVersion.objects.count() >= 1
    assert seed_demo_debt() == 0
    assert set(InstallmentPolicyVersion.objects.values_list("reactivation_fee", flat=True)) == {
        DEMO_REACTIVATION_FEE
    }
