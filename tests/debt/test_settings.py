"""The utility's debt parameters: one statement validity for the staff page, the staff API and the
citizens' agency (pages and API), one certificate validity; edited on the staff page by the
function "debt.settings" (change), audited; a refused edit writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.access.models import Profile
from modules.common.audit import SystemActor
from modules.common.models import AuditEntry
from modules.debt import services
from modules.debt.models import Certificate, DebtSettings
from tests.collection import factories as f
from tests.conftest import TENANTS, bearer, host_client, make_user
from tests.portal.conftest import sign_in
from tests.registry import factories as reg

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2025, 6, 15)
ACTOR = SystemActor("tests")


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 15, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def staff(tenant_alpha: Any) -> Client:
    """A Gestor signed in on the staff pages (holds debt.settings view, add and change)."""
    make_user("alpha", "gestora", PASSWORD, full_name="Gestora Teste").profiles.add(
        Profile.objects.get(name="Gestor")
    )
    client = host_client(TENANTS["alpha"])
    assert client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def api(tenant_alpha: Any) -> dict[str, str]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)


def _owing_citizen() -> tuple[Any, Any, list[Any]]:
    maria = reg.customer("Maria da Conceição Souza", email="maria@example.com")
    home = reg.prop(holder=maria)
    bills = [
        f.bill(home, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1)),
        f.bill(home, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
    ]
    return maria, home, bills


def _validities(staff: Client, api: dict[str, str], maria: Any, home: Any, bills: list[Any]) -> set[Any]:
    """The last payable day of a statement issued today through each of the four doors."""
    staff_page = staff.get(f"/cobranca/imoveis/{home.pk}/").context["statement_form"]["valid_until"].value()
    staff_api = (
        host_client(TENANTS["alpha"])
        .post(
            f"/api/v1/properties/{home.pk}/statement",
            {"bills": [bills[0].pk]},
            content_type="application/json",
            **api,
        )
        .json()["valid_until"]
    )
    agency = host_client(TENANTS["alpha"])
    assert sign_in(agency, home, maria.cpf_cnpj).status_code == 302
    agency_page = agency.get(f"/agencia/imoveis/{home.pk}/extrato/").context["valid_until"]
    token = agency.post(
        "/agencia/api/v1/auth/token",
        {"account": home.account_number, "document": maria.cpf_cnpj},
        content_type="application/json",
    ).json()["token"]
    agency_api = agency.post(
        f"/agencia/api/v1/properties/{home.pk}/statements",
        {"bills": [bills[1].pk]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()["valid_until"]
    return {dt.date.fromisoformat(str(d)) for d in (staff_page, staff_api, agency_page, agency_api)}


def test_staff_and_agency_statements_carry_the_same_validity_of_seven_days_by_default(
    staff: Client, api: dict[str, str]
) -> None:
    maria, home, bills = _owing_citizen()

    validities = _validities(staff, api, maria, home, bills)

    assert validities == {TODAY + dt.timedelta(days=7)}  # VA-14: NÃO RECEBER APÓS = issue + 7


def test_changing_the_statement_validity_changes_the_staff_and_the_agency_statements(
    staff: Client, api: dict[str, str]
) -> None:
    maria, home, bills = _owing_citizen()

    saved = staff.post("/cobranca/parametros/", {"statement_valid_days": 10, "certificate_valid_days": 30})

    assert saved.status_code == 302
    assert _validities(staff, api, maria, home, bills) == {TODAY + dt.timedelta(days=10)}
    entry = AuditEntry.objects.get(action="debt.settings_update")
    assert entry.actor == "gestora"
    assert entry.before["statement_valid_days"] == 7 and entry.after["statement_valid_days"] == 10


def test_a_certificate_is_valid_for_thirty_days_by_default_and_then_for_what_the_utility_set(
    staff: Client,
) -> None:
    home = f.prop()

    first = services.certificate_issue(actor=ACTOR, property_id=home.pk, today=TODAY)
    staff.post("/cobranca/parametros/", {"statement_valid_days": 7, "certificate_valid_days": 90})
    second = services.certificate_issue(actor=ACTOR, property_id=home.pk, today=TODAY)

    assert first.valid_until == TODAY + dt.timedelta(days=30)
    assert second.valid_until == TODAY + dt.timedelta(days=90)
    assert second.statement["valid_until"] == (TODAY + dt.timedelta(days=90)).isoformat()
    assert Certificate.objects.count() == 2


def test_a_profile_that_only_views_the_parameters_sees_them_and_cannot_save(tenant_alpha: Any) -> None:
    make_user("alpha", "consulta", PASSWORD).profiles.add(Profile.objects.get(name="Consulta"))
    client = host_client(TENANTS["alpha"])
    client.post("/conta/entrar/", {"username": "consulta", "password": PASSWORD})
    audits = AuditEntry.objects.filter(action="debt.settings_update").count()

    page = client.get("/cobranca/parametros/")
    refused = client.post("/cobranca/parametros/", {"statement_valid_days": 1, "certificate_valid_days": 1})

    assert page.status_code == 200 and "disabled" in page.content.decode()
    assert refused.status_code == 403
    assert not DebtSettings.objects.exists()
    assert AuditEntry.objects.filter(action="debt.settings_update").count() == audits


@pytest.mark.parametrize("days", [0, 366])
def test_a_validity_out_of_bounds_is_refused_and_nothing_is_saved(staff: Client, days: int) -> None:
    response = staff.post(
        "/cobranca/parametros/", {"statement_valid_days": days, "certificate_valid_days": 30}
    )

    assert response.status_code == 400
    assert not DebtSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="debt.settings_update").exists()


def test_the_service_refuses_a_parameter_it_does_not_know_and_writes_nothing(tenant_alpha: Any) -> None:
    from modules.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        services.debt_settings_update(actor=ACTOR, grace_days=3)

    assert refused.value.field == "grace_days"
    assert not DebtSettings.objects.exists()


def test_the_api_reads_and_changes_the_validities_audited_and_the_statement_follows(
    api: dict[str, str],
) -> None:
    """Issue #13: the validity of statements and certificates is a setting reached from the API too."""
    client = host_client(TENANTS["alpha"])
    assert client.get("/api/v1/debt/settings", **api).json() == {
        "statement_valid_days": 7,
        "certificate_valid_days": 30,
    }

    changed = client.put(
        "/api/v1/debt/settings", {"statement_valid_days": 12}, content_type="application/json", **api
    )

    assert changed.status_code == 200, changed.content
    assert changed.json() == {"statement_valid_days": 12, "certificate_valid_days": 30}
    entry = AuditEntry.objects.get(action="debt.settings_update")
    assert entry.actor == "chefe"
    assert (entry.before["statement_valid_days"], entry.after["statement_valid_days"]) == (7, 12)
    home = f.prop()
    bill = f.bill(home, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    statement = client.post(
        f"/api/v1/properties/{home.pk}/statement",
        {"bills": [bill.pk]},
        content_type="application/json",
        **api,
    )
    assert statement.json()["valid_until"] == (TODAY + dt.timedelta(days=12)).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"certificate_valid_days": 0}, "certificate_valid_days"),
        ({"statement_valid_days": 366}, "statement_valid_days"),
        ({"statement_valid_days": "sete"}, "statement_valid_days"),
        ({"grace_days": 3}, "grace_days"),
    ],
)
def test_the_api_refuses_a_bad_validity_naming_the_field_and_writes_nothing(
    api: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = host_client(TENANTS["alpha"]).put(
        "/api/v1/debt/settings", body, content_type="application/json", **api
    )

    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not DebtSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="debt.settings_update").exists()


def test_a_profile_that_only_views_the_parameters_reads_them_over_the_api_and_cannot_change(
    tenant_alpha: Any,
) -> None:
    make_user("alpha", "consulta", PASSWORD).profiles.add(Profile.objects.get(name="Consulta"))
    headers = bearer(host_client(TENANTS["alpha"]), "consulta", PASSWORD)
    client = host_client(TENANTS["alpha"])

    assert client.get("/api/v1/debt/settings", **headers).status_code == 200
    refused = client.put(
        "/api/v1/debt/settings", {"statement_valid_days": 9}, content_type="application/json", **headers
    )
    assert refused.status_code == 403
    assert not DebtSettings.objects.exists()
