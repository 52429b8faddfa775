"""The agency's debt and billing services: certificate of debts and its public authentication
(VA-18/VA-19, throttled), the annual declaration (VA-20), seed 003's installment table with online
signing and the down-payment guia (VA-32, VA-16), the bill simulator (VA-31) and the tariff table
(VA-30) over the billing engine."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from modules.collection import services as collection
from modules.common.audit import SystemActor
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.models import Agreement, Certificate, InstallmentPolicyVersion
from portal.models import AgencySettings
from tests.billing.factories import approved_tariff
from tests.collection import factories as cf
from tests.conftest import TENANTS, host_client

from .conftest import Citizen, sign_in

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 6, 15)
SEED_003 = ["379,85", "191,46", "128,67", "97,28", "78,45", "65,90"]
TARIFF_14_1_RES = {
    "code": "RES",
    "name": "Residencial",
    "minimum_m3_per_unit": 0,
    "sewer_percent": "92.5",
    "bands": [
        {"from_m3": 0, "to_m3": 10, "price": "2.00"},
        {"from_m3": 11, "to_m3": 15, "price": "3.00"},
        {"from_m3": 16, "to_m3": 20, "price": "4.00"},
    ],
    "fixed_charges": [],
}


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _deso_policy() -> None:
    InstallmentPolicyVersion.objects.update(
        monthly_rate=Decimal("0.0163"),
        min_down_payment_rate=Decimal("0.10"),
        max_installments=6,
        standard_max_installments=6,
        min_installment=Decimal("10.00"),
        rounding="half_up",
    )


def _owes_415_29(prop: Any) -> None:
    far = TODAY + dt.timedelta(days=60)  # not yet due: no late charges, the total is 415,29
    cf.bill(prop, "215.29", far, dt.date(2025, 1, 1))
    cf.bill(prop, "200.00", far, dt.date(2025, 2, 1))


def _online_agreements(on: bool = True) -> None:
    agency = AgencySettings.current()
    agency.online_agreements = on
    agency.save()


# --- VA-32 ------------------------------------------------------------------------------------------


def test_installment_simulation_reproduces_seed_003(alpha_client: Client, citizen: Citizen) -> None:
    _deso_policy()
    _owes_415_29(citizen.home)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/parcelamento/"
    page = alpha_client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "R$ 415,29" in body and 'value="41,53"' in body and "1,63%" in body
    rows = body.split("<tbody>")[2].split("</tbody>")[0]
    assert [r.split("<td>")[3].split("</td>")[0] for r in rows.split("<tr>")[1:]] == SEED_003
    assert "não é um contrato" in body
    # the same numbers as the debt service
    _, _, _, sim = debt_selectors.installment_simulation(property_id=citizen.home.pk, as_of=TODAY)
    assert [f"{o.installment:.2f}".replace(".", ",") for o in sim.options] == SEED_003
    # another entry: Price on the rest
    other = alpha_client.get(url, {"entrada": "100,00"}).content.decode()
    assert "R$ 415,29" in other and 'value="100,00"' in other
    assert alpha_client.get(url, {"entrada": "40,00"}).status_code == 400  # below the 10 % minimum
    # online signing is off by default: nothing to sign, a POST signs nothing
    assert "firmar o parcelamento" not in body.split("Observação")[0]
    alpha_client.post(url, {"entrada": "41,53", "parcelas": "6", "confirmar": "1"})
    assert Agreement.objects.count() == 0


def test_online_agreement_confirm_terms_guia_and_second_copy(alpha_client: Client, citizen: Citizen) -> None:
    _deso_policy()
    _owes_415_29(citizen.home)
    _online_agreements()
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/parcelamento/"
    confirm = alpha_client.post(url, {"entrada": "41,53", "parcelas": "6"})
    text = confirm.content.decode()
    assert confirm.status_code == 200 and "Termos do parcelamento" in text
    assert "6 parcela(s) de R$ 65,90" in text and "R$ 41,53" in text and Agreement.objects.count() == 0
    signed = alpha_client.post(url, {"entrada": "41.53", "parcelas": "6", "confirmar": "1"})
    agreement = Agreement.objects.get()
    assert signed.status_code == 302
    assert signed["Location"] == f"/agencia/imoveis/{citizen.home.pk}/parcelamentos/{agreement.pk}/"
    assert agreement.count == 6 and agreement.installment_value == Decimal("65.90")
    assert agreement.created_by.startswith("cidadão")
    page = alpha_client.get(signed["Location"]).content.decode()
    assert agreement.down_payment_document.typeable_line in page and "2ª via da guia da entrada" in page
    guia = _text(alpha_client.get(f"{signed['Location']}guia.pdf").content)
    assert f"ENTRADA DO PARCELAMENTO {agreement.number}" in guia and "R$ 41,53" in guia
    term = _text(alpha_client.get(f"{signed['Location']}termo.pdf").content)
    assert "R$ 415,29" in term and "6 parcela(s)" in term
    # a second agreement is not offered while this one is live
    again = alpha_client.get(url).content.decode()
    assert f"parcelamento {agreement.number}" in again


def test_another_citizens_agreement_is_a_404(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    _deso_policy()
    _owes_415_29(stranger.home)
    theirs = debt_services.agreement_create(
        actor=ACTOR, property_id=stranger.home.pk, down_payment=Decimal("41.53"), count=6, as_of=TODAY
    )
    sign_in(alpha_client, citizen.home, citizen.cpf)
    for path in (
        f"/agencia/imoveis/{citizen.home.pk}/parcelamentos/{theirs.pk}/",
        f"/agencia/imoveis/{citizen.home.pk}/parcelamentos/{theirs.pk}/guia.pdf",
        f"/agencia/imoveis/{citizen.home.pk}/parcelamentos/{theirs.pk}/termo.pdf",
        f"/agencia/imoveis/{stranger.home.pk}/parcelamentos/{theirs.pk}/",
        f"/agencia/imoveis/{citizen.home.pk}/parcelamentos/999999/",
    ):
        response = alpha_client.get(path)
        assert response.status_code == 404, path
    assert theirs.down_payment_document.typeable_line not in response.content.decode()


# --- VA-18 / VA-19 / VA-20 ---------------------------------------------------------------------------


def test_certificate_refused_with_open_debts_then_issued_and_verified(
    alpha_client: Client, citizen: Citizen
) -> None:
    overdue = cf.bill(citizen.home, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/certidao/"
    page = alpha_client.get(url).content.decode()
    assert "Não é possível emitir a certidão negativa" in page and "10/03/2025" in page and "33,00" in page
    refused = alpha_client.post(url)
    assert refused.status_code == 409 and "há 1 débito vencido" in refused.content.decode()
    assert Certificate.objects.count() == 0
    collection.payment_register(
        actor=ACTOR, barcode=overdue.barcode, amount=Decimal("33.00"), paid_on=dt.date(2025, 3, 9)
    )
    issued = alpha_client.post(url)
    cert = Certificate.objects.get()
    assert issued.status_code == 302 and cert.kind == Certificate.Kind.NEGATIVE
    detail = alpha_client.get(issued["Location"]).content.decode()
    assert cert.code in detail and f"/certidoes/verificar/?codigo={cert.code}" in detail
    assert "15/07/2025" in detail  # valid for 30 days
    text = _text(alpha_client.get(f"{url}{cert.pk}.pdf").content)
    assert "CERTIDÃO NEGATIVA DE DÉBITOS" in text and cert.code in text
    public = host_client(TENANTS["alpha"])
    verified = public.get("/certidoes/verificar/", {"codigo": cert.code})
    assert verified.status_code == 200 and "Documento autêntico" in verified.content.decode()
    assert citizen.home.account_number in verified.content.decode()


def test_another_citizens_certificate_is_a_404(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    theirs = debt_services.certificate_issue(actor=ACTOR, property_id=stranger.home.pk, today=TODAY)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    for path in (
        f"/agencia/imoveis/{citizen.home.pk}/certidao/{theirs.pk}/",
        f"/agencia/imoveis/{citizen.home.pk}/certidao/{theirs.pk}.pdf",
    ):
        assert alpha_client.get(path).status_code == 404, path


def test_public_verification_is_throttled_per_ip(tenant_alpha: Any, settings: Any) -> None:
    settings.CERTIFICATE_VERIFY_LIMIT = 3
    client = Client(HTTP_HOST=TENANTS["alpha"], REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.get("/certidoes/verificar/", {"codigo": "0000-0000-0000-0000-0000"}).status_code == 404
    blocked = client.get("/certidoes/verificar/", {"codigo": "0000-0000-0000-0000-0000"})
    assert blocked.status_code == 429 and "Aguarde" in blocked.content.decode()
    other = Client(HTTP_HOST=TENANTS["alpha"], REMOTE_ADDR="198.51.100.8")
    assert other.get("/certidoes/verificar/", {"codigo": "0000-0000-0000-0000-0000"}).status_code == 404
    assert client.get("/certidoes/verificar/").status_code == 200  # the empty form is not counted


def test_annual_declaration_by_year_or_a_clear_refusal(alpha_client: Client, citizen: Citizen) -> None:
    bill = cf.bill(citizen.home, "33.00", dt.date(2024, 3, 10), dt.date(2024, 2, 1))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/declaracao-anual/"
    form = alpha_client.get(url).content.decode()
    assert '<option value="2024" selected>2024</option>' in form and "12.007/2009" in form
    refused = alpha_client.post(url, {"year": "2024"})
    assert refused.status_code == 409 and "02/2024 está em aberto" in refused.content.decode()
    assert alpha_client.post(url, {"year": "2025"}).status_code == 400  # not a closed year
    collection.payment_register(
        actor=ACTOR, barcode=bill.barcode, amount=Decimal("33.00"), paid_on=dt.date(2024, 3, 9)
    )
    issued = alpha_client.post(url, {"year": "2024"})
    cert = Certificate.objects.get()
    assert issued.status_code == 302 and cert.year == 2024
    text = _text(alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/certidao/{cert.pk}.pdf").content)
    assert "DECLARAÇÃO ANUAL DE QUITAÇÃO DE DÉBITOS — 2024" in text and "02/2024" in text
    assert cert.code in text and citizen.home.account_number in text


# --- VA-30 / VA-31 -----------------------------------------------------------------------------------


def test_bill_simulator_matches_seed_002_example_1_and_2(alpha_client: Client, tenant_alpha: Any) -> None:
    approved_tariff(act="Ato §14.1", categories=[TARIFF_14_1_RES])
    url = "/agencia/simulador-de-conta/"
    water = alpha_client.get(
        url, {"category": "RES", "dwelling_units": "1", "consumption_m3": "16", "service": "water"}
    ).content.decode()
    assert 'data-value="water">39,00<' in water and 'data-value="total">39,00<' in water
    both = alpha_client.get(
        url, {"category": "RES", "dwelling_units": "1", "consumption_m3": "16", "service": "water_sewer"}
    ).content.decode()
    assert 'data-value="sewer">36,07<' in both and 'data-value="total">75,07<' in both
    assert alpha_client.get(url, {"category": "XYZ", "consumption_m3": "16"}).status_code == 400


def test_tariff_table_lists_the_bands_in_force(alpha_client: Client, tenant_alpha: Any) -> None:
    approved_tariff(act="Ato §14.1", categories=[TARIFF_14_1_RES])
    body = alpha_client.get("/agencia/tarifas/").content.decode()
    assert "Ato §14.1" in body and "01/01/2013" in body and "Residencial (RES)" in body
    for row in ("<td>0 a 10</td><td>2,00</td><td>1,85</td>", "<td>16 a 20</td><td>4,00</td><td>3,70</td>"):
        assert row in body


def test_no_tariff_in_force_is_said_not_invented(alpha_client: Client, tenant_alpha: Any) -> None:
    body = alpha_client.get("/agencia/simulador-de-conta/").content.decode()
    assert "Nenhuma tarifa aprovada vigente" in body and "R$" not in body.split("<main")[-1]


def test_tariff_table_rounds_the_sewer_price_by_the_utilitys_rule(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    approved_tariff()  # §14.7: 1.07 / 1.61 / 2.33 / 3.37, sewer 92.5 %, truncation

    body = alpha_client.get("/agencia/tarifas/").content.decode()

    # 1.07 × 92.5 % = 0.98975 and 2.33 × 92.5 % = 2.15525: truncated, never rounded to 0,99 / 2,16
    assert "<td>0 a 10</td><td>1,07</td><td>0,98</td>" in body
    assert "<td>16 a 20</td><td>2,33</td><td>2,15</td>" in body


def test_tariff_table_rounds_half_up_where_the_utility_does(alpha_client: Client, tenant_alpha: Any) -> None:
    approved_tariff(rounding="half_up")

    body = alpha_client.get("/agencia/tarifas/").content.decode()

    assert "<td>0 a 10</td><td>1,07</td><td>0,99</td>" in body
    assert "<td>16 a 20</td><td>2,33</td><td>2,16</td>" in body
