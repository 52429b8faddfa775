"""Cuts and reconnections by level, recorded when a marked order is closed (3.2.11.28–.31), the
orders debt's enforcement opens (`open_cut_order`, `open_reconnection_order`), the one-action
reconnection and the payment that brings it only once (S10.8-01, -02, -04), and the meter swap
closed in the field updating metering in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from modules.common.errors import Conflict
from modules.metering import services as metering
from modules.metering.models import Installation
from modules.registry.models import ConnectionEvent, ServiceConnection
from modules.registry.services.connections import connection_create
from modules.service.models import CutRecord, ServiceOrder
from modules.service.services import orders, units
from tests.billing.factories import set_company_code
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

SP = ZoneInfo("America/Sao_Paulo")
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = f.ACTOR
PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    class Api:
        def post(self, path: str, body: dict | None = None):
            return alpha_client.post(path, body or {}, content_type="application/json", **headers)

        def get(self, path: str, **params):
            return alpha_client.get(path, params, **headers)

    return Api()


def _codes() -> None:
    marks = {
        "CORTE-C": "cut_meter_stand",
        "CORTE-R": "cut_branch",
        "SUPRESS": "suppression",
        "CORTE-E": "cut_sewer",
        "RELIG-C": "reconnect_meter_stand",
        "RELIG-R": "reconnect_branch",
        "RELIG-E": "reconnect_sewer",
    }
    for code, effect in marks.items():
        f.code(code, description=f"Serviço {code}", price="25.00")
        units.code_effect_set(actor=A, code=code, effect=effect)


def _connected(kind: str = "water"):
    p = reg.prop(holder=reg.customer())
    sc = connection_create(
        actor=A,
        prop=p,
        kind=kind,
        situation="connected",
        since=dt.date(2020, 1, 1),
        today=dt.date(2026, 4, 17),
    )
    return p, sc


def _close(api, order: ServiceOrder, team, **extra):
    return api.post(
        f"/api/v1/service/orders/{order.pk}/close",
        {"executed": True, "executed_at": NOW.isoformat(), "team": team.pk, **extra},
    )


def test_a_branch_cut_is_recorded_and_only_a_branch_reconnection_undoes_it(api) -> None:
    _codes()
    team = f.team()
    p, sc = _connected()
    cut = units.open_cut_order(actor=A, property_id=p.pk, level="branch", reason="Débitos vencidos")
    assert cut.code.code == "CORTE-R"
    # a second call while the first is open answers the same order (debt's enforcement may retry)
    assert units.open_cut_order(actor=A, property_id=p.pk, level="branch").pk == cut.pk

    assert _close(api, cut, team).status_code == 200
    sc.refresh_from_db()
    assert sc.situation == "cut"
    record = CutRecord.objects.get(connection=sc)
    assert (record.level, record.phase, record.cut_order_id, record.cut_on) == (
        "branch",
        "cut",
        cut.pk,
        dt.date(2026, 4, 17),
    )
    assert ConnectionEvent.objects.filter(
        connection=sc, situation_to="cut", reason__contains="ramal"
    ).exists()

    # a meter-stand reconnection cannot undo a branch cut: refused, nothing written
    wrong = orders.order_open(actor=A, code="RELIG-C", property_id=p.pk)
    answer = _close(api, wrong, team)
    assert answer.status_code == 409
    assert answer.json()["code"] == "cut_level_mismatch"
    assert "corte no ramal" in answer.json()["detail"]
    sc.refresh_from_db()
    wrong.refresh_from_db()
    assert (sc.situation, wrong.status) == ("cut", "pending")
    assert CutRecord.objects.get(pk=record.pk).reconnected_on is None

    right = units.open_reconnection_order(actor=A, property_id=p.pk)
    assert right.code.code == "RELIG-R"
    assert _close(api, right, team).status_code == 200
    sc.refresh_from_db()
    record.refresh_from_db()
    assert sc.situation == "connected"
    # S10.8-04: the cut phase follows the reconnection
    assert (record.phase, record.reconnection_order_id, record.reconnected_on) == (
        "reconnected",
        right.pk,
        dt.date(2026, 4, 17),
    )


def test_a_deeper_cut_replaces_the_level_and_a_shallower_one_is_refused(api) -> None:
    _codes()
    team = f.team()
    p, sc = _connected()
    assert (
        _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="meter_stand"), team).status_code
        == 200
    )
    assert (
        _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="suppression"), team).status_code
        == 200
    )
    sc.refresh_from_db()
    assert sc.situation == "suppressed"
    assert list(CutRecord.objects.filter(connection=sc).values_list("level", flat=True)) == ["suppression"]
    again = units.open_cut_order(actor=A, property_id=p.pk, level="meter_stand")
    assert _close(api, again, team).json()["code"] == "already_cut"
    # a suppression comes back only through a new connection, never a reconnection order
    with pytest.raises(Conflict) as exc:
        units.open_reconnection_order(actor=A, property_id=p.pk)
    assert exc.value.code == "cut_level_mismatch"


def test_sewer_cut_and_reconnection(api) -> None:
    _codes()
    team = f.team()
    p, sewer = _connected("sewer")
    assert (
        _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="sewer"), team).status_code == 200
    )
    sewer.refresh_from_db()
    assert sewer.situation == "cut"
    order = units.open_reconnection_order(actor=A, property_id=p.pk, kind="sewer")
    assert order.code.code == "RELIG-E"
    assert _close(api, order, team).status_code == 200
    sewer.refresh_from_db()
    assert sewer.situation == "connected"
    assert ConnectionEvent.objects.filter(
        connection=sewer, situation_from="cut", situation_to="connected"
    ).exists()


def test_one_action_reconnection_api_answers_the_order_once_and_refuses_without_a_cut(
    api, alpha_client
) -> None:
    _codes()
    team = f.team()
    p, _ = _connected()
    url = f"/api/v1/properties/{p.pk}/reconnection-order"
    assert api.post(url).status_code == 409  # no cut: the wrong phase
    assert not ServiceOrder.objects.filter(property=p).exists()
    _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="meter_stand"), team)
    first = api.post(url)
    assert first.status_code == 201
    assert first.json()["code"] == "RELIG-C"
    second = api.post(url)
    assert (second.status_code, second.json()["id"]) == (200, first.json()["id"])
    assert CutRecord.objects.get(property=p).phase == "reconnection_ordered"
    # a user without the profile
    make_user("alpha", "leitor", PASSWORD)
    headers = bearer(alpha_client, "leitor", PASSWORD)
    assert alpha_client.post(url, {}, content_type="application/json", **headers).status_code == 403
    assert ServiceOrder.objects.filter(property=p, code__code="RELIG-C").count() == 1


def test_the_page_button_issues_the_reconnection(api, alpha_client) -> None:
    _codes()
    team = f.team()
    p, _ = _connected()
    _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="branch"), team)
    alpha_client.login(username="chefe", password=PASSWORD)
    page = alpha_client.get(f"/servicos/atendimento/imovel/{p.pk}/")
    assert "Emitir religação" in page.content.decode()
    answer = alpha_client.post(f"/servicos/atendimento/imovel/{p.pk}/religacao/")
    order = ServiceOrder.objects.get(property=p, code__code="RELIG-R")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/servicos/ordens/{order.pk}/")


def test_paying_the_debts_opens_the_reconnection_once_even_when_issued_at_the_counter(api) -> None:
    set_company_code()
    _codes()
    team = f.team()
    p, _ = _connected()
    owed = cf.bill(p, "80.00", dt.date(2026, 3, 10))
    also = cf.bill(p, "45.50", dt.date(2026, 2, 10))
    _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="meter_stand"), team)
    from modules.collection import services as collection

    # one of two overdue bills paid: still owing, no reconnection
    collection.payment_register(
        actor=A, barcode=also.barcode, amount=Decimal("45.50"), paid_on=dt.date(2026, 4, 17)
    )
    assert not ServiceOrder.objects.filter(property=p, code__code="RELIG-C").exists()
    # the attendant issued it by hand on the customer's receipt (S10.8-01) …
    manual = units.open_reconnection_order(actor=A, property_id=p.pk)
    # … and the later settlement of the last debt does not issue a second one (S10.8-02)
    collection.payment_register(
        actor=A, barcode=owed.barcode, amount=Decimal("80.00"), paid_on=dt.date(2026, 4, 17)
    )
    assert list(
        ServiceOrder.objects.filter(property=p, code__code="RELIG-C").values_list("id", flat=True)
    ) == [manual.pk]


def test_settling_the_last_debt_opens_the_reconnection_by_itself(api) -> None:
    set_company_code()
    _codes()
    team = f.team()
    p, _ = _connected()
    owed = cf.bill(p, "80.00", dt.date(2026, 3, 10))
    _close(api, units.open_cut_order(actor=A, property_id=p.pk, level="branch"), team)
    from modules.collection import services as collection

    collection.payment_register(
        actor=A, barcode=owed.barcode, amount=Decimal("80.00"), paid_on=dt.date(2026, 4, 17)
    )
    record = CutRecord.objects.get(property=p)
    assert record.phase == "reconnection_ordered"
    assert record.reconnection_order.code.code == "RELIG-R"


def _meter(number: str):
    return metering.meter_create(
        actor=A,
        number=number,
        today=dt.date(2026, 4, 17),
        manufacturer="Elster",
        model="S220",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2025,
        calibrated_on=dt.date(2025, 3, 1),
    )


def test_a_meter_swap_closed_in_the_field_updates_metering_in_the_same_transaction(api) -> None:
    f.code("TROCA", description="Troca de hidrômetro", price="0.00")
    units.code_effect_set(actor=A, code="TROCA", effect="meter_swap")
    team = f.team()
    p, sc = _connected()
    old = _meter("Y25A000001")
    new = _meter("Y25A000002")
    metering.meter_install(
        actor=A,
        meter=old,
        connection_obj=sc,
        installed_on=dt.date(2025, 6, 1),
        initial_reading=0,
        today=dt.date(2026, 4, 17),
    )
    order = orders.order_open(actor=A, code="TROCA", property_id=p.pk)
    # the closing must carry the new meter and the readings: refused, nothing written
    bad = _close(api, order, team, field_data={"meter_number": "Y25A000002"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "field_data.final_reading"
    order.refresh_from_db()
    assert order.status == "pending"
    assert Installation.objects.get(connection=sc, removed_on__isnull=True).meter_id == old.pk

    done = _close(
        api,
        order,
        team,
        field_data={
            "meter_number": "y25a000002",
            "final_reading": 412,
            "initial_reading": 3,
            "destination": "stock",
        },
    )
    assert done.status_code == 200
    removed = Installation.objects.get(meter=old)
    installed = Installation.objects.get(connection=sc, removed_on__isnull=True)
    assert (removed.removed_on, removed.final_reading) == (dt.date(2026, 4, 17), 412)
    assert (installed.meter_id, installed.initial_reading, installed.installed_on) == (
        new.pk,
        3,
        dt.date(2026, 4, 17),
    )
    assert ServiceConnection.objects.get(pk=sc.pk).metered
