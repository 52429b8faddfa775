"""3.2.15.2 on the totem: the consumption history has a print action (the totem's Chromium runs
with --kiosk-printing, docs/agency-deployment.md), on the totem and on the agency alike."""

from __future__ import annotations

from typing import Any

from django.test import Client

from .conftest import Citizen, sign_in


def test_the_totem_prints_the_consumption_history(
    alpha_client: Client, citizen: Citizen, tenant_alpha: Any
) -> None:
    assert sign_in(alpha_client, citizen.home, citizen.cpf, prefix="/totem/").status_code == 302
    page = alpha_client.get(f"/totem/imoveis/{citizen.home.pk}/consumo/?meses=12")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="print-consumption"' in body and "data-print" in body
    assert "portal/js/agency.js" in body  # the script that wires data-print to window.print()
