"""Closure feeds the bill: an executed order's service and material charges go on the property's
next real billing run, once, through billing's item hook (source "service.charge")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from modules.billing.hooks import pending_items
from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, reading_register
from modules.service.models import MaterialPrice
from modules.service.services import orders
from tests.billing import factories as bf

from . import factories as f

JULY = YearMonth(2025, 7)


def test_an_executed_order_is_billed_on_the_next_run_once(tenant_alpha) -> None:
    bf.set_company_code("0562")
    bf.approved_tariff()
    group = bf.group()
    bf.schedule(group, JULY)
    home = bf.billable(group)
    f.code("LIG01", price_from=dt.date(2025, 1, 1), charges_materials=True)
    f.material("TUBO20", price="12.50")
    MaterialPrice.objects.update(valid_from=dt.date(2025, 1, 1))
    team = f.team()
    with time_machine.travel(dt.datetime(2025, 7, 20, 15, tzinfo=dt.UTC), tick=False):
        order = orders.order_open(actor=f.ACTOR, code="LIG01", property_id=home.pk)
        orders.order_close(
            actor=f.ACTOR,
            order_id=order.pk,
            executed=True,
            executed_at=dt.datetime(2025, 7, 20, 15, tzinfo=dt.UTC),
            team_id=team.pk,
            materials=[orders.MaterialLine("TUBO20", Decimal("2"))],
        )
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=True):
        reading_register(actor=f.ACTOR, data=ReadingInput(home.account_number, JULY, JULY.day(10), 16, ""))
        run = runs.run_create(actor=f.ACTOR, group=group, reference=JULY, chunk_size=10, enqueue=False)
        for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
            runs.chunk_process(chunk_id=chunk_id)
            runs.chunk_process(chunk_id=chunk_id)  # a redelivered chunk changes nothing
    bill = Bill.objects.get(run=run, property=home)
    services = [(i.kind, i.source, i.amount) for i in bill.items.all() if i.source == "service.charge"]
    assert services == [
        ("service", "service.charge", Decimal("35.00")),
        ("service", "service.charge", Decimal("25.00")),
    ]
    others = sum(i.amount for i in bill.items.all() if i.source != "service.charge")
    assert bill.total == others + Decimal("60.00")
    assert pending_items([home.pk], JULY.next()) == {}
