"""3.2.14.10 (ADR 0224): the water-quality tables the utility publishes on its bills, on the agency,
the totem and the public API; a table typed ahead for a later month is not shown yet, and a utility
that turns the service off answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.billing.services.texts import QualityRow, quality_table_save
from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from portal.models import AgencySettings

ACTOR = SystemActor("testes")


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _tables() -> None:
    quality_table_save(
        actor=ACTOR,
        month=YearMonth(2026, 5),
        title="Sistema Centro — ETA Rio Claro",
        note="Amostras na saída do tratamento e na rede.",
        rows=[
            QualityRow("Cloro residual livre", "90", "92", "92", "0,2 a 5,0 mg/L"),
            QualityRow("Turbidez", "90", "91", "90", "até 5,0 uT"),
            QualityRow("Coliformes totais", "30", "30", "30", "ausência em 100 mL"),
        ],
    )
    quality_table_save(
        actor=ACTOR,
        month=YearMonth(2026, 7),
        title="Tabela de julho digitada antes",
        rows=[QualityRow("Cor aparente", "30", "0", "0")],
    )


def test_the_published_tables_on_the_agency_the_totem_and_the_api(
    tenant_alpha: Any, alpha_client: Client
) -> None:
    _tables()
    page = alpha_client.get("/agencia/qualidade-da-agua/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "05/2026 — Sistema Centro — ETA Rio Claro" in html and "Cloro residual livre" in html
    assert "0,2 a 5,0 mg/L" in html and "julho digitada antes" not in html
    totem = alpha_client.get("/totem/qualidade-da-agua/").content.decode()
    assert "Turbidez" in totem and "julho" not in totem
    assert 'href="/totem/qualidade-da-agua/"' in alpha_client.get("/totem/").content.decode()
    assert 'href="/agencia/qualidade-da-agua/"' in alpha_client.get("/agencia/").content.decode()
    api = alpha_client.get("/agencia/api/v1/water-quality").json()
    assert [t["month"] for t in api["tables"]] == ["2026-05"]
    assert api["tables"][0]["rows"][0] == {
        "parameter": "Cloro residual livre",
        "required": "90",
        "analysed": "92",
        "conforming": "92",
        "standard": "0,2 a 5,0 mg/L",
    }


def test_no_table_is_said_and_the_service_can_be_turned_off(tenant_alpha: Any, alpha_client: Client) -> None:
    assert "ainda não publicou" in alpha_client.get("/agencia/qualidade-da-agua/").content.decode()
    assert alpha_client.get("/agencia/api/v1/water-quality").json() == {"tables": []}
    agency = AgencySettings.current()
    agency.disabled_services = ["water_quality"]
    agency.save()
    assert alpha_client.get("/agencia/qualidade-da-agua/").status_code == 404
    assert alpha_client.get("/agencia/api/v1/water-quality").status_code == 404
