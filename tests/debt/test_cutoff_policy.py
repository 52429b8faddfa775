"""The cut-off policy as the utility's data (issue #16 fixed points): defaults on a fresh utility, a
PUT that keeps what it does not send, refusals of what Lei 14.015/2020 forbids naming the field with
nothing written, and the earliest legal cut day under the utility's calendar (national, state,
municipal holidays and, when observed, Carnaval and Corpus Christi)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from modules.common.models import AuditEntry
from modules.debt.models import CutoffPolicy
from modules.reading.models import Holiday
from tests.conftest import TENANTS, bearer, host_client, make_user

PASSWORD = "Senha-forte-123"
POLICY = "/api/v1/debt/cutoff-policy"
EARLIEST = "/api/v1/debt/cutoff/earliest-date"
FIXED = {
    "notice_days": 15,
    "forbidden_weekdays": [4, 5, 6],
    "forbid_holiday_eve": True,
    "business_hours": ["08:00", "17:00"],
}


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 12, 1, 15, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def api(tenant_alpha: Any) -> dict[str, str]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)


def _put(api: dict[str, str], body: dict[str, Any]) -> Any:
    return host_client(TENANTS["alpha"]).put(POLICY, body, content_type="application/json", **api)


def _earliest(api: dict[str, str], delivered: str) -> Any:
    return host_client(TENANTS["alpha"]).post(
        EARLIEST, {"notice_delivered_on": delivered}, content_type="application/json", **api
    )


def test_a_fresh_utility_reads_the_lawful_defaults(api: dict[str, str]) -> None:
    body = host_client(TENANTS["alpha"]).get(POLICY, **api).json()
    assert body["effective_from"] is None
    assert body["notice_days"] == 15
    assert body["forbidden_weekdays"] == [4, 5, 6]
    assert body["forbid_holiday_eve"] is True
    assert body["business_hours"] == ["08:00", "17:00"]
    assert _earliest(api, "2026-04-05").json() == {
        "earliest_cut_on": "2026-04-22"
    }  # lands on Tiradentes' eve


def test_the_fixed_point_put_saves_a_version_from_today_and_keeps_what_it_does_not_send(
    api: dict[str, str],
) -> None:
    first = _put(api, {**FIXED, "notice_days": 20, "min_debt": "50.00"})
    assert first.status_code == 200, first.json()
    assert first.json()["effective_from"] == "2025-12-01"
    again = _put(api, FIXED)
    assert again.status_code == 200
    row = CutoffPolicy.objects.get()
    assert (row.notice_days, row.min_debt, row.forbidden_weekdays) == (15, 50, [4, 5, 6])
    assert list(
        AuditEntry.objects.filter(object_type="debt.cutoffpolicy")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "debt.cutoff_policy_create",
        "debt.cutoff_policy_update",
    ]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"forbidden_weekdays": [5, 6]}, "forbidden_weekdays", "sexta-feira"),
        ({"forbid_holiday_eve": False}, "forbid_holiday_eve", "véspera de feriado"),
        ({"notice_days": 0}, "notice_days", "aviso prévio"),
        ({"business_hours": ["18:00", "08:00"]}, "business_hours", "começar antes"),
        ({"business_hours": ["8h"]}, "business_hours", "[início, fim]"),
        ({"min_debt": "-1"}, "min_debt", "não negativo"),
        ({"order_priority": "random"}, "order_priority", "Prioridade"),
        ({"daily_steps": ["cut_order", "spam"]}, "daily_steps", "Etapas diárias"),
        ({"colour": "blue"}, "colour", "desconhecido"),
    ],
)
def test_a_policy_the_law_forbids_is_refused_naming_the_field_and_nothing_is_written(
    api: dict[str, str], change: dict[str, Any], field: str, fragment: str
) -> None:
    response = _put(api, {**FIXED, **change})
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert fragment in response.json()["detail"]
    assert not CutoffPolicy.objects.exists()
    assert not AuditEntry.objects.filter(object_type="debt.cutoffpolicy").exists()


def test_a_version_cannot_start_in_the_past(api: dict[str, str]) -> None:
    response = _put(api, {**FIXED, "effective_from": "2025-11-30"})
    assert response.status_code == 400
    assert response.json()["field"] == "effective_from"
    assert not CutoffPolicy.objects.exists()


def test_the_earliest_day_reads_the_utilitys_state_municipal_and_optional_holidays(
    api: dict[str, str], tenant_alpha: Any
) -> None:
    Holiday.objects.create(date=dt.date(2026, 3, 17), name="Aniversário de Aracaju")
    assert _put(api, FIXED).status_code == 200
    # 15 days land on the eve of a holiday; the answer is the first day the law allows
    assert _earliest(api, "2026-03-01").json()["earliest_cut_on"] == "2026-03-18"  # municipal (Tue 17)
    assert _earliest(api, "2026-02-01").json()["earliest_cut_on"] == "2026-02-18"  # Carnaval Mon 16, Tue 17
    assert _earliest(api, "2026-05-19").json()["earliest_cut_on"] == "2026-06-08"  # Corpus Christi Thu 4
    assert _put(api, {"observe_optional_holidays": False}).status_code == 200
    assert _earliest(api, "2026-02-01").json()["earliest_cut_on"] == "2026-02-16"
    assert _earliest(api, "2026-05-19").json()["earliest_cut_on"] == "2026-06-03"


def test_the_state_holiday_of_the_utilitys_uf_is_in_the_cut_calendar(tenant_alpha: Any) -> None:
    from modules.debt.cutoff_policy import earliest_cut_on

    tenant_alpha.state = "SE"
    assert earliest_cut_on(dt.date(2026, 6, 22)) == dt.date(2026, 7, 9)  # Emancipação de Sergipe (Wed 8)
    tenant_alpha.state = "SP"
    assert earliest_cut_on(dt.date(2026, 6, 22)) == dt.date(2026, 7, 7)  # SP's day is 9 July: Tue 7 is free
    assert earliest_cut_on(dt.date(2026, 6, 23)) == dt.date(2026, 7, 13)  # Wed 8 is SP's eve; Thu 9 the day


def test_the_earliest_day_refuses_a_malformed_date(api: dict[str, str]) -> None:
    response = _earliest(api, "17/04/2026")
    assert response.status_code == 400
    assert response.json()["field"] == "notice_delivered_on"
