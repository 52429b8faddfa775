"""Citizen API over the agency's money and debt services (issue 7, mobile app): the same numbers as the
pages, money as strings with two decimals, one 404 for another citizen's object, PIX through the fake
Pagar.me settled by its webhook, seed 003's installment table, the public simulator and tariff table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import requests
import time_machine
from django.test import Client

from modules.billing.domain.febraban import parse_typeable_line as validate_typeable_line
from modules.billing.models import BillStatus
from modules.collection import services as collection
from modules.collection.models import GatewayCharge, Payment, PaymentDocument
from modules.common.audit import SystemActor
from modules.debt import services as debt_services
from modules.debt.models import Agreement, Certificate, InstallmentPolicyVersion
from modules.debt.selectors import debt_position
from portal.models import AgencySettings
from tests.billing.factories import approved_tariff
from tests.collection import factories as f

from .conftest import WEBHOOK_BASIC as BASIC
from .conftest import WEBHOOK_TOKEN as TOKEN
from .conftest import Citizen
from .test_api import _token

API = "/agencia/api/v1"
TODAY = dt.date(2025, 6, 15)
ACTOR = SystemActor("tests")
SEED_003 = ["379.85", "191.46", "128.67", "97.28", "78.45", "65.90"]


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _owing(citizen: Citizen) -> list[Any]:
    p = citizen.home
    return [
        f.bill(p, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1)),
        f.bill(p, "42.70", dt.date(2025, 4, 10), dt.date(2025, 3, 1)),
        f.bill(p, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
        f.bill(p, "38.00", dt.date(2024, 12, 10), dt.date(2024, 11, 1), status=BillStatus.PAID),
    ]


# --- bills ---------------------------------------------------------------------------------------------


def test_bills_list_detail_with_barcode_and_typeable_line_and_pdf(
    alpha_client: Client, citizen: Citizen
) -> None:
    overdue, _, current, paid = _owing(citizen)
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    listing = alpha_client.get(f"{base}/bills", **auth)
    assert listing.status_code == 200
    rows = {r["id"]: r for r in listing.json()}
    assert rows[overdue.pk]["state"] == "overdue" and rows[overdue.pk]["total"] == "57.30"
    assert rows[current.pk]["state"] == "open" and rows[current.pk]["payable"] is True
    assert rows[paid.pk]["state"] == "paid" and rows[paid.pk]["total"] == "38.00"
    assert rows[paid.pk]["payable"] is False

    detail = alpha_client.get(f"{base}/bills/{current.pk}", **auth).json()
    assert detail["typeable_line"] == current.typeable_line and len(detail["typeable_line"]) == 48
    validate_typeable_line(detail["typeable_line"])
    assert detail["barcode"] == current.barcode and len(detail["barcode"]) == 44
    assert detail["total"] == "61.00" and detail["reference"] == "2025-06-01"
    pdf = alpha_client.get(detail["pdf_url"], **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # without the token, nothing
    assert alpha_client.get(detail["pdf_url"]).status_code == 401


def test_another_citizens_bill_answers_the_same_404_as_a_missing_one(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    theirs = f.bill(stranger.home, "99.00", dt.date(2025, 7, 10))
    auth = _token(alpha_client, citizen)
    mine = f"{API}/properties/{citizen.home.pk}"
    missing = alpha_client.get(f"{mine}/bills/987654321", **auth)
    assert missing.status_code == 404
    for path in (
        f"{mine}/bills/{theirs.pk}",
        f"{mine}/bills/{theirs.pk}/pdf",
        f"{API}/properties/{stranger.home.pk}/bills/{theirs.pk}",
        f"{API}/properties/{stranger.home.pk}/bills/{theirs.pk}/pdf",
    ):
        response = alpha_client.get(path, **auth)
        assert response.status_code == 404, path
    assert alpha_client.get(f"{mine}/bills/{theirs.pk}", **auth).json() == missing.json()
    for tail in ("bills", "debts", "payments", "consumption", "certificates", "installments"):
        assert alpha_client.get(f"{API}/properties/{stranger.home.pk}/{tail}", **auth).status_code == 404
    # their bill can go neither into my statement nor into my charge
    refused = alpha_client.post(
        f"{mine}/statements", {"bills": [theirs.pk]}, content_type="application/json", **auth
    )
    assert refused.status_code == 400
    assert not PaymentDocument.objects.filter(property=stranger.home).exists()


# --- open debts and statement -----------------------------------------------------------------------


def test_open_debts_and_statement_with_typeable_line_and_pdf(alpha_client: Client, citizen: Citizen) -> None:
    a, b, c, paid = _owing(citizen)
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    debts = alpha_client.get(f"{base}/debts", **auth).json()
    position = debt_position(citizen.home.pk, TODAY)
    assert debts["open_bills"] == 3 and {i["bill_id"] for i in debts["items"]} == {a.pk, b.pk, c.pk}
    assert debts["totals"]["total"] == f"{position.totals['total']:.2f}"
    assert debts["totals"]["original"] == "161.00"
    assert Decimal(debts["totals"]["total"]) > Decimal("161.00")  # late charges on the overdue ones

    created = alpha_client.post(
        f"{base}/statements", {"bills": [a.pk, c.pk]}, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    body = created.json()
    doc = PaymentDocument.objects.get(property=citizen.home, kind=PaymentDocument.Kind.STATEMENT)
    valid_until = TODAY + dt.timedelta(days=7)
    priced = {i.bill_id: i for i in debt_position(citizen.home.pk, valid_until).items}
    assert body["id"] == doc.pk and body["amount"] == f"{priced[a.pk].total + priced[c.pk].total:.2f}"
    assert body["valid_until"] == valid_until.isoformat()
    assert len(body["typeable_line"]) == 48 and body["typeable_line"] == doc.typeable_line
    validate_typeable_line(body["typeable_line"])
    assert alpha_client.get(f"{base}/statements/{doc.pk}", **auth).json() == body
    pdf = alpha_client.get(body["pdf_url"], **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # nothing selected is refused; a paid bill is not an open one
    assert (
        alpha_client.post(
            f"{base}/statements", {"bills": []}, content_type="application/json", **auth
        ).status_code
        == 400
    )
    assert (
        alpha_client.post(
            f"{base}/statements", {"bills": [paid.pk]}, content_type="application/json", **auth
        ).status_code
        >= 400
    )


# --- online payment ---------------------------------------------------------------------------------


def test_pix_charge_through_the_fake_gateway_turns_paid_with_the_webhook(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, fake: Any
) -> None:
    bill = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    created = alpha_client.post(
        f"{base}/charges", {"bills": [bill.pk], "method": "pix"}, content_type="application/json", **auth
    )
    assert created.status_code == 201, created.content
    body = created.json()
    charge = GatewayCharge.objects.get(document__property=citizen.home)
    assert body["id"] == charge.pk and body["amount"] == "57.30" and body["method"] == "pix"
    assert body["qr_code"] == charge.qr_code and body["qr_code"]
    assert body["paid"] is False and body["status_label"] == "Aguardando pagamento"
    status_url = f"{base}/charges/{charge.pk}"

    event = requests.post(f"{fake.url}/_fake/charges/{charge.charge_id}/pay", json={}, timeout=5).json()
    hook = alpha_client.post(f"/webhooks/pagarme/{TOKEN}", event, content_type="application/json", **BASIC)
    assert hook.status_code == 200
    bill.refresh_from_db()
    assert bill.status == BillStatus.PAID
    settled = alpha_client.get(status_url, **auth).json()
    assert settled["status"] == "paid" and settled["paid"] is True and settled["status_label"] == "Pago"
    assert Payment.objects.filter(gateway_charge=charge, status="applied").count() == 1

    history = alpha_client.get(f"{base}/payments", **auth).json()
    assert any(p["amount"] == "57.30" and p["agent"] for p in history)
    bills = {r["id"]: r for r in alpha_client.get(f"{base}/bills", **auth).json()}
    assert bills[bill.pk]["state"] == "paid"

    # another citizen's token reaches neither the charge nor its status
    other = _token(alpha_client, stranger)
    assert alpha_client.get(status_url, **other).status_code == 404
    assert (
        alpha_client.get(f"{API}/properties/{stranger.home.pk}/charges/{charge.pk}", **other).status_code
        == 404
    )


def test_boleto_charge_and_a_card_without_token_is_refused(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    first = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    second = f.bill(citizen.home, "42.70", dt.date(2025, 8, 10), dt.date(2025, 7, 1))
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    boleto = alpha_client.post(
        f"{base}/charges", {"bills": [first.pk], "method": "boleto"}, content_type="application/json", **auth
    )
    assert boleto.status_code == 201 and boleto.json()["method"] == "boleto"
    card = alpha_client.post(
        f"{base}/charges",
        {"bills": [second.pk], "method": "credit_card"},
        content_type="application/json",
        **auth,
    )
    assert card.status_code == 400 and "card_token" in card.content.decode()


# --- consumption --------------------------------------------------------------------------------------


def test_consumption_history_of_n_months(alpha_client: Client, citizen: Citizen) -> None:
    for month, m3 in ((1, 12), (2, 15), (3, 9), (4, 20)):
        bill = f.bill(citizen.home, "50.00", dt.date(2025, month + 1, 10), dt.date(2025, month, 1))
        bill.consumption_m3 = m3
        bill.save(update_fields=["consumption_m3"])
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/consumption"
    body = alpha_client.get(url, {"months": "18"}, **auth).json()
    assert body["months"] == 18
    got = {h["reference"]: h["m3"] for h in body["history"] if h["m3"]}
    assert got == {"2025-01-01": 12, "2025-02-01": 15, "2025-03-01": 9, "2025-04-01": 20}
    assert alpha_client.get(url, **auth).json()["months"] == 12


@pytest.mark.parametrize("months", ["99", "0", "-12", "12.5", "doze", ""])
def test_consumption_refuses_a_month_count_it_does_not_offer(
    alpha_client: Client, citizen: Citizen, months: str
) -> None:
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/consumption"

    answer = alpha_client.get(url, {"months": months}, **auth)

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid" and answer.json()["field"] == "months"
    assert answer.json()["detail"] == "Escolha 12, 18 ou 24 meses."


# --- certificates and the annual declaration -------------------------------------------------------


def test_certificate_refused_with_reasons_then_issued(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    overdue = f.bill(citizen.home, "33.00", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/certificates"
    decision = alpha_client.get(url, **auth).json()
    assert decision["kind"] == "recusada" and decision["can_issue"] is False
    assert decision["overdue_total"] == "33.00" and decision["overdue"][0]["due_date"] == "2025-03-10"
    refused = alpha_client.post(url, **auth)
    assert refused.status_code == 409 and "há 1 débito vencido" in refused.json()["detail"]
    assert refused.json()["decision"]["overdue"][0]["amount"] == "33.00"
    assert Certificate.objects.count() == 0

    collection.payment_register(
        actor=ACTOR, barcode=overdue.barcode, amount=Decimal("33.00"), paid_on=dt.date(2025, 3, 9)
    )
    issued = alpha_client.post(url, **auth)
    assert issued.status_code == 201, issued.content
    cert = Certificate.objects.get()
    body = issued.json()
    assert body["code"] == cert.code and body["kind"] == Certificate.Kind.NEGATIVE
    assert body["valid_until"] == "2025-07-15" and body["verify_url"].endswith(f"codigo={cert.code}")
    assert alpha_client.get(f"{url}/{cert.pk}", **auth).json() == body
    pdf = alpha_client.get(body["pdf_url"], **auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    theirs = debt_services.certificate_issue(actor=ACTOR, property_id=stranger.home.pk, today=TODAY)
    for path in (f"{url}/{theirs.pk}", f"{url}/{theirs.pk}/pdf"):
        assert alpha_client.get(path, **auth).status_code == 404, path


def test_annual_declaration_by_year(alpha_client: Client, citizen: Citizen) -> None:
    bill = f.bill(citizen.home, "33.00", dt.date(2024, 3, 10), dt.date(2024, 2, 1))
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/annual-declarations"
    refused = alpha_client.post(url, {"year": 2024}, content_type="application/json", **auth)
    assert refused.status_code == 409 and "02/2024 está em aberto" in refused.json()["detail"]
    assert alpha_client.post(url, {"year": 2025}, content_type="application/json", **auth).status_code == 400
    collection.payment_register(
        actor=ACTOR, barcode=bill.barcode, amount=Decimal("33.00"), paid_on=dt.date(2024, 3, 9)
    )
    issued = alpha_client.post(url, {"year": 2024}, content_type="application/json", **auth)
    assert issued.status_code == 201 and issued.json()["year"] == 2024
    assert issued.json()["kind"] == Certificate.Kind.ANNUAL_DECLARATION


# --- installments (seed 003) ---------------------------------------------------------------------------


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
    far = TODAY + dt.timedelta(days=60)
    f.bill(prop, "215.29", far, dt.date(2025, 1, 1))
    f.bill(prop, "200.00", far, dt.date(2025, 2, 1))


def test_installment_simulation_reproduces_seed_003(alpha_client: Client, citizen: Citizen) -> None:
    _deso_policy()
    _owes_415_29(citizen.home)
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/installments"
    body = alpha_client.get(url, **auth).json()
    assert body["total"] == "415.29" and body["down_payment"] == "41.53"
    assert [o["installment"] for o in body["options"]] == SEED_003
    assert [o["count"] for o in body["options"]] == [1, 2, 3, 4, 5, 6]
    assert body["can_sign"] is False  # online signing is off by default
    other = alpha_client.get(url, {"down_payment": "100.00"}, **auth)
    assert other.status_code == 200 and other.json()["down_payment"] == "100.00"
    assert alpha_client.get(url, {"down_payment": "40.00"}, **auth).status_code == 400  # below 10 %
    refused = alpha_client.post(
        f"{API}/properties/{citizen.home.pk}/agreements",
        {"down_payment": "41.53", "count": 6},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 403 and Agreement.objects.count() == 0


def test_agreement_signed_where_the_utility_allows(alpha_client: Client, citizen: Citizen) -> None:
    _deso_policy()
    _owes_415_29(citizen.home)
    agency = AgencySettings.current()
    agency.online_agreements = True
    agency.save()
    auth = _token(alpha_client, citizen)
    assert alpha_client.get(f"{API}/properties/{citizen.home.pk}/installments", **auth).json()["can_sign"]
    url = f"{API}/properties/{citizen.home.pk}/agreements"
    signed = alpha_client.post(
        url, {"down_payment": "41.53", "count": 6}, content_type="application/json", **auth
    )
    assert signed.status_code == 201, signed.content
    agreement = Agreement.objects.get()
    body = signed.json()
    assert body["id"] == agreement.pk and body["installment_value"] == "65.90" and body["count"] == 6
    assert body["down_payment"] == "41.53" and len(body["down_payment_typeable_line"]) == 48
    again = alpha_client.post(
        url, {"down_payment": "41.53", "count": 6}, content_type="application/json", **auth
    )
    assert again.status_code == 409 and Agreement.objects.count() == 1


# --- public: bill simulator and tariff table -------------------------------------------------------------

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


def test_public_bill_simulator_and_tariff_table(alpha_client: Client, tenant_alpha: Any) -> None:
    assert alpha_client.get(f"{API}/tariffs").status_code == 404  # none in force: said, not invented
    approved_tariff(act="Ato §14.1", categories=[TARIFF_14_1_RES])
    url = f"{API}/bill-simulation"
    water = alpha_client.get(url, {"category": "RES", "consumption_m3": "16", "service": "water"})
    assert water.status_code == 200, water.content
    assert water.json()["water"] == "39.00" and water.json()["total"] == "39.00"
    both = alpha_client.get(url, {"category": "RES", "dwelling_units": "1", "consumption_m3": "16"}).json()
    assert both["sewer"] == "36.07" and both["total"] == "75.07"
    assert alpha_client.get(url, {"category": "XYZ", "consumption_m3": "16"}).status_code == 400
    table = alpha_client.get(f"{API}/tariffs").json()
    assert table["act"] == "Ato §14.1" and table["valid_from"] == "2013-01-01"
    res = table["categories"][0]
    assert res["code"] == "RES" and res["sewer_percent"] == "92.50"
    assert res["bands"][0] == {"from_m3": 0, "to_m3": 10, "price": "2.00"}


def test_the_citizen_schema_describes_the_new_endpoints(alpha_client: Client, tenant_alpha: Any) -> None:
    schema = alpha_client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(schema["paths"])
    for p in (
        "/agencia/api/v1/properties/{property_id}/bills/{bill_id}/pdf",
        "/agencia/api/v1/properties/{property_id}/statements",
        "/agencia/api/v1/properties/{property_id}/charges/{charge_id}",
        "/agencia/api/v1/properties/{property_id}/installments",
        "/agencia/api/v1/bill-simulation",
        "/agencia/api/v1/tariffs",
    ):
        assert p in paths, p
    assert not any(p.startswith("/api/v1/") for p in paths)
