"""Sewer-installation release letters (3.2.11.32): issued from an executed sewer-availability order
with a deadline and a fine; the nightly sweep marks the units that connected and, past the
deadline, notifies and puts the fine on the property's next bill, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.common.audit import SystemActor
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict
from modules.common.tenancy import SCHEMA_HEADER
from modules.registry.services.connections import connection_create
from modules.service.models import PendingCharge, SewerReleaseLetter
from modules.service.selectors import charge_items
from modules.service.services import orders, units
from modules.service.services.units_letters import sewer_letter_issue, sewer_letters_sweep
from modules.service.tasks import sewer_letters_sweep as sweep_task
from tests.conftest import make_user
from tests.registry import factories as reg

from . import factories as f

NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = SystemActor("testes")
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _executed_availability(team) -> tuple:
    p = reg.prop(holder=reg.customer())
    order = orders.order_open(actor=A, code="DISP-E", property_id=p.pk)
    orders.order_close(actor=A, order_id=order.pk, executed=True, executed_at=NOW, team_id=team.pk)
    return p, order


@pytest.fixture
def setup(tenant_alpha):
    f.code("DISP-E", description="Vistoria de disponibilidade de esgoto", price="0.00")
    units.code_effect_set(actor=A, code="DISP-E", effect="sewer_availability")
    f.code("VIST", description="Vistoria", price="0.00")
    return f.team()


def test_the_letter_comes_only_from_an_executed_sewer_availability_order(setup) -> None:
    other = orders.order_open(actor=A, code="VIST", property_id=reg.prop().pk)
    with pytest.raises(Conflict):
        sewer_letter_issue(actor=A, order_id=other.pk, deadline=dt.date(2026, 6, 1), fine=Decimal("500"))
    pending = orders.order_open(actor=A, code="DISP-E", property_id=reg.prop().pk)
    with pytest.raises(Conflict):
        sewer_letter_issue(actor=A, order_id=pending.pk, deadline=dt.date(2026, 6, 1), fine=Decimal("500"))
    assert not SewerReleaseLetter.objects.exists()


def test_past_the_deadline_unconnected_the_fine_goes_to_the_next_bill_once(setup) -> None:
    late_prop, late_order = _executed_availability(setup)
    ok_prop, ok_order = _executed_availability(setup)
    late = sewer_letter_issue(
        actor=A, order_id=late_order.pk, deadline=dt.date(2026, 5, 15), fine=Decimal("850.00")
    )
    ok = sewer_letter_issue(
        actor=A, order_id=ok_order.pk, deadline=dt.date(2026, 5, 15), fine=Decimal("850.00")
    )
    assert (late.number, ok.number) == (1, 2)
    # before the deadline nothing happens
    assert sewer_letters_sweep(actor=A, today=dt.date(2026, 5, 15)) == {"connected": 0, "fined": 0}
    connection_create(
        actor=A,
        prop=ok_prop,
        kind="sewer",
        situation="connected",
        since=dt.date(2026, 5, 10),
        today=dt.date(2026, 5, 16),
    )
    assert sewer_letters_sweep(actor=A, today=dt.date(2026, 5, 16)) == {"connected": 1, "fined": 1}
    late.refresh_from_db()
    ok.refresh_from_db()
    assert (ok.status, ok.charge_id) == ("connected", None)
    assert late.status == "fined" and late.notified_at is not None
    charge = PendingCharge.objects.get(property=late_prop)
    assert (charge.amount, charge.pk) == (Decimal("850.00"), late.charge_id)
    items = charge_items([late_prop.pk], YearMonth(2026, 6))[late_prop.pk]
    assert [(i.amount, "carta de liberação nº 1" in i.description) for i in items] == [
        (Decimal("850.00"), True)
    ]
    # a second run charges nothing more
    assert sewer_letters_sweep(actor=A, today=dt.date(2026, 5, 17)) == {"connected": 0, "fined": 0}
    assert PendingCharge.objects.filter(property=late_prop).count() == 1


def test_the_letters_page_issues_and_prints_the_letter_and_the_task_sweeps(setup, alpha_client) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    alpha_client.login(username="chefe", password=PASSWORD)
    _, order = _executed_availability(setup)
    answer = alpha_client.post(
        "/servicos/cartas-esgoto/", {"order": order.label, "deadline": "2026-05-15", "fine": "300.00"}
    )
    assert answer.status_code == 302
    letter = SewerReleaseLetter.objects.get(order=order)
    assert "15/05/2026" in alpha_client.get("/servicos/cartas-esgoto/").content.decode()
    pdf = alpha_client.get(f"/servicos/cartas-esgoto/{letter.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        assert sweep_task.apply(headers={SCHEMA_HEADER: "alpha"}, throw=True).get() == {
            "connected": 0,
            "fined": 1,
        }
    assert SewerReleaseLetter.objects.get(pk=letter.pk).status == "fined"
