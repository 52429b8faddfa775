"""Readings in a tenant schema: schedule window, consumption rules, deviation flags, file import."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.reading.models import Holiday, Reading, ReadingSchedule
from modules.reading.services import (
    ReadingInput,
    reading_register,
    reading_review,
    readings_import,
    schedule_generate,
)
from tests.billing import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)


@pytest.fixture
def g() -> Any:
    group = f.group()
    for i in range(-13, 1):
        f.schedule(group, MONTH.plus(i))
    return group


def _read(
    p: Any, value: int | None, month: YearMonth = MONTH, occurrence: str = "", day: int = 10
) -> Reading:
    return reading_register(
        actor=f.ACTOR, data=ReadingInput(p.account_number, month, month.day(day), value, occurrence)
    )


def test_measured_consumption_and_previous_from_the_last_reading(g: Any) -> None:
    p = f.billable(g, initial=100)
    first = _read(p, 112, MONTH.previous())
    second = _read(p, 130)
    assert (first.previous_value, first.consumption_m3) == (100, 12)
    assert (second.previous_value, second.consumption_m3, second.consumption_kind) == (112, 18, "measured")


def test_lower_reading_without_rollover_is_refused_and_nothing_written(g: Any) -> None:
    p = f.billable(g, initial=500)
    with pytest.raises(ValidationFailed) as raised:
        _read(p, 400)
    assert raised.value.code == "reading_below_previous"
    assert not Reading.objects.filter(property=p).exists()


def test_rollover_confirmed_by_occurrence(g: Any) -> None:
    p = f.billable(g, initial=9990, dials=4)
    reading = _read(p, 15, occurrence="20")
    assert reading.consumption_m3 == 25 and "rollover" in reading.flags


def test_reading_outside_the_schedule_is_refused(g: Any) -> None:
    p = f.billable(g)
    with pytest.raises(ValidationFailed) as raised:
        _read(p, 10, day=1)  # the window opens on the 2nd
    assert raised.value.code == "reading_outside_schedule"


def test_impossible_reading_bills_the_average(g: Any) -> None:
    p = f.billable(g)
    value = 0
    for i, m3 in enumerate((10, 12, 14, 16, 18, 20)):
        value += m3
        _read(p, value, MONTH.plus(-6 + i))
    reading = _read(p, None, occurrence="10")
    assert (reading.consumption_kind, reading.consumption_m3) == ("average", 15)  # S14.6-01


def test_high_consumption_goes_to_review_and_is_accepted(g: Any) -> None:
    p = f.billable(g)
    value = 0
    for i in range(12):
        value += 10
        _read(p, value, MONTH.plus(-12 + i))
    high = _read(p, value + 18)
    assert high.flags == ["high"] and high.review == "pending"  # S14.2-02: 18 m³ against 10
    accepted = reading_review(actor=f.ACTOR, reading=high, reason="vazamento confirmado")
    assert accepted.review == "accepted"
    with pytest.raises(Conflict):
        reading_review(actor=f.ACTOR, reading=accepted)


def test_second_different_reading_conflicts_identical_one_is_idempotent(g: Any) -> None:
    p = f.billable(g)
    first = _read(p, 10)
    assert _read(p, 10).pk == first.pk
    with pytest.raises(Conflict):
        _read(p, 11)


def test_file_import_reports_bad_lines_and_stores_the_others(g: Any) -> None:
    a, b = f.billable(g), f.billable(g, initial=50)
    text = (
        "account_number;reference;read_on;value;occurrence\n"
        f"{a.account_number};2025-05;2025-05-10;7;\n"
        f"{b.account_number};2025-05;2025-05-10;3;\n"
        "99-9;2025-05;2025-05-10;3;\n"
    )
    report = readings_import(actor=f.ACTOR, text=text)
    assert report.created == 1 and len(report.errors) == 2
    assert report.errors[0]["code"] == "reading_below_previous"
    again = readings_import(actor=f.ACTOR, text=text)
    assert again.created == 0 and again.unchanged == 1


def test_schedule_skips_weekends_and_municipal_holidays() -> None:
    group = f.group(8)
    Holiday.objects.create(date=dt.date(2026, 3, 5), name="Aniversário da cidade")
    rows = schedule_generate(actor=f.ACTOR, group=group, first_month=YearMonth(2026, 1), months=12)
    assert len(rows) == 12
    march = ReadingSchedule.objects.get(group=group, reference=dt.date(2026, 3, 1))
    assert march.reading_start != dt.date(2026, 3, 5)
    for row in rows:
        for day in (row.reading_start, row.reading_end, row.due_date):
            assert day.weekday() < 5
    assert dt.date(2026, 4, 21) not in {r.reading_start for r in rows}  # Tiradentes


def test_review_through_the_api(g: Any, alpha_client: Any) -> None:
    from tests.conftest import bearer, make_user

    make_user("alpha", "leiturista", is_admin=True)
    headers = bearer(alpha_client, "leiturista", "Senha-forte-123")
    p = f.billable(g)
    value = 0
    for i in range(12):
        value += 10
        _read(p, value, MONTH.plus(-12 + i))
    created = alpha_client.post(
        "/api/v1/readings",
        {
            "account_number": p.account_number,
            "reference": "2025-05",
            "read_on": "2025-05-10",
            "value": value + 30,
        },
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201 and created.json()["review"] == "pending"
    pending = alpha_client.get("/api/v1/readings?review=pending&reference=2025-05", **headers).json()
    assert [r["id"] for r in pending["results"]] == [created.json()["id"]]
    assert (
        alpha_client.post(
            "/conta/entrar/", {"username": "leiturista", "password": "Senha-forte-123"}
        ).status_code
        == 302
    )
    page = alpha_client.get("/leitura/analise/").content.decode()
    assert "Consumo alto (acima da média de 12 meses)" in page
    assert ">high<" not in page and "high," not in page
    corrected = alpha_client.post(
        f"/api/v1/readings/{created.json()['id']}/review",
        {"value": value + 11, "reason": "leitura digitada errada"},
        content_type="application/json",
        **headers,
    )
    assert corrected.status_code == 200
    assert (corrected.json()["consumption_m3"], corrected.json()["review"]) == (11, "accepted")


@pytest.mark.parametrize(
    ("state", "has_state_day"), [("SP", True), ("MT", False), ("", False), ("XX", False)]
)
def test_holidays_are_national_plus_the_utilitys_state_and_an_unknown_uf_means_national_only(
    tenant_alpha: Any, state: str, has_state_day: bool
) -> None:
    from modules.reading.services import holidays_between

    tenant_alpha.state = state
    days = holidays_between(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert dt.date(2026, 9, 7) in days  # Independência, national
    assert (dt.date(2026, 7, 9) in days) is has_state_day  # Revolução Constitucionalista, SP only
