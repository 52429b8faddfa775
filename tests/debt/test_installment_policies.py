"""Installment policy versions (the utility's resolutions): listed with who added each, a new version
from a date and its act, never a change in place; the page and the API refuse bad input naming the
field and write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.access.models import Profile
from modules.common.audit import SystemActor
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.debt import settings_services
from modules.debt.models import InstallmentPolicyVersion
from modules.debt.selectors import installment_policy
from tests.conftest import TENANTS, bearer, host_client, make_user

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2025, 6, 15)
ACTOR = SystemActor("tests")
URL = "/cobranca/configuracoes/parcelamento/"
API = "/api/v1/debt/installment-policies"

VALUES: dict[str, Any] = {
    "resolution": "Resolução nº 12/2025",
    "monthly_rate": "0.0150",
    "max_installments": 36,
    "standard_max_installments": 12,
    "min_down_payment_rate": "0.2000",
    "down_payment_required": True,
    "min_installment": "25.00",
    "min_debt": "50.00",
    "fine_discount_rate": "0.5000",
    "interest_discount_rate": "0",
    "rounding": "half_up",
    "leftover": "last",
    "down_payment_days": 5,
    "cancel_after_unpaid": 3,
    "reactivation_fee": "45.00",
}
FORM = {
    "effective_from": "2025-07-01",
    "resolution": "Resolução nº 12/2025",
    "monthly_percent": "1,5",
    "max_installments": "36",
    "standard_max_installments": "12",
    "down_payment_required": "on",
    "min_down_payment_percent": "20",
    "min_installment": "25,00",
    "min_debt": "50,00",
    "fine_discount_percent": "50",
    "interest_discount_percent": "0",
    "rounding": "half_up",
    "leftover": "last",
    "down_payment_days": "5",
    "cancel_after_unpaid": "3",
    "reactivation_fee": "45,00",
}


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 15, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha: Any) -> Client:
    make_user("alpha", "gestora", PASSWORD).profiles.add(Profile.objects.get(name="Gestor"))
    client = host_client(TENANTS["alpha"])
    assert client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def api(tenant_alpha: Any) -> dict[str, str]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)


def test_the_page_lists_the_seeded_version_in_force_and_its_form_starts_from_it(staff: Client) -> None:
    page = staff.get(URL)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Política padrão de parcelamento" in body and "Em vigência" in body
    assert page.context["form"].initial["monthly_percent"] == Decimal("1.63")
    assert "Histórico de alterações" in body


def test_a_new_version_from_the_page_is_in_force_from_its_date_and_audited(staff: Client) -> None:
    saved = staff.post(URL, FORM)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    version = InstallmentPolicyVersion.objects.get(effective_from=dt.date(2025, 7, 1))
    assert version.monthly_rate == Decimal("0.015")
    assert version.min_down_payment_rate == Decimal("0.2") and version.fine_discount_rate == Decimal("0.5")
    assert installment_policy(dt.date(2025, 6, 30))[0].resolution == "Política padrão de parcelamento"
    assert installment_policy(dt.date(2025, 7, 1))[0] == version
    entry = AuditEntry.objects.get(action="debt.installment_policy_create")
    assert entry.actor == "gestora" and entry.object_id == str(version.pk)
    assert "Resolução nº 12/2025" in staff.get(URL).content.decode()


def test_a_version_starting_in_the_past_is_refused_on_the_page_and_nothing_is_written(staff: Client) -> None:
    refused = staff.post(URL, {**FORM, "effective_from": "2025-06-14"})

    assert refused.status_code == 400
    assert "não retroage" in str(refused.context["form"].errors["effective_from"])
    assert InstallmentPolicyVersion.objects.count() == 1
    assert not AuditEntry.objects.filter(action="debt.installment_policy_create").exists()


def test_a_profile_that_only_views_sees_the_versions_and_cannot_add(tenant_alpha: Any) -> None:
    make_user("alpha", "consulta", PASSWORD).profiles.add(Profile.objects.get(name="Consulta"))
    client = host_client(TENANTS["alpha"])
    client.post("/conta/entrar/", {"username": "consulta", "password": PASSWORD})

    page = client.get(URL)
    refused = client.post(URL, FORM)

    assert page.status_code == 200 and "Nova versão" not in page.content.decode()
    assert refused.status_code == 403
    assert InstallmentPolicyVersion.objects.count() == 1


def test_the_api_lists_and_adds_versions(api: dict[str, str]) -> None:
    client = host_client(TENANTS["alpha"])

    created = client.post(
        API, {"effective_from": "2025-08-01", **VALUES}, content_type="application/json", **api
    )
    listed = client.get(API, **api)

    assert created.status_code == 201, created.content
    assert created.json()["monthly_rate"] == "0.015000" and created.json()["reactivation_fee"] == "45.00"
    rows = listed.json()["results"]
    assert [(r["effective_from"], r["in_force"]) for r in rows] == [
        ("2025-08-01", False),
        ("2000-01-01", True),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"standard_max_installments": 40}, "standard_max_installments"),
        ({"monthly_rate": "1.5"}, "monthly_rate"),
        ({"min_installment": "0"}, "min_installment"),
        ({"resolution": " "}, "resolution"),
        ({"rounding": "up"}, "rounding"),
        ({"max_installments": "doze"}, "max_installments"),
    ],
)
def test_the_api_refuses_a_bad_field_naming_it_and_writes_nothing(
    api: dict[str, str], change: dict[str, Any], field: str
) -> None:
    refused = host_client(TENANTS["alpha"]).post(
        API, {"effective_from": "2025-08-01", **VALUES, **change}, content_type="application/json", **api
    )

    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == field
    assert InstallmentPolicyVersion.objects.count() == 1


def test_a_second_version_on_the_same_date_is_refused(tenant_alpha: Any) -> None:
    settings_services.installment_policy_create(
        actor=ACTOR, effective_from=dt.date(2025, 8, 1), today=TODAY, **VALUES
    )

    with pytest.raises(Conflict) as refused:
        settings_services.installment_policy_create(
            actor=ACTOR, effective_from=dt.date(2025, 8, 1), today=TODAY, **VALUES
        )

    assert refused.value.field == "effective_from"
    assert InstallmentPolicyVersion.objects.count() == 2


def test_an_unknown_field_is_refused(tenant_alpha: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        settings_services.installment_policy_create(
            actor=ACTOR, effective_from=dt.date(2025, 8, 1), today=TODAY, **VALUES, grace_days=3
        )

    assert refused.value.field == "grace_days"
    assert InstallmentPolicyVersion.objects.count() == 1
