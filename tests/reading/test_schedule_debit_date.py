"""The group schedule's automatic-debit date (TR S12.1-01: reading, bill generation, automatic debit
and due dates in one schedule): generated on the due date, moved by hand between the billing and the
due date on a business day, following a moved due date, shown on the page and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.models import ReadingSchedule
from modules.reading.services import schedule_generate
from modules.reading.services.schedule import schedule_adjust
from tests.billing import factories as f
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)
PASSWORD = "Senha-forte-123"


@pytest.fixture
def s() -> ReadingSchedule:
    """Reading 02/05/2025 to 28/05, billing 31/05, due 15/06 (the debit with it)."""
    return f.schedule(f.group(), MONTH)


def test_generated_months_debit_on_their_due_date() -> None:
    rows = schedule_generate(actor=f.ACTOR, group=f.group(), first_month=YearMonth(2026, 3), months=12)
    assert len(rows) == 12
    for row in rows:
        assert row.billing_date < row.debit_date == row.due_date
        assert row.reading_start <= row.reading_end < row.billing_date


def test_the_debit_date_moves_by_hand_and_follows_a_moved_due_date(s: ReadingSchedule) -> None:
    assert s.debit_date == dt.date(2025, 6, 15)
    row = schedule_adjust(actor=f.ACTOR, schedule=s, reason="prazo do banco", due_date=dt.date(2025, 6, 16))
    assert (row.due_date, row.debit_date) == (dt.date(2025, 6, 16), dt.date(2025, 6, 16))

    row = schedule_adjust(actor=f.ACTOR, schedule=row, reason="débito antes", debit_date=dt.date(2025, 6, 10))
    assert (row.due_date, row.debit_date) == (dt.date(2025, 6, 16), dt.date(2025, 6, 10))
    audit = AuditEntry.objects.filter(action="reading.schedule_adjust").order_by("-id").first()
    assert audit is not None
    assert (audit.before, audit.after) == ({"debit_date": "2025-06-16"}, {"debit_date": "2025-06-10"})
    row = schedule_adjust(
        actor=f.ACTOR, schedule=row, reason="novo vencimento", due_date=dt.date(2025, 6, 20)
    )
    assert (row.due_date, row.debit_date) == (
        dt.date(2025, 6, 20),
        dt.date(2025, 6, 10),
    )  # moved by hand: kept


@pytest.mark.parametrize(
    ("debit", "message"),
    [
        (dt.date(2025, 5, 31), "O débito automático deve ser depois do faturamento e até o vencimento."),
        (dt.date(2025, 6, 17), "O débito automático deve ser depois do faturamento e até o vencimento."),
        (dt.date(2025, 6, 7), "O débito automático em 07/06/2025 não é dia útil: escolha um dia útil."),
    ],
)
def test_a_debit_out_of_order_or_on_a_weekend_is_refused(
    s: ReadingSchedule, debit: dt.date, message: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        schedule_adjust(actor=f.ACTOR, schedule=s, reason="teste", debit_date=debit)
    assert (raised.value.field, raised.value.code, raised.value.message) == (
        "debit_date",
        "schedule_dates",
        message,
    )
    assert ReadingSchedule.objects.get(pk=s.pk).debit_date == dt.date(2025, 6, 15)


@time_machine.travel(dt.datetime(2025, 5, 5, 12, tzinfo=dt.UTC), tick=False)
def test_the_page_and_the_api_show_and_move_the_debit_date(alpha_client: Client, s: ReadingSchedule) -> None:
    make_user("alpha", "gestor", PASSWORD, is_admin=True)
    alpha_client.login(username="gestor", password=PASSWORD)
    page = alpha_client.get("/leitura/cronograma/").content.decode()
    assert "<th>Débito automático</th>" in page and "<td>15/06/2025</td>" in page
    url = f"/leitura/cronograma/{s.pk}/ajustar/"
    assert 'name="debit_date"' in alpha_client.get(url).content.decode()
    form = {
        "reading_start": "2025-05-02",
        "reading_end": "2025-05-28",
        "billing_date": "2025-05-31",
        "due_date": "2025-06-16",
        "debit_date": "2025-06-12",
        "reason": "débito pedido pelo banco",
    }
    saved = alpha_client.post(url, form)
    assert (saved.status_code, saved["Location"]) == (302, "/leitura/cronograma/")
    row = ReadingSchedule.objects.get(pk=s.pk)
    assert (row.due_date, row.debit_date) == (dt.date(2025, 6, 16), dt.date(2025, 6, 12))

    headers: dict[str, Any] = bearer(alpha_client, "gestor", PASSWORD)
    moved = alpha_client.post(
        "/api/v1/reading/schedules/adjust",
        {"group": 7, "reference": "2025-05", "debit_date": "2025-06-13", "reason": "banco"},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 200 and moved.json()["debit_date"] == "2025-06-13"
    listed = alpha_client.get("/api/v1/reading/schedules?reference=2025-05&group=7", **headers).json()
    assert [(r["debit_date"], r["due_date"]) for r in listed["results"]] == [("2025-06-13", "2025-06-16")]
