"""The deadline queue (3.2.11.23): open orders by remaining time, the overdue first, with the time
left in the code's unit (business days on the utility's calendar, or clock hours), on its page and
through the API."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from modules.service.services import orders
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

SP = ZoneInfo("America/Sao_Paulo")
PASSWORD = "Senha-forte-123"
A = f.ACTOR
FRIDAY_10H = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)  # Tuesday 21/04 is Tiradentes


@pytest.fixture
def queue(tenant_alpha):
    """At Friday 17/04 13:00: a 6-hour leak opened 05:00 (overdue 2 h), a 6-hour one opened 12:00
    (5 h left), a 2-business-day connection opened Friday 10:00 (due Wednesday 22/04 over the
    weekend and Tiradentes), a 5-business-day inspection opened Thursday, one cancelled."""
    f.code("VAZ01", description="Vazamento", deadline_value=6, deadline_unit="hours", priority=1)
    f.code("LIG01", deadline_value=2, deadline_unit="business_days", priority=5)
    f.code("VIS01", description="Vistoria", deadline_value=5, deadline_unit="business_days", priority=9)
    prop = reg.prop(holder=reg.customer()).pk
    made = {}
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        made["late_leak"] = orders.order_open(
            actor=A, code="VAZ01", property_id=prop, opened_at=FRIDAY_10H.replace(hour=5)
        )
        made["leak"] = orders.order_open(
            actor=A, code="VAZ01", property_id=prop, opened_at=FRIDAY_10H.replace(hour=12)
        )
        made["connection"] = orders.order_open(actor=A, code="LIG01", property_id=prop, opened_at=FRIDAY_10H)
        made["visit"] = orders.order_open(
            actor=A, code="VIS01", property_id=prop, opened_at=FRIDAY_10H - dt.timedelta(days=1)
        )
        gone = orders.order_open(
            actor=A, code="VAZ01", property_id=prop, opened_at=FRIDAY_10H.replace(hour=4)
        )
        orders.order_cancel(actor=A, order_id=gone.pk, reason="aberta em duplicidade")
    return made


def test_the_api_lists_by_remaining_time_with_the_time_left_in_each_codes_unit(queue, alpha_client) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        body = alpha_client.get("/api/v1/service/orders/deadline-queue", **headers).json()
    assert body["count"] == 4
    rows = [(r["number"], r["overdue"], r["remaining_label"]) for r in body["results"]]
    assert rows == [
        (queue["late_leak"].label, True, "atrasada 2 h"),
        (queue["leak"].label, False, "5 h"),
        (queue["connection"].label, False, "2 dia(s) útil(eis)"),
        (queue["visit"].label, False, "4 dia(s) útil(eis)"),  # due Friday 24/04
    ]
    assert body["results"][2]["due_at"] == "2026-04-22T10:00:00-03:00"


def test_the_page_shows_the_queue_in_that_order_and_flags_the_overdue(queue, alpha_client) -> None:
    make_user("alpha", "supervisora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD})
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        assert "/servicos/ordens/prazos/" in alpha_client.get("/").content.decode()
        html = alpha_client.get("/servicos/ordens/prazos/").content.decode()
    positions = [html.index(queue[k].label) for k in ("late_leak", "leak", "connection", "visit")]
    assert positions == sorted(positions)
    assert '<strong class="late">atrasada 2 h</strong>' in html and "vence hoje" not in html
    assert html.count('class="overdue"') == 1


def test_on_the_due_day_and_past_it_the_business_day_label_says_so(queue) -> None:
    from modules.service.models import ServiceOrder
    from modules.service.selectors import remaining_in_unit

    connection = ServiceOrder.objects.select_related("code").get(pk=queue["connection"].pk)
    wednesday_8h = dt.datetime(2026, 4, 22, 8, 0, tzinfo=SP)
    assert remaining_in_unit([connection], wednesday_8h) == {connection.pk: "vence hoje"}
    thursday = dt.datetime(2026, 4, 23, 9, 0, tzinfo=SP)
    assert remaining_in_unit([connection], thursday) == {connection.pk: "atrasada 1 dia(s) útil(eis)"}
