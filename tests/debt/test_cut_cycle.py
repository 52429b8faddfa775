"""The cut-off cycle end to end on the real order engine (3.2.9.11–3.2.9.14): an overdue bill, the
notice with its legal cut day, the meter-stand cut order on that day, closed in the field (the
connection is cut), then either no payment — the branch cut order (second level) after the policy's
days — or a payment — the reconnection order at once and no second level."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from modules.billing.models import Bill, BillStatus
from modules.collection.documents import bills_paid
from modules.common.audit import SystemActor
from modules.debt import ladder, notices
from modules.debt.cutoff_policy import cutoff_policy_put
from modules.debt.models import CollectionEvent, CutNotice
from modules.registry.models import ServiceConnection
from modules.registry.services.connections import connection_create
from modules.service.models import CutRecord, PendingCharge, ServiceOrder
from modules.service.services import units
from tests.collection import factories as cf
from tests.conftest import TENANTS, bearer, host_client, make_user
from tests.registry import factories as reg
from tests.service import factories as sf

ACTOR = SystemActor("tests")
PASSWORD = "Senha-forte-123"
NOTICE_DAY = dt.date(2026, 4, 13)  # Monday
CUT_DAY = dt.date(2026, 4, 28)  # + 15 days, Tuesday
SECOND_LEVEL_DAY = dt.date(2026, 5, 28)  # + 30 days, Thursday: no holiday on Friday 29


def _at(day: dt.date, hour: int = 12) -> Any:
    """12:00 UTC is 09:00 in Brasília: business hours."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def world(tenant_alpha: Any) -> Any:
    with _at(NOTICE_DAY):
        for code, effect in {
            "CORTE-C": "cut_meter_stand",
            "CORTE-R": "cut_branch",
            "RELIG-C": "reconnect_meter_stand",
            "RELIG-R": "reconnect_branch",
        }.items():
            sf.code(code, description=f"Serviço {code}", price="25.00")
            units.code_effect_set(actor=ACTOR, code=code, effect=effect)
        cutoff_policy_put(actor=ACTOR, values={"second_level_after_days": 30}, today=NOTICE_DAY)
        p = reg.prop(holder=reg.customer())
        connection_create(
            actor=ACTOR,
            prop=p,
            kind="water",
            situation="connected",
            since=dt.date(2020, 1, 1),
            today=NOTICE_DAY,
        )
        bill = cf.bill(p, "88.00", dt.date(2026, 3, 10))
        make_user("alpha", "chefe", PASSWORD, is_admin=True)
        return {"p": p, "bill": bill, "team": sf.team()}


def _close(world: Any, order: ServiceOrder, day: dt.date) -> None:
    with _at(day, 18):  # 15:00 in Brasília, the team closes what it did at 14:00
        headers = bearer(host_client(TENANTS["alpha"]), "chefe", PASSWORD)  # a token of that day
        answer = host_client(TENANTS["alpha"]).post(
            f"/api/v1/service/orders/{order.pk}/close",
            {"executed": True, "executed_at": f"{day.isoformat()}T17:00:00+00:00", "team": world["team"].pk},
            content_type="application/json",
            **headers,
        )
    assert answer.status_code == 200, answer.json()


def _cut_at_the_meter(world: Any) -> ServiceOrder:
    p = world["p"]
    with _at(NOTICE_DAY):
        assert ladder.run("cut_notice", as_of=NOTICE_DAY, actor=ACTOR).written == 1
    notice = CutNotice.objects.get(property=p)
    assert notice.cut_from == CUT_DAY
    with _at(CUT_DAY - dt.timedelta(days=1)):
        assert ladder.run("cut_order", as_of=CUT_DAY - dt.timedelta(days=1), actor=ACTOR).written == 0
    with _at(CUT_DAY):
        assert ladder.run("cut_order", as_of=CUT_DAY, actor=ACTOR).written == 1
        assert ladder.run("cut_order", as_of=CUT_DAY, actor=ACTOR).written == 0
    order = ServiceOrder.objects.get(property=p, code__code="CORTE-C")
    notice.refresh_from_db()
    assert (notice.status, notice.order_id) == (CutNotice.Status.ORDERED, order.pk)
    _close(world, order, CUT_DAY)
    assert ServiceConnection.objects.get(property=p, kind="water").situation == "cut"
    return order


def test_no_payment_after_the_meter_cut_brings_the_branch_cut_order_after_the_policys_days(
    world: Any,
) -> None:
    p = world["p"]
    _cut_at_the_meter(world)
    day_before = SECOND_LEVEL_DAY - dt.timedelta(days=1)
    with _at(day_before):
        assert notices.escalation_selection(day_before) == []  # 29 days: not yet
    with _at(SECOND_LEVEL_DAY):
        assert notices.escalation_selection(SECOND_LEVEL_DAY) == [p.pk]
        assert ladder.run("cut_order", as_of=SECOND_LEVEL_DAY, actor=ACTOR).written == 1
        assert ladder.run("cut_order", as_of=SECOND_LEVEL_DAY, actor=ACTOR).written == 0
    branch = ServiceOrder.objects.get(property=p, code__code="CORTE-R")
    assert CollectionEvent.objects.filter(property=p, action="escalated").count() == 1
    _close(world, branch, SECOND_LEVEL_DAY)
    assert CutRecord.objects.get(property=p, reconnected_on__isnull=True).level == "branch"
    later = SECOND_LEVEL_DAY + dt.timedelta(days=5)
    with _at(later):
        assert notices.escalation_selection(later) == []


def test_a_payment_after_the_cut_orders_the_reconnection_at_once_and_no_second_level(world: Any) -> None:
    p = world["p"]
    _cut_at_the_meter(world)
    with _at(CUT_DAY + dt.timedelta(days=2)):
        Bill.objects.filter(pk=world["bill"].pk).update(status=BillStatus.PAID)
        bills_paid([world["bill"].pk], ACTOR)
    reconnection = ServiceOrder.objects.get(property=p, code__code="RELIG-C")
    assert CutRecord.objects.get(property=p).phase == "reconnection_ordered"
    with _at(SECOND_LEVEL_DAY):
        assert notices.escalation_selection(SECOND_LEVEL_DAY) == []
        assert ladder.run("cut_order", as_of=SECOND_LEVEL_DAY, actor=ACTOR).written == 0
    assert not ServiceOrder.objects.filter(property=p, code__code="CORTE-R").exists()
    _close(world, reconnection, CUT_DAY + dt.timedelta(days=3))
    assert ServiceConnection.objects.get(property=p, kind="water").situation == "connected"


def _pay(world: Any, day: dt.date) -> ServiceOrder:
    with _at(day):
        Bill.objects.filter(pk=world["bill"].pk).update(status=BillStatus.PAID)
        bills_paid([world["bill"].pk], ACTOR)
    return ServiceOrder.objects.get(property=world["p"], code__code="RELIG-C")


def _reconnection_charges(order: ServiceOrder) -> list[tuple[str, Any]]:
    return [(str(c.amount), c.cancelled_at is None) for c in PendingCharge.objects.filter(order=order)]


def test_a_reconnection_after_a_notified_cut_charges_its_fee(world: Any) -> None:
    """Lei 14.015/2020, the fee side: the notice was delivered before the cut, so the reconnection's
    price is charged on the next bill."""
    _cut_at_the_meter(world)
    reconnection = _pay(world, CUT_DAY + dt.timedelta(days=2))
    _close(world, reconnection, CUT_DAY + dt.timedelta(days=3))
    assert _reconnection_charges(reconnection) == [("25.00", True)]
    assert not reconnection.events.filter(action="fee_waived").exists()


def test_a_cut_without_a_prior_notice_is_reconnected_without_the_fee(world: Any) -> None:
    """Without the prior notice no reconnection fee may be charged (Lei 14.015/2020): a cut order
    opened by hand, with no cut notice, is closed, the bill paid, the reconnection closed: its fee is
    cancelled before any bill carries it and the order says why; the cut's own charge stays."""
    p = world["p"]
    with _at(CUT_DAY):
        cut = units.open_cut_order(actor=ACTOR, property_id=p.pk, level="meter_stand", reason="Corte")
    _close(world, cut, CUT_DAY)
    assert not CutNotice.objects.filter(property=p).exists()
    reconnection = _pay(world, CUT_DAY + dt.timedelta(days=2))
    _close(world, reconnection, CUT_DAY + dt.timedelta(days=3))
    assert _reconnection_charges(reconnection) == [("25.00", False)]
    assert _reconnection_charges(cut) == [("25.00", True)]
    waived = reconnection.events.get(action="fee_waived")
    assert "não cobrada" in waived.note and "aviso prévio" in waived.note
    assert ServiceConnection.objects.get(property=p, kind="water").situation == "connected"


def test_a_notice_of_an_earlier_cut_does_not_make_a_later_unnoticed_cut_chargeable(world: Any) -> None:
    """The notice counts for the cut it led to only: after that cut was reconnected, a second cut
    opened by hand without a new notice is reconnected free."""
    p = world["p"]
    _cut_at_the_meter(world)
    first = _pay(world, CUT_DAY + dt.timedelta(days=2))
    _close(world, first, CUT_DAY + dt.timedelta(days=3))
    again = CUT_DAY + dt.timedelta(days=7)  # Tuesday 5 May
    with _at(again):
        cut = units.open_cut_order(actor=ACTOR, property_id=p.pk, level="meter_stand", reason="Corte")
    _close(world, cut, again)
    with _at(again + dt.timedelta(days=1)):
        second = units.open_reconnection_order(actor=ACTOR, property_id=p.pk)
    _close(world, second, again + dt.timedelta(days=1))
    assert _reconnection_charges(second) == [("25.00", False)]


def test_the_reconnection_ordered_on_payment_is_due_within_the_policys_hours(world: Any) -> None:
    """`reconnection_hours`: the order a payment brings is due that many hours after it is opened
    when the policy's deadline is shorter than the code's (two business days here)."""
    with _at(NOTICE_DAY):
        cutoff_policy_put(actor=ACTOR, values={"reconnection_hours": 6}, today=NOTICE_DAY)
    _cut_at_the_meter(world)
    reconnection = _pay(world, CUT_DAY + dt.timedelta(days=2))
    assert reconnection.due_at == reconnection.opened_at + dt.timedelta(hours=6)


def test_second_level_orders_are_generated_only_inside_their_own_window(world: Any) -> None:
    """3.2.9.12.6, level 2: the branch window (Thursdays, 08:00–10:00 in Brasília) holds the
    escalation at 11:00 and lets it out at 09:00, whatever the first level's window says."""
    with _at(NOTICE_DAY):
        cutoff_policy_put(
            actor=ACTOR,
            values={"level_windows": {"branch": {"weekdays": [3], "hours": ["08:00", "10:00"]}}},
            today=NOTICE_DAY,
        )
    p = world["p"]
    _cut_at_the_meter(world)
    with _at(SECOND_LEVEL_DAY, 14):  # 11:00 in Brasília
        assert notices.escalation_selection(SECOND_LEVEL_DAY) == []
    with _at(SECOND_LEVEL_DAY, 12):  # 09:00
        assert notices.escalation_selection(SECOND_LEVEL_DAY) == [p.pk]
