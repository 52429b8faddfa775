"""S10.7-01: from the property, the months that make the billing average — reading, days, m³
measured and billed, how the volume was reached and the average used, occurrence, meter swaps, the
bill's amount and composition — and which bill a recalculation, critique or action changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.billing.models import Bill, BillNote
from modules.common.domain.dates import YearMonth
from modules.metering import services as metering
from modules.reading.models import Reading
from modules.registry.services.connections import connection_create
from modules.service.reading_summary import reading_summary
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

pytestmark = pytest.mark.usefixtures("tenant_alpha")

TODAY = dt.date(2026, 4, 17)
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 15, 0, tzinfo=dt.UTC), tick=False):
        yield


def _history(months: int, meter_number: str = "Y26A000077") -> tuple[Any, Bill]:
    """A property read and billed every month; last month's bill was recalculated (the first one
    cancelled, a new one replacing it, the note of the rebill), and a meter was installed in March."""
    prop = reg.prop()
    water = connection_create(
        actor=reg.ACTOR,
        prop=prop,
        kind="water",
        situation="connected",
        since=dt.date(2020, 1, 1),
        today=TODAY,
    )
    meter = metering.meter_create(
        actor=reg.ACTOR,
        number=meter_number,
        today=TODAY,
        manufacturer="Elster",
        model="S220",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2025,
        calibrated_on=dt.date(2025, 3, 1),
    )
    metering.meter_install(
        actor=reg.ACTOR,
        meter=meter,
        connection_obj=water,
        installed_on=dt.date(2026, 3, 5),
        initial_reading=0,
        today=TODAY,
    )
    last = YearMonth.of(TODAY).plus(-1)
    replaced = None
    for back in range(months):
        reference = last.plus(-back).first_day()
        Reading.objects.create(
            property=prop,
            reference=reference,
            read_on=reference + dt.timedelta(days=27),
            previous_value=1000 + 10 * back,
            value=1000 + 10 * back + 10,
            consumption_kind="measured" if back else "average",
            consumption_m3=10,
            average_m3=Decimal("11.50") if not back else None,
            actor="leiturista",
        )
        bill = cf.bill(prop, f"{40 + back}.00", reference + dt.timedelta(days=40), reference=reference)
        Bill.objects.filter(pk=bill.pk).update(consumption_m3=10, consumption_kind="measured")
        if back == 0:
            replaced = bill
    assert replaced is not None
    Bill.objects.filter(pk=replaced.pk).update(
        status="cancelled",
        cancel_reason="Refaturamento por vazamento",
        cancelled_at=dt.datetime(2026, 4, 10, tzinfo=dt.UTC),
    )
    new = cf.bill(prop, "30.00", replaced.due_date, reference=replaced.reference)
    Bill.objects.filter(pk=new.pk).update(replaces=replaced, consumption_m3=8)
    BillNote.objects.create(bill=new, kind="reissue", reason="Desconto por vazamento", created_by="atendente")
    return prop, new


def test_each_month_has_its_reading_bill_and_the_recalculated_bill_is_flagged() -> None:
    prop, new = _history(12)
    rows = reading_summary(prop.pk, today=TODAY, months=12)
    assert [r.reference for r in rows][:2] == [dt.date(2026, 4, 1), dt.date(2026, 3, 1)]
    assert rows[0].reading is None and rows[0].bill_id is None  # this month: not read yet
    march = rows[1]
    assert (march.reading, march.read_on, march.measured_m3, march.billed_m3) == (
        1010,
        dt.date(2026, 3, 28),
        10,
        8,
    )
    assert march.days == 28  # 28/02 → 28/03
    assert (march.consumption_kind, march.consumption_label) == ("average", "pela média")
    assert march.average_m3 == Decimal("11.50")
    assert march.bill_id == new.pk and march.total == Decimal("30.00")
    assert march.changed and any("Refaturada" in c for c in march.changes)
    assert any("Desconto por vazamento" in c for c in march.changes)
    assert any("cancelada" in c for c in march.changes)
    assert march.meter_events == ["Hidrômetro Y26A000077 instalado em 05/03/2026"]
    february = rows[2]
    assert not february.changed and february.components
    assert february.total == Decimal("41.00") == sum(c.amount for c in february.components)


def test_the_query_count_does_not_grow_with_the_months() -> None:
    few, _ = _history(3)
    many, _ = _history(24, "Y26A000078")
    counts = []
    for prop in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            reading_summary(prop.pk, today=TODAY, months=24)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_page_and_the_api(alpha_client) -> None:
    prop, new = _history(6)
    make_user("alpha", "atende", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "atende", PASSWORD)
    body = alpha_client.get(f"/api/v1/properties/{prop.pk}/reading-summary?months=6", **headers).json()
    assert len(body["months"]) == 6
    march = body["months"][1]
    assert march["bill"] == new.pk and march["total"] == "30.00" and march["changed"] is True
    assert sum(Decimal(c["amount"]) for c in march["components"]) == Decimal("30.00")
    assert march["average_m3"] == "11.50"
    bad = alpha_client.get(f"/api/v1/properties/{prop.pk}/reading-summary?months=99", **headers)
    assert bad.status_code == 400 and bad.json()["field"] == "months"
    assert alpha_client.get("/api/v1/properties/999999/reading-summary", **headers).status_code == 404
    assert (
        alpha_client.post("/conta/entrar/", {"username": "atende", "password": PASSWORD}).status_code == 302
    )
    page = alpha_client.get(f"/servicos/atendimento/imovel/{prop.pk}/leituras/").content.decode()
    assert "Refaturada: substitui a fatura" in page and "Desconto por vazamento" in page
    assert "Hidrômetro Y26A000077 instalado em 05/03/2026" in page
    desk = alpha_client.get(f"/servicos/atendimento/imovel/{prop.pk}/").content.decode()
    assert f"/servicos/atendimento/imovel/{prop.pk}/leituras/" in desk
