"""The service-order services beyond the API's fixed points: unscheduling, starting, pausing and
resuming, cancelling, the crew-size warning, variable and optional billing, members over time, and
the refusals that leave nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from modules.common.errors import Conflict, DomainError, ValidationFailed
from modules.common.models import AuditEntry
from modules.service.models import OrderEvent, PendingCharge, ServiceOrder, Vehicle
from modules.service.selectors import crew_on, order_queue
from modules.service.services import catalog, orders
from tests.conftest import make_user
from tests.registry import factories as reg

from . import factories as f

SP = ZoneInfo("America/Sao_Paulo")
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = f.ACTOR


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _order(code: str = "LIG01", **kw) -> ServiceOrder:
    return orders.order_open(actor=A, code=code, property_id=reg.prop().pk, **kw)


def test_unschedule_start_pause_resume_and_their_history(tenant_alpha) -> None:
    f.code("LIG01")
    team = f.team()
    order = _order()
    orders.order_schedule(actor=A, order_id=order.pk, team_id=team.pk, day=dt.date(2026, 4, 20))
    with pytest.raises(ValidationFailed) as exc:
        orders.order_unschedule(actor=A, order_id=order.pk, reason=" ")
    assert exc.value.code == "reason_required"
    back = orders.order_unschedule(actor=A, order_id=order.pk, reason="Programada por engano")
    assert (back.status, back.team_id, back.scheduled_for) == ("pending", None, None)
    with pytest.raises(Conflict):
        orders.order_start(actor=A, order_id=order.pk)  # only a scheduled order starts
    orders.order_schedule(actor=A, order_id=order.pk, team_id=team.pk, day=dt.date(2026, 4, 20))
    orders.order_start(actor=A, order_id=order.pk)
    orders.order_pause(actor=A, order_id=order.pk, reason="Falta de material")
    assert orders.order_resume(actor=A, order_id=order.pk).status == "in_progress"
    moves = list(OrderEvent.objects.filter(order=order).values_list("action", "to_status"))
    assert moves == [
        ("accept", "pending"),
        ("schedule", "scheduled"),
        ("unschedule", "pending"),
        ("schedule", "scheduled"),
        ("start", "in_progress"),
        ("pause", "paused"),
        ("resume", "in_progress"),
    ]
    assert AuditEntry.objects.filter(
        object_id=str(order.pk), action="service.order_unschedule", reason="Programada por engano"
    ).exists()


def test_cancel_needs_a_reason_and_a_cancelled_order_is_final(tenant_alpha) -> None:
    f.code("LIG01")
    order = _order()
    with pytest.raises(ValidationFailed):
        orders.order_cancel(actor=A, order_id=order.pk, reason="")
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending"
    done = orders.order_cancel(actor=A, order_id=order.pk, reason="Pedido em duplicidade")
    assert done.status == "cancelled" and done.reason == "Pedido em duplicidade"
    with pytest.raises(Conflict):
        orders.order_postpone(actor=A, order_id=order.pk, new_due_at=NOW + dt.timedelta(days=9), reason="x")


def test_scheduling_a_smaller_crew_than_planned_warns_on_the_order(tenant_alpha) -> None:
    f.code("LIG01", crew_size=2)
    team = f.team()
    one = make_user("alpha", "joao.campo")
    gone = make_user("alpha", "ana.campo")
    catalog.team_member_add(actor=A, team_id=team.pk, user_id=one.pk, start=dt.date(2026, 1, 1))
    catalog.team_member_add(
        actor=A, team_id=team.pk, user_id=gone.pk, start=dt.date(2026, 1, 1), end=dt.date(2026, 4, 19)
    )
    assert crew_on(team, dt.date(2026, 4, 19)) == 2
    assert crew_on(team, dt.date(2026, 4, 20)) == 1
    order = _order()
    orders.order_schedule(actor=A, order_id=order.pk, team_id=team.pk, day=dt.date(2026, 4, 20))
    note = OrderEvent.objects.filter(order=order, action="schedule").get().note
    assert "a equipe tem 1 integrante(s) nesse dia; o serviço prevê 2" in note


def test_variable_codes_ask_for_the_amount_and_optional_ones_are_charged(tenant_alpha) -> None:
    f.code("VAR01", description="Reparo de passeio", billing_type="variable", price=None)
    f.code("OPC01", description="Aferição a pedido", billing_type="optional", price="20.00")
    team = f.team()
    order = _order("VAR01")
    when = NOW
    with pytest.raises(ValidationFailed) as exc:
        orders.order_close(actor=A, order_id=order.pk, executed=True, executed_at=when, team_id=team.pk)
    assert exc.value.code == "closing_needs_amount" and exc.value.field == "services[0].amount"
    assert not PendingCharge.objects.exists()
    orders.order_close(
        actor=A,
        order_id=order.pk,
        executed=True,
        executed_at=when,
        team_id=team.pk,
        services=[
            orders.ServiceLine("VAR01", Decimal("1"), Decimal("80.00")),
            orders.ServiceLine("OPC01", Decimal("2")),
        ],
    )
    assert sorted(PendingCharge.objects.values_list("amount", flat=True)) == [
        Decimal("40.00"),
        Decimal("80.00"),
    ]


def test_opening_refusals_write_nothing(tenant_alpha) -> None:
    f.code("LIG01")
    f.code("OLD01", is_active=False)
    prop = reg.prop()
    refusals = [
        ({"code": "NAO01", "property_id": prop.pk}, "service_code_not_found"),
        ({"code": "OLD01", "property_id": prop.pk}, "service_code_inactive"),
        ({"code": "LIG01", "property_id": None}, "target_required"),
        ({"code": "LIG01", "property_id": prop.pk, "opened_at": NOW + dt.timedelta(hours=2)}, "invalid"),
    ]
    for kwargs, code in refusals:
        with pytest.raises(DomainError) as exc:
            orders.order_open(actor=A, **kwargs)
        assert exc.value.code == code
    assert not ServiceOrder.objects.exists()


def test_a_closing_in_the_future_or_before_opening_is_refused(tenant_alpha) -> None:
    f.code("LIG01")
    team = f.team()
    order = _order(opened_at=NOW - dt.timedelta(hours=3))
    for when, code in (
        (NOW + dt.timedelta(hours=1), "closing_in_future"),
        (NOW - dt.timedelta(hours=4), "invalid"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            orders.order_close(actor=A, order_id=order.pk, executed=True, executed_at=when, team_id=team.pk)
        assert exc.value.code == code and exc.value.field == "executed_at"
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending"


def test_vehicle_plates_old_and_mercosul(tenant_alpha) -> None:
    assert catalog.vehicle_create(actor=A, plate="abc-1234").plate == "ABC1234"
    assert catalog.vehicle_create(actor=A, plate="BRA2E19").plate == "BRA2E19"
    for plate in ("AB1234", "ABCD123", "ABC12345"):
        with pytest.raises(ValidationFailed) as exc:
            catalog.vehicle_create(actor=A, plate=plate)
        assert exc.value.code == "invalid_plate"
    with pytest.raises(ValidationFailed):
        catalog.vehicle_create(actor=A, plate="ABC1234")
    assert Vehicle.objects.count() == 2


def test_the_sector_queue(tenant_alpha) -> None:
    redes = catalog.sector_create(actor=A, name="Redes")
    f.code("LIG01", sector=redes)
    f.code("VIS01", description="Vistoria", billing_type="not_billable", price=None)
    mine, other = _order("LIG01"), _order("VIS01")
    assert mine.sector_id == redes.pk and other.sector_id is None
    assert list(order_queue(now=NOW, sector_id=redes.pk)) == [mine]


def test_a_breakdown_opens_child_orders_linked_to_the_parent(tenant_alpha) -> None:
    f.code("LIG01")
    f.code("REP01", description="Reposição de passeio", billing_type="variable", price=None, deadline_value=5)
    parent = _order("LIG01", breakdown=["REP01"])
    child = ServiceOrder.objects.get(parent=parent)
    assert (child.link, child.code.code, child.property_id) == ("breakdown", "REP01", parent.property_id)
    assert child.description == f"Desdobramento da OS {parent.label}"
    with pytest.raises(DomainError) as exc:
        _order("LIG01", breakdown=["REP01", "NAO01"])
    assert exc.value.field == "breakdown[1]"
    assert ServiceOrder.objects.count() == 2  # nothing of the refused opening stayed


def test_an_unsatisfactory_order_is_regenerated_as_rework(tenant_alpha) -> None:
    f.code("LIG01")
    team = f.team()
    original = _order()
    with pytest.raises(Conflict) as exc:
        orders.order_rework(actor=A, order_id=original.pk, reason="Vazando")
    assert exc.value.code == "rework_needs_executed"
    orders.order_close(actor=A, order_id=original.pk, executed=True, executed_at=NOW, team_id=team.pk)
    rework = orders.order_rework(actor=A, order_id=original.pk, reason="Ligação vazando no cavalete")
    assert (rework.parent_id, rework.link, rework.status) == (original.pk, "rework", "pending")
    assert rework.description == f"Retrabalho da OS {original.label}: Ligação vazando no cavalete"
    assert ServiceOrder.objects.get(pk=original.pk).status == "executed"
    assert OrderEvent.objects.filter(order=original, action="rework").exists()
    assert ServiceOrder.objects.filter(link="rework").count() == 1  # what rework statistics count
