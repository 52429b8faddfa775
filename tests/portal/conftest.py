"""Citizens, properties and helpers for the agency tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from modules.registry.models import Customer, Property
from portal.models import AgencySettings
from tests.registry import factories as f


@pytest.fixture(autouse=True)
def generous_sign_in_limit(settings: Any) -> None:
    """Sign-in throttling has its own tests with a low limit; elsewhere it stays out of the way."""
    settings.PORTAL_SIGN_IN_LIMIT = 10_000


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
