"""Citizens, properties and helpers for the agency tests."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from fakes.pagarme import FakePagarme
from modules.collection.models import GatewayAccount
from modules.registry.models import Customer, Property
from portal.models import AgencySettings
from tests.registry import factories as f


@dataclass
class Citizen:
    customer: Customer
    home: Property
    second: Property

    @property
    def cpf(self) -> str:
        return self.customer.cpf_cnpj


@pytest.fixture
def citizen(tenant_alpha: Any) -> Citizen:
    """Maria, holder of two properties, and a neighbour's property she must never reach."""
    maria = f.customer("Maria da Conceição Souza", email="maria@example.com")
    return Citizen(maria, f.prop(holder=maria), f.prop(holder=maria, number="45"))


@pytest.fixture
def stranger(tenant_alpha: Any) -> Citizen:
    joao = f.customer("João Pereira Lima")
    return Citizen(joao, f.prop(holder=joao, number="900"), f.prop(holder=joao, number="901"))


def set_mode(mode: str) -> AgencySettings:
    agency = AgencySettings.current()
    agency.sign_in_mode = mode
    agency.save()
    return agency


def sign_in(client: Client, prop: Property, document: str = "", prefix: str = "/agencia/") -> Any:
    data = {"account": prop.account_number}
    if document:
        data["document"] = document
    return client.post(prefix, data)


WEBHOOK_TOKEN = "segredo-da-url-123"
WEBHOOK_BASIC = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"pagarme:senha-webhook").decode()}


@pytest.fixture
def fake(tenant_alpha: Any) -> Any:
    """The local fake Pagar.me (a real HTTP server) as alpha's gateway account."""
    server = FakePagarme().start()
    GatewayAccount.objects.create(
        base_url=server.url,
        secret_key="sk_test_alpha",
        webhook_token=WEBHOOK_TOKEN,
        webhook_username="pagarme",
        webhook_password="senha-webhook",
    )
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright drives it (no downloaded browser)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]


@pytest.fixture(scope="module")
def browser(world: dict[str, Any]) -> Iterator[Any]:
    """One Chromium per browser-test module, started after the module's `world` (its server and
    committed rows). Not per session: Playwright's sync loop on the main thread would make every
    later ORM test in this worker an "async context"."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
