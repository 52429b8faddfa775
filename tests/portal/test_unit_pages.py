"""The unit's registration sheet (3.2.14.2, PDF looked at as an image), the last and next reading
dates (3.2.14.9) and the unit's service orders (3.2.14.5), on the pages and the citizen API; another
citizen's unit answers 404."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.reading.models import Reading, ReadingSchedule
from modules.registry.models import BillingGroup
from modules.service.services import orders
from tests.service import factories as sf

from .conftest import Citizen, sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "portal"


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _calendar(citizen: Citizen) -> None:
    group, _ = BillingGroup.objects.get_or_create(code=31, defaults={"name": "Grupo 31"})
    type(citizen.home).objects.filter(pk=citizen.home.pk).update(billing_group=group)
    citizen.home.refresh_from_db()
    for month, start, end in ((5, 8, 12), (6, 8, 12), (7, 7, 11)):
        ReadingSchedule.objects.create(
            group=group,
            reference=dt.date(2026, month, 1),
            reading_start=dt.date(2026, month, start),
            reading_end=dt.date(2026, month, end),
            billing_date=dt.date(2026, month, 14),
            due_date=dt.date(2026, month, 28),
        )
    Reading.objects.create(
        property=citizen.home,
        reference=dt.date(2026, 6, 1),
        read_on=dt.date(2026, 6, 9),
        value=120,
        consumption_kind="measured",
        consumption_m3=12,
        actor="teste",
    )


def test_the_reading_dates_come_from_the_last_reading_and_the_groups_calendar(
    alpha_client: Client, citizen: Citizen
) -> None:
    _calendar(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/cadastro/").content.decode()
    assert "<dt>Última leitura</dt><dd>09/06/2026</dd>" in page
    assert "<dt>Próxima leitura</dt><dd>entre 07/07/2026 e 11/07/2026</dd>" in page
    token = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    api = alpha_client.get(
        f"/agencia/api/v1/properties/{citizen.home.pk}/reading-dates", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert api == {"last_read_on": "2026-06-09", "next_start": "2026-07-07", "next_end": "2026-07-11"}


def test_the_units_service_orders_with_status_and_nothing_internal(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    sf.code("VAZ01", description="Conserto de vazamento no ramal")
    opened = orders.order_open(
        actor=sf.ACTOR, code="VAZ01", property_id=citizen.home.pk, description="Vaza na calçada"
    )
    orders.order_open(actor=sf.ACTOR, code="VAZ01", property_id=stranger.home.pk)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/ordens/").content.decode()
    assert opened.label in page and "Conserto de vazamento no ramal" in page
    token = alpha_client.post(
        "/agencia/api/v1/auth/token",
        {"account": citizen.home.account_number, "document": citizen.cpf},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    rows = alpha_client.get(f"/agencia/api/v1/properties/{citizen.home.pk}/service-orders", **auth).json()
    assert [(r["number"], r["service"], r["status"]) for r in rows] == [
        (opened.label, "Conserto de vazamento no ramal", opened.status)
    ]
    assert set(rows[0]) == {
        "number",
        "service",
        "status",
        "status_label",
        "opened_at",
        "due_at",
        "scheduled_for",
        "finished_at",
    }
    assert (
        alpha_client.get(f"/agencia/api/v1/properties/{stranger.home.pk}/service-orders", **auth).status_code
        == 404
    )
    assert alpha_client.get(f"/agencia/imoveis/{stranger.home.pk}/ordens/").status_code == 404


def test_the_registration_sheet_is_a_pdf_of_the_citizens_own_unit(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    from pypdf import PdfReader

    _calendar(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    response = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/cadastro/ficha.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "registration-sheet.pdf"
    path.write_bytes(response.content)
    import io

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "FICHA CADASTRAL DO IMÓVEL" in text.upper()
    assert citizen.home.account_number in text and "Maria da Conceição Souza" in text
    assert "entre 07/07/2026 e 11/07/2026" in text and "09/06/2026" in text
    assert citizen.cpf not in text.replace(".", "").replace("-", "")  # masked
    if shutil.which("pdftocairo"):  # poppler: the page as an image, to look at
        subprocess.run(
            [
                "pdftocairo",
                "-png",
                "-r",
                "70",
                "-singlefile",
                str(path),
                str(ARTIFACTS / "registration-sheet"),
            ],
            check=True,
        )
    assert alpha_client.get(f"/agencia/imoveis/{stranger.home.pk}/cadastro/ficha.pdf").status_code == 404
