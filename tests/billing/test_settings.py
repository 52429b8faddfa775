"""The utility's billing settings: the minimum time between issue and due date and the months of
history on the bill are the utility's own (defaults 5 and 12), edited by its staff on a page and in
the API, audited; a changed value changes the bills."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from modules.access.models import Profile, ProfileGrant, User
from modules.billing.models import Bill, BillingSettings, RunChunk
from modules.billing.pdf import render_bill_html
from modules.billing.services import runs
from modules.billing.services.settings import billing_settings_update
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"


@pytest.fixture
def ready() -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def _run(g: Any, today: dt.date) -> dict[int, Bill]:
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False, today=today)
    for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)
    return {b.property_id: b for b in Bill.objects.filter(run=run)}


def _bars(html: str) -> int:
    """Bars of the consumption chart (an SVG image inlined as a data URI)."""
    for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html):
        svg = base64.b64decode(data).decode()
        if "<rect" in svg:
            return svg.count("<rect")
    raise AssertionError("no chart")


def test_the_defaults_are_five_days_and_twelve_months() -> None:
    row = BillingSettings.current()
    assert (row.min_days_after_issue, row.history_months) == (5, 12)


def test_a_longer_minimum_moves_the_due_date_of_a_late_run(ready: Any) -> None:
    """The schedule bills on 31/05, due 15/06; a run on 12/06 with a 10-day minimum: not before
    22/06, a Sunday, so 23/06 (5 days would have given 17/06, test_runs)."""
    p = f.billable(ready)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    billing_settings_update(actor=f.ACTOR, min_days_after_issue=10)

    bills = _run(ready, dt.date(2025, 6, 12))

    assert bills[p.pk].due_date == dt.date(2025, 6, 23)


def test_the_bill_prints_the_months_of_history_the_utility_chose(ready: Any) -> None:
    p = f.billable(ready)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), 16, ""))
    bill = _run(ready, dt.date(2025, 5, 31))[p.pk]
    assert _bars(render_bill_html(bill)) == 12

    billing_settings_update(actor=f.ACTOR, history_months=6)

    html = render_bill_html(bill)
    assert _bars(html) == 6


def test_an_unmetered_property_is_billed_by_its_outlets_once_the_utility_sets_the_m3(ready: Any) -> None:
    from modules.registry.models import Property

    p = f.billable(ready, (("RES", 1),), metered=False)
    Property.objects.filter(pk=p.pk).update(water_outlets=2)
    billing_settings_update(actor=f.ACTOR, m3_per_outlet=8)

    bill = _run(ready, dt.date(2025, 5, 31))[p.pk]

    assert (bill.consumption_kind, bill.consumption_m3, bill.total) == ("fixed", 16, Decimal("40.56"))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"min_days_after_issue": 0}, "min_days_after_issue", "entre 1 e 30 dias"),
        ({"min_days_after_issue": 31}, "min_days_after_issue", "entre 1 e 30 dias"),
        ({"history_months": 5}, "history_months", "de 6 a 24 meses"),
        ({"history_months": 25}, "history_months", "de 6 a 24 meses"),
        ({"m3_per_outlet": 101}, "m3_per_outlet", "entre 0 e 100 m³"),
    ],
)
def test_values_out_of_range_are_refused_and_nothing_changes(
    fields: dict[str, int], field: str, message: str
) -> None:
    before = BillingSettings.current()
    with pytest.raises(ValidationFailed) as raised:
        billing_settings_update(actor=f.ACTOR, **fields)
    assert (raised.value.field, raised.value.code) == (field, "setting_out_of_range")
    assert message in raised.value.message
    after = BillingSettings.objects.get(pk=1)
    assert (after.min_days_after_issue, after.history_months) == (
        before.min_days_after_issue,
        before.history_months,
    )
    assert not AuditEntry.objects.filter(action="billing.settings_update").exists()


def _api_user(client: Client, username: str, *, change: bool) -> dict[str, str]:
    profile = Profile.objects.create(name=f"Faturamento {username}")
    ProfileGrant.objects.create(
        profile=profile, function="billing.settings", can_view=True, can_change=change
    )
    make_user("alpha", username, PASSWORD).profiles.add(profile)
    return bearer(client, username, PASSWORD)


def test_the_api_reads_and_changes_the_settings_audited(alpha_client: Client) -> None:
    headers = _api_user(alpha_client, "faturista", change=True)
    assert alpha_client.get("/api/v1/billing/settings", **headers).json() == {
        "min_days_after_issue": 5,
        "history_months": 12,
        "m3_per_outlet": 0,
        "max_water_leak_percent": 70,
        "max_sewer_leak_percent": 70,
        "first_bill_min_days": 0,
        "history_start": None,
        "delivery_fee": "0.00",
        "print_excess_message": True,
        "common_area_policy": "master",
    }
    response = alpha_client.put(
        "/api/v1/billing/settings", {"min_days_after_issue": 7}, content_type="application/json", **headers
    )
    assert response.status_code == 200
    assert response.json() == {
        "min_days_after_issue": 7,
        "history_months": 12,
        "m3_per_outlet": 0,
        "max_water_leak_percent": 70,
        "max_sewer_leak_percent": 70,
        "first_bill_min_days": 0,
        "history_start": None,
        "delivery_fee": "0.00",
        "print_excess_message": True,
        "common_area_policy": "master",
    }
    audit = AuditEntry.objects.get(action="billing.settings_update")
    assert (audit.before["min_days_after_issue"], audit.after["min_days_after_issue"]) == (5, 7)
    assert audit.actor == "faturista"

    refused = alpha_client.put(
        "/api/v1/billing/settings", {"history_months": 3}, content_type="application/json", **headers
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("setting_out_of_range", "history_months")
    assert BillingSettings.objects.get(pk=1).history_months == 12
    assert AuditEntry.objects.filter(action="billing.settings_update").count() == 1


def test_a_profile_that_only_views_cannot_change_them(alpha_client: Client) -> None:
    headers = _api_user(alpha_client, "consulta1", change=False)
    assert alpha_client.get("/api/v1/billing/settings", **headers).status_code == 200
    response = alpha_client.put(
        "/api/v1/billing/settings", {"min_days_after_issue": 9}, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert BillingSettings.current().min_days_after_issue == 5
    assert not AuditEntry.objects.filter(action="billing.settings_update").exists()

    alpha_client.force_login(User.objects.get(username="consulta1"))
    page = alpha_client.get("/faturamento/configuracao/")
    assert page.status_code == 200 and "Seu perfil permite só consultar" in page.content.decode()
    posted = alpha_client.post(
        "/faturamento/configuracao/", {"min_days_after_issue": 9, "history_months": 12}
    )
    assert posted.status_code == 403
    assert BillingSettings.current().min_days_after_issue == 5
    assert not AuditEntry.objects.filter(action="billing.settings_update").exists()


def test_the_settings_page_saves_and_says_what_is_wrong(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora", PASSWORD, is_admin=True))
    page = alpha_client.get("/faturamento/configuracao/")
    assert page.status_code == 200 and "Prazo mínimo entre a emissão e o vencimento" in page.content.decode()

    saved = alpha_client.post(
        "/faturamento/configuracao/",
        {
            "min_days_after_issue": 8,
            "history_months": 18,
            "m3_per_outlet": 0,
            "max_water_leak_percent": 70,
            "max_sewer_leak_percent": 70,
        },
    )
    assert (saved.status_code, saved["Location"]) == (302, "/faturamento/configuracao/")
    row = BillingSettings.objects.get(pk=1)
    assert (row.min_days_after_issue, row.history_months) == (8, 18)

    wrong = alpha_client.post(
        "/faturamento/configuracao/",
        {
            "min_days_after_issue": 8,
            "history_months": 30,
            "m3_per_outlet": 0,
            "max_water_leak_percent": 70,
            "max_sewer_leak_percent": 70,
        },
    )
    assert wrong.status_code == 400
    assert "O histórico de consumo na fatura deve ter de 6 a 24 meses." in wrong.content.decode()
    assert BillingSettings.objects.get(pk=1).history_months == 18
    assert AuditEntry.objects.filter(action="billing.settings_update").count() == 1


def test_the_settings_page_shows_who_changed_what_and_when(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora2", PASSWORD, is_admin=True))
    before = alpha_client.get("/faturamento/configuracao/").content.decode()
    assert "Nenhuma alteração registrada" in before

    alpha_client.post(
        "/faturamento/configuracao/",
        {
            "min_days_after_issue": 9,
            "history_months": 12,
            "m3_per_outlet": 0,
            "max_water_leak_percent": 70,
            "max_sewer_leak_percent": 70,
        },
    )
    page = alpha_client.get("/faturamento/configuracao/").content.decode()
    history = page[page.index("Histórico de alterações") :]
    assert "gestora2" in history
    assert "Nenhuma alteração registrada" not in history
    assert re.search(r"5\s*→\s*9", history)
