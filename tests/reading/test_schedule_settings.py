"""The groups' schedule settings (page and API, audited), the manual adjustment of a generated month
(who and why written on the row and in the audit trail; refused on a billed month, on a due date that
is not a business day, without a reason) and the municipal holidays (adds and removes audited and
shown on the schedule page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import BillingRun
from modules.common.domain.calendar import add_business_days, next_business_day
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.models import Holiday, ReadingSchedule, ScheduleSettings
from modules.reading.services import ReadingInput, holidays_between, reading_register, schedule_generate
from modules.reading.services.schedule import schedule_adjust, schedule_settings_update
from tests.billing import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"


@pytest.fixture
def g() -> Any:
    return f.group()


@pytest.fixture
def s(g: Any) -> ReadingSchedule:
    """Reading 02/05/2025 to 28/05, billing 31/05, due 15/06."""
    return f.schedule(g, MONTH)


def _schedule_user(username: str, actions: tuple[str, ...]) -> Any:
    profile = Profile.objects.create(name=f"Cronograma {username}")
    ProfileGrant.objects.create(
        profile=profile, function="reading.schedule", **{f"can_{a}": True for a in actions}
    )
    user = make_user("alpha", username, PASSWORD)
    user.profiles.add(profile)
    return user


# ---- settings ----


def test_changed_settings_drive_the_next_generated_months(g: Any) -> None:
    schedule_settings_update(
        actor=f.ACTOR, group=g, nominal_day=12, billing_lag_business_days=3, due_calendar_days=20
    )
    july = YearMonth(2026, 7)

    (row,) = schedule_generate(actor=f.ACTOR, group=g, first_month=july, months=1)

    holidays = holidays_between(dt.date(2026, 6, 1), dt.date(2026, 9, 30))
    assert row.reading_start == dt.date(2026, 7, 13)  # Sunday 12/07 moves to Monday
    assert row.billing_date == add_business_days(row.reading_end, 3, holidays)
    assert row.due_date == next_business_day(row.billing_date + dt.timedelta(days=20), holidays)
    audit = AuditEntry.objects.get(action="reading.schedule_settings_update")
    assert (audit.before["nominal_day"], audit.after["nominal_day"]) == (5, 12)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"nominal_day": 29}, "nominal_day"),
        ({"margin_days": 11}, "margin_days"),
        ({"route_business_days": 0}, "route_business_days"),
        ({"due_calendar_days": 0}, "due_calendar_days"),
        ({"billing_lag_business_days": 11}, "billing_lag_business_days"),
    ],
)
def test_settings_out_of_range_are_refused_and_nothing_written(
    g: Any, fields: dict[str, int], field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        schedule_settings_update(actor=f.ACTOR, group=g, **fields)
    assert (raised.value.field, raised.value.code) == (field, "setting_out_of_range")
    assert not ScheduleSettings.objects.filter(group=g).exists()
    assert not AuditEntry.objects.filter(action="reading.schedule_settings_update").exists()


def test_the_settings_pages_list_the_groups_save_one_and_show_its_history(
    alpha_client: Client, g: Any
) -> None:
    alpha_client.force_login(make_user("alpha", "gestora", PASSWORD, is_admin=True))
    listing = alpha_client.get("/leitura/cronograma/configuracao/").content.decode()
    assert "Grupo 7" in listing and "/leitura/cronograma/configuracao/7/" in listing

    form = {
        "nominal_day": 8,
        "margin_days": 3,
        "route_business_days": 2,
        "batch_lead_business_days": 1,
        "billing_lag_business_days": 1,
        "due_calendar_days": 12,
    }
    saved = alpha_client.post("/leitura/cronograma/configuracao/7/", form)
    assert (saved.status_code, saved["Location"]) == (302, "/leitura/cronograma/configuracao/7/")
    assert ScheduleSettings.objects.get(group=g).nominal_day == 8

    wrong = alpha_client.post("/leitura/cronograma/configuracao/7/", form | {"margin_days": 20})
    assert wrong.status_code == 400
    assert "A margem deve ficar entre 0 e 10 dias." in wrong.content.decode()
    assert ScheduleSettings.objects.get(group=g).margin_days == 3

    page = alpha_client.get("/leitura/cronograma/configuracao/7/").content.decode()
    history = page[page.index("Histórico de alterações") :]
    assert "gestora" in history and "Dia nominal de leitura" in history


def test_the_settings_api_reads_and_changes_a_group(alpha_client: Client, g: Any) -> None:
    _schedule_user("programador", ("view", "change"))
    headers = bearer(alpha_client, "programador", PASSWORD)
    listed = alpha_client.get("/api/v1/settings/reading-schedule", **headers).json()
    assert {
        "group": 7,
        "nominal_day": 5,
        "margin_days": 2,
        "route_business_days": 1,
        "batch_lead_business_days": 1,
        "billing_lag_business_days": 1,
        "due_calendar_days": 10,
    } in listed

    changed = alpha_client.put(
        "/api/v1/settings/reading-schedule",
        {"group": 7, "due_calendar_days": 15},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200 and changed.json()["due_calendar_days"] == 15

    refused = alpha_client.put(
        "/api/v1/settings/reading-schedule",
        {"group": 7, "nominal_day": 0},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400
    assert (refused.json()["code"], refused.json()["field"]) == ("setting_out_of_range", "nominal_day")
    assert ScheduleSettings.objects.get(group=g).nominal_day == 5


# ---- adjustments ----


def test_an_adjustment_moves_the_dates_and_says_who_and_why(s: ReadingSchedule) -> None:
    row = schedule_adjust(
        actor=f.ACTOR, schedule=s, reason="greve dos leituristas", reading_end=dt.date(2025, 5, 20)
    )

    assert (row.reading_end, row.adjusted_by, row.adjustment_reason) == (
        dt.date(2025, 5, 20),
        "sistema:tests",
        "greve dos leituristas",
    )
    assert row.adjusted_at is not None
    audit = AuditEntry.objects.get(action="reading.schedule_adjust")
    assert (audit.before, audit.after, audit.reason) == (
        {"reading_end": "2025-05-28"},
        {"reading_end": "2025-05-20"},
        "greve dos leituristas",
    )
    p = f.billable(s.group)
    with pytest.raises(ValidationFailed) as raised:
        reading_register(
            actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, dt.date(2025, 5, 25), 10, "")
        )
    assert raised.value.code == "reading_outside_schedule"


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (dt.date(2025, 6, 14), "O vencimento em 14/06/2025 não é dia útil (sábado): escolha um dia útil."),
        (
            dt.date(2025, 6, 17),
            "O vencimento em 17/06/2025 não é dia útil (feriado municipal (Aniversário da cidade))",
        ),
    ],
)
def test_a_due_date_that_is_not_a_business_day_is_refused(
    s: ReadingSchedule, due: dt.date, message: str
) -> None:
    Holiday.objects.create(date=dt.date(2025, 6, 17), name="Aniversário da cidade")
    with pytest.raises(ValidationFailed) as raised:
        schedule_adjust(actor=f.ACTOR, schedule=s, reason="pedido da diretoria", due_date=due)
    assert (raised.value.field, raised.value.code) == ("due_date", "due_date_not_business_day")
    assert raised.value.message.startswith(message)
    _unchanged(s)


def _unchanged(s: ReadingSchedule) -> None:
    row = ReadingSchedule.objects.get(pk=s.pk)
    assert (row.reading_start, row.reading_end, row.due_date, row.adjusted_by) == (
        s.reading_start,
        s.reading_end,
        s.due_date,
        "",
    )
    assert not AuditEntry.objects.filter(action="reading.schedule_adjust").exists()


def test_a_billed_month_is_never_adjusted(s: ReadingSchedule) -> None:
    BillingRun.objects.create(group=s.group, reference=s.reference, created_by="tests")
    with pytest.raises(Conflict) as raised:
        schedule_adjust(actor=f.ACTOR, schedule=s, reason="atraso", due_date=dt.date(2025, 6, 16))
    assert raised.value.code == "schedule_billed"
    assert (
        raised.value.message
        == "O grupo 7 já foi faturado em 05/2025: o cronograma desse mês não pode mais ser ajustado."
    )
    _unchanged(s)


@pytest.mark.parametrize(
    ("dates", "reason", "field", "code"),
    [
        ({"due_date": dt.date(2025, 6, 16)}, " ", "reason", "invalid"),
        ({"reading_end": dt.date(2025, 5, 1)}, "x", "reading_end", "schedule_dates"),
        ({"billing_date": dt.date(2025, 5, 27)}, "x", "billing_date", "schedule_dates"),
        ({"due_date": dt.date(2025, 5, 30)}, "x", "due_date", "schedule_dates"),
        ({"reading_start": dt.date(2025, 3, 31)}, "x", "reading_start", "schedule_dates"),
    ],
)
def test_an_adjustment_out_of_order_or_without_reason_is_refused(
    s: ReadingSchedule, dates: dict[str, dt.date], reason: str, field: str, code: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        schedule_adjust(actor=f.ACTOR, schedule=s, reason=reason, **dates)
    assert (raised.value.field, raised.value.code) == (field, code)
    _unchanged(s)


def test_the_window_must_keep_the_readings_already_taken(s: ReadingSchedule) -> None:
    p = f.billable(s.group)
    reading_register(actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, dt.date(2025, 5, 10), 10, ""))
    with pytest.raises(ValidationFailed) as raised:
        schedule_adjust(actor=f.ACTOR, schedule=s, reason="x", reading_start=dt.date(2025, 5, 12))
    assert (raised.value.field, raised.value.code) == ("reading_start", "readings_outside_window")
    assert "10/05/2025" in raised.value.message
    _unchanged(s)


@time_machine.travel(dt.datetime(2025, 5, 5, 12, tzinfo=dt.UTC), tick=False)
def test_the_schedule_page_adjusts_a_month_and_shows_who(alpha_client: Client, s: ReadingSchedule) -> None:
    alpha_client.force_login(make_user("alpha", "gestor", PASSWORD, is_admin=True))
    url = f"/leitura/cronograma/{s.pk}/ajustar/"
    form = {
        "reading_start": "2025-05-02",
        "reading_end": "2025-05-28",
        "billing_date": "2025-05-31",
        "due_date": "2025-06-14",
        "reason": "vencimento pedido pela prefeitura",
    }
    wrong = alpha_client.post(url, form)
    assert wrong.status_code == 400 and "não é dia útil (sábado)" in wrong.content.decode()

    saved = alpha_client.post(url, form | {"due_date": "2025-06-16"})
    assert (saved.status_code, saved["Location"]) == (302, "/leitura/cronograma/")
    assert ReadingSchedule.objects.get(pk=s.pk).due_date == dt.date(2025, 6, 16)
    page = alpha_client.get("/leitura/cronograma/").content.decode()
    assert "gestor em" in page and "vencimento pedido pela prefeitura" in page
    detail = alpha_client.get(url).content.decode()
    history = detail[detail.index("Histórico de alterações") :]
    assert "Cronograma ajustado à mão" in history and "15/06/2025" in history and "16/06/2025" in history

    BillingRun.objects.create(group=s.group, reference=s.reference, created_by="tests")
    billed = alpha_client.get(url).content.decode()
    assert "Este mês já foi faturado" in billed and "Salvar ajuste" not in billed


def test_the_adjust_api_needs_the_change_grant(alpha_client: Client, s: ReadingSchedule) -> None:
    _schedule_user("vista", ("view",))
    _schedule_user("ajuste", ("view", "change"))
    body = {"group": 7, "reference": "2025-05", "due_date": "2025-06-16", "reason": "feriado ponte"}
    url = "/api/v1/reading/schedules/adjust"
    viewer = bearer(alpha_client, "vista", PASSWORD)
    assert alpha_client.post(url, body, content_type="application/json", **viewer).status_code == 403
    _unchanged(s)

    changer = bearer(alpha_client, "ajuste", PASSWORD)
    response = alpha_client.post(url, body, content_type="application/json", **changer)
    assert response.status_code == 200
    assert (
        response.json()["due_date"],
        response.json()["adjusted_by"],
        response.json()["adjustment_reason"],
    ) == (
        "2025-06-16",
        "ajuste",
        "feriado ponte",
    )
    missing = alpha_client.post(
        url, body | {"reference": "2031-01"}, content_type="application/json", **changer
    )
    assert (missing.status_code, missing.json()["field"], missing.json()["code"]) == (
        404,
        "reference",
        "no_schedule",
    )
    listed = alpha_client.get("/api/v1/reading/schedules?reference=2025-05&group=7", **viewer).json()
    assert [r["due_date"] for r in listed["results"]] == ["2025-06-16"]


# ---- holidays ----


@time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False)
def test_holidays_added_and_removed_on_the_page_are_audited_and_shown(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora3", PASSWORD, is_admin=True))
    alpha_client.post(
        "/leitura/cronograma/", {"op": "holiday", "date": "2026-01-20", "name": "São Sebastião"}
    )
    duplicate = alpha_client.post(
        "/leitura/cronograma/", {"op": "holiday", "date": "2026-01-20", "name": "Outro"}, follow=True
    )
    assert "20/01/2026 já é feriado municipal (São Sebastião)." in duplicate.content.decode()
    alpha_client.post("/leitura/cronograma/", {"op": "holiday", "date": "2026-03-05", "name": "Aniversário"})
    alpha_client.post(
        "/leitura/cronograma/", {"op": "holiday_remove", "date": "2026-03-05", "reason": "lei revogada"}
    )
    page = alpha_client.get("/leitura/cronograma/").content.decode()

    assert list(Holiday.objects.values_list("name", flat=True)) == ["São Sebastião"]
    assert list(
        AuditEntry.objects.filter(object_type="reading.holiday").order_by("id").values_list("action", "actor")
    ) == [
        ("reading.holiday_create", "gestora3"),
        ("reading.holiday_create", "gestora3"),
        ("reading.holiday_remove", "gestora3"),
    ]
    history = page[page.index("Histórico de alterações") :]
    assert "Feriado excluído" in history and "lei revogada" in history and "Feriado cadastrado" in history


def test_the_holidays_api(alpha_client: Client) -> None:
    _schedule_user("feriados", ("view", "add", "delete"))
    headers = bearer(alpha_client, "feriados", PASSWORD)
    created = alpha_client.post(
        "/api/v1/settings/holidays",
        {"date": "2026-01-20", "name": "São Sebastião"},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    assert alpha_client.get("/api/v1/settings/holidays", **headers).json() == [
        {"date": "2026-01-20", "name": "São Sebastião"}
    ]
    assert (
        alpha_client.delete("/api/v1/settings/holidays?date=2026-01-20&reason=erro", **headers).status_code
        == 204
    )
    assert not Holiday.objects.exists()
    assert AuditEntry.objects.get(action="reading.holiday_remove").reason == "erro"
    missing = alpha_client.delete("/api/v1/settings/holidays?date=2026-01-21", **headers)
    assert (missing.status_code, missing.json()["field"]) == (404, "date")
