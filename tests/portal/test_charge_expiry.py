"""A PIX charge says until when it may be paid (issue 12): the gateway's deadline for the QR code, in
the utility's time zone, on the agency's page and in the citizen API; a boleto has none."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from modules.collection.models import GatewayCharge
from modules.collection.pagarme import PIX_EXPIRES_SECONDS
from tests.collection import factories as f

from .conftest import Citizen, sign_in
from .test_api import _token

API = "/agencia/api/v1"
START = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)
ZONE = ZoneInfo("America/Sao_Paulo")  # alpha's time zone


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(START, tick=True):
        yield


def _expected(charge: GatewayCharge) -> dt.datetime:
    """The stored deadline, checked against what was asked of the gateway, in the utility's zone."""
    assert charge.expires_at is not None
    deadline = START + dt.timedelta(seconds=PIX_EXPIRES_SECONDS)
    assert deadline <= charge.expires_at < deadline + dt.timedelta(minutes=5)
    local = charge.expires_at.astimezone(ZONE)
    assert (local.date(), local.hour) == (dt.date(2025, 6, 16), 9)  # 12:00 UTC is 09:00 in Brasília
    return local


def test_the_pix_page_shows_until_when_the_code_may_be_paid(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    bill = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"

    created = alpha_client.post(f"{base}/pagar/", {"bills": [bill.pk], "method": "pix"})

    assert created.status_code == 302, created.content
    charge = GatewayCharge.objects.get(document__property=citizen.home, method="pix")
    local = _expected(charge)
    page = alpha_client.get(created["Location"]).content.decode()
    assert f"Pague até <strong>{local:%d/%m/%Y} às {local:%H:%M}</strong>" in page


def test_the_citizen_api_answers_the_pix_deadline_and_none_for_a_boleto(
    alpha_client: Client, citizen: Citizen, fake: Any
) -> None:
    pix_bill = f.bill(citizen.home, "57.30", dt.date(2025, 7, 10))
    boleto_bill = f.bill(citizen.home, "42.70", dt.date(2025, 8, 10), dt.date(2025, 7, 1))
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}/charges"

    pix = alpha_client.post(
        base, {"bills": [pix_bill.pk], "method": "pix"}, content_type="application/json", **auth
    )
    boleto = alpha_client.post(
        base, {"bills": [boleto_bill.pk], "method": "boleto"}, content_type="application/json", **auth
    )

    assert (pix.status_code, boleto.status_code) == (201, 201)
    local = _expected(GatewayCharge.objects.get(pk=pix.json()["id"]))
    assert pix.json()["expires_at"] == local.isoformat()
    assert alpha_client.get(f"{base}/{pix.json()['id']}", **auth).json()["expires_at"] == local.isoformat()
    assert boleto.json()["expires_at"] is None
