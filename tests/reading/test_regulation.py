"""The consumption regulation's versions: added from a reference month on (the parameters not given
keep those in force), read by the consumption rules from that month, never changed once a billed
month fell in them; a page under "Configurações" and an API, both audited with who and why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import BillingRun
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry, Regulation
from modules.reading.services import ReadingInput, consumption_policy, reading_register
from modules.reading.services.regulation import (
    POLICY_KIND,
    consumption_regulation_create,
    consumption_regulation_remove,
    regulation_versions,
)
from tests.billing import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"
JAN = dt.date(2026, 1, 1)


def _billed(g: Any, month: YearMonth) -> None:
    BillingRun.objects.create(group=g, reference=month.first_day(), created_by="tests")


def test_without_versions_the_rules_are_the_defaults() -> None:
    policy = consumption_policy(JAN)
    assert (policy.average_months, policy.high_percent, policy.low_percent) == (6, Decimal(70), Decimal(30))
    assert regulation_versions() == []


def test_a_new_version_rules_from_its_month_on_and_keeps_what_it_does_not_change() -> None:
    consumption_regulation_create(
        actor=f.ACTOR, valid_from=JAN, act="Decreto 1/2026", high_percent=Decimal(50)
    )
    consumption_regulation_create(
        actor=f.ACTOR, valid_from=dt.date(2026, 4, 1), act="Decreto 9/2026", average_months=3
    )

    assert consumption_policy(dt.date(2025, 12, 1)).high_percent == Decimal(70)
    assert consumption_policy(JAN).high_percent == Decimal(50)
    april = consumption_policy(dt.date(2026, 4, 1))
    assert (april.high_percent, april.average_months) == (Decimal(50), 3)  # kept from January's
    newest, oldest = regulation_versions()
    assert (oldest.valid_from, oldest.valid_until, oldest.act) == (
        JAN,
        dt.date(2026, 3, 31),
        "Decreto 1/2026",
    )
    assert (newest.valid_from, newest.valid_until, newest.locked) == (dt.date(2026, 4, 1), None, False)
    audit = AuditEntry.objects.filter(action="reading.consumption_regulation_create").order_by("id").first()
    assert audit is not None and audit.object_type == "reading.consumptionregulation"
    assert (audit.after["valid_from"], audit.after["high_percent"], audit.actor) == (
        "2026-01-01",
        "50",
        "sistema:tests",
    )


def test_a_reading_is_flagged_by_the_thresholds_of_its_month() -> None:
    """12 months of 10 m³; from 05/2025 high is above +50 %: 16 m³ is flagged (it was not at +70 %)."""
    g = f.group()
    for i in range(-12, 1):
        f.schedule(g, MONTH.plus(i))
    p = f.billable(g, initial=0)
    value = 0
    for i in range(-12, 0):
        value += 10
        reading_register(
            actor=f.ACTOR,
            data=ReadingInput(p.account_number, MONTH.plus(i), MONTH.plus(i).day(10), value, ""),
        )
    consumption_regulation_create(
        actor=f.ACTOR, valid_from=MONTH.first_day(), act="Resolução 3", high_percent="50"
    )

    reading = reading_register(
        actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value + 16, "")
    )

    assert (reading.consumption_m3, reading.flags, reading.review) == (16, ["high"], "pending")


def test_no_version_starts_on_or_before_a_billed_month_and_nothing_is_written() -> None:
    g = f.group()
    _billed(g, YearMonth(2026, 2))
    with pytest.raises(Conflict) as raised:
        consumption_regulation_create(actor=f.ACTOR, valid_from=JAN, act="Decreto 2/2026", low_percent="20")
    assert (raised.value.code, raised.value.field) == ("regulation_month_billed", "valid_from")
    assert raised.value.message == (
        "A referência 02/2026 já foi faturada com a versão em vigor: "
        "a nova versão deve começar em 03/2026 ou depois."
    )
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists()
    assert not AuditEntry.objects.filter(action__startswith="reading.consumption_regulation").exists()

    consumption_regulation_create(actor=f.ACTOR, valid_from=dt.date(2026, 3, 1), act="Decreto 2/2026")
    assert Regulation.objects.filter(kind=POLICY_KIND).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"valid_from": dt.date(2026, 1, 15)}, "valid_from", "primeiro dia de um mês"),
        ({"act": "  "}, "act", "Informe o ato"),
        ({"high_percent": "-5"}, "high_percent", "de 0 a 1000 %"),
        ({"average_months": 30}, "average_months", "de 1 a 24 meses"),
    ],
)
def test_bad_versions_are_refused_naming_the_field(kwargs: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        consumption_regulation_create(actor=f.ACTOR, **({"valid_from": JAN, "act": "Decreto"} | kwargs))
    assert raised.value.field == field and message in raised.value.message
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists()


def test_a_version_used_by_a_billed_month_cannot_be_removed_an_unused_one_can() -> None:
    g = f.group()
    consumption_regulation_create(actor=f.ACTOR, valid_from=JAN, act="Decreto 1/2026")
    consumption_regulation_create(actor=f.ACTOR, valid_from=dt.date(2026, 6, 1), act="Decreto 5/2026")
    _billed(g, YearMonth(2026, 2))

    with pytest.raises(Conflict) as raised:
        consumption_regulation_remove(actor=f.ACTOR, valid_from=JAN)
    assert raised.value.code == "regulation_month_billed"
    assert "vigorou na referência 02/2026, já faturada" in raised.value.message

    consumption_regulation_remove(actor=f.ACTOR, valid_from=dt.date(2026, 6, 1), reason="ato revogado")
    assert [v.valid_from for v in regulation_versions()] == [JAN]
    assert regulation_versions()[0].billed == (YearMonth(2026, 2),)
    removed = AuditEntry.objects.get(action="reading.consumption_regulation_remove")
    assert (removed.before["act"], removed.reason) == ("Decreto 5/2026", "ato revogado")


def _api_user(username: str, actions: tuple[str, ...]) -> None:
    profile = Profile.objects.create(name=f"Leitura {username}")
    ProfileGrant.objects.create(
        profile=profile, function="reading.consumption", **{f"can_{a}": True for a in actions}
    )
    make_user("alpha", username, PASSWORD).profiles.add(profile)


def test_the_api_lists_and_adds_versions(alpha_client: Client) -> None:
    _api_user("regulador", ("view", "add"))
    headers = bearer(alpha_client, "regulador", PASSWORD)
    assert alpha_client.get("/api/v1/settings/consumption-regulation", **headers).json() == []

    created = alpha_client.post(
        "/api/v1/settings/consumption-regulation",
        {
            "valid_from": "2026-01-01",
            "act": "Decreto 1/2026",
            "high_percent": "60",
            "reason": "revisão anual",
        },
        content_type="application/json",
        **headers,
    )

    assert created.status_code == 201
    body = created.json()
    assert body == {
        "valid_from": "2026-01-01",
        "valid_until": None,
        "act": "Decreto 1/2026",
        "locked": False,
        "billed_months": [],
        "average_months": 6,
        "average_rounding": "down",
        "deviation_months": 12,
        "high_percent": "60",
        "low_percent": "30",
        "check_min_average_m3": 0,
        "rollover_window_percent": "10",
    }
    assert alpha_client.get("/api/v1/settings/consumption-regulation", **headers).json() == [body]
    audit = AuditEntry.objects.get(action="reading.consumption_regulation_create")
    assert (audit.actor, audit.reason) == ("regulador", "revisão anual")

    refused = alpha_client.post(
        "/api/v1/settings/consumption-regulation",
        {"valid_from": "2026-02-01", "act": "Decreto 2/2026", "low_percent": "120"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("invalid", "low_percent")
    assert Regulation.objects.filter(kind=POLICY_KIND).count() == 1

    forbidden = alpha_client.delete(
        "/api/v1/settings/consumption-regulation?valid_from=2026-01-01", **headers
    )
    assert forbidden.status_code == 403
    assert Regulation.objects.filter(kind=POLICY_KIND).count() == 1


def test_a_profile_that_only_views_cannot_add(alpha_client: Client) -> None:
    _api_user("consulta", ("view",))
    headers = bearer(alpha_client, "consulta", PASSWORD)
    response = alpha_client.post(
        "/api/v1/settings/consumption-regulation",
        {"valid_from": "2026-01-01", "act": "Decreto"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    alpha_client.force_login(make_user("alpha", "consulta2", PASSWORD))
    from modules.access.models import User

    User.objects.get(username="consulta2").profiles.add(Profile.objects.get(name="Leitura consulta"))
    page = alpha_client.get("/leitura/regulamento/").content.decode()
    assert "Valores iniciais do sistema" in page and "Nova versão" not in page
    posted = alpha_client.post("/leitura/regulamento/", {"op": "add", "valid_from": "2026-01", "act": "X"})
    assert posted.status_code == 403
    assert not Regulation.objects.filter(kind=POLICY_KIND).exists()


def test_the_page_adds_a_version_says_what_is_wrong_and_shows_the_history(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora", PASSWORD, is_admin=True))
    form = {
        "op": "add",
        "valid_from": "2026-01",
        "act": "Decreto 1/2026",
        "average_months": 6,
        "average_rounding": "down",
        "deviation_months": 12,
        "high_percent": "80",
        "low_percent": "30",
        "check_min_average_m3": 3,
        "rollover_window_percent": "10",
        "reason": "novo regulamento",
    }
    saved = alpha_client.post("/leitura/regulamento/", form)
    assert (saved.status_code, saved["Location"]) == (302, "/leitura/regulamento/")
    assert consumption_policy(JAN).high_percent == Decimal(80)
    assert consumption_policy(JAN).check_min_average_m3 == 3

    wrong = alpha_client.post("/leitura/regulamento/", form | {"valid_from": "2026-03", "low_percent": "130"})
    assert wrong.status_code == 400
    assert "Consumo baixo (abaixo da média): informe um número de 0 a 100 %." in wrong.content.decode()
    assert Regulation.objects.filter(kind=POLICY_KIND).count() == 1

    page = alpha_client.get("/leitura/regulamento/").content.decode()
    assert "Decreto 1/2026" in page and "Ainda não usada em faturamento" in page
    history = page[page.index("Histórico de alterações") :]
    assert "gestora" in history and "novo regulamento" in history and "Nova versão do regulamento" in history


def test_the_standard_profiles_get_the_new_grants() -> None:
    """Gestor changes the regulation and the schedule (holidays removed included); Consulta only sees."""
    grants = {
        (g.profile.name, g.function): (g.can_view, g.can_add, g.can_change, g.can_delete)
        for g in ProfileGrant.objects.filter(
            profile__name__in=["Gestor", "Consulta"], function__in=["reading.consumption", "reading.schedule"]
        ).select_related("profile")
    }
    assert grants[("Gestor", "reading.consumption")] == (True, True, False, True)
    assert grants[("Gestor", "reading.schedule")] == (True, True, True, True)
    assert grants[("Consulta", "reading.consumption")] == (True, False, False, False)
