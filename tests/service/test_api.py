"""The staff API of service, as other tools call it: service codes with their price table, teams,
orders opened with a deadline on the utility's calendar, scheduled, postponed and closed into
pending charges for the property's next bill. Refusals answer a code and a pt-BR message naming the
field, and write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from modules.billing.models import Bill, BillItem
from modules.common.domain.dates import YearMonth
from modules.common.models import AuditEntry
from modules.service.models import (
    ExecutedService,
    MaterialUsage,
    OrderEvent,
    PendingCharge,
    ServiceCode,
    ServiceOrder,
    ServicePrice,
    Team,
)
from modules.service.selectors import charge_items
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
SP = ZoneInfo("America/Sao_Paulo")
FRIDAY_10H = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)  # Tuesday 21/04 is Tiradentes


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    class Api:
        def get(self, path: str, **params):
            return alpha_client.get(path, params, **headers)

        def post(self, path: str, body: dict):
            return alpha_client.post(path, body, content_type="application/json", **headers)

    return Api()


def test_create_a_service_code_with_its_price_and_list_it(api) -> None:
    created = api.post(
        "/api/v1/service/codes",
        {
            "code": "lig01",
            "description": "Ligação de água",
            "billing_type": "mandatory",
            "deadline": {"value": 2, "unit": "business_days"},
            "price": "35.00",
            "max_postponements": 2,
            "print_layouts": ["Padrão", "Campo"],
            "accounting_rubric": "4.1.2.01",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "LIG01" and body["price"] == "35.00"
    assert body["deadline"] == {"value": 2, "unit": "business_days"}
    assert body["prices"] == [{"valid_from": "2026-04-17", "price": "35.00"}]
    listed = api.get("/api/v1/service/codes").json()
    assert listed["count"] == 1 and listed["results"][0]["max_postponements"] == 2
    assert AuditEntry.objects.filter(action="service.code_create", object_id=str(body["id"])).exists()


def test_a_duplicate_code_or_seven_layouts_are_refused_and_nothing_is_written(api) -> None:
    f.code("LIG01")
    again = api.post(
        "/api/v1/service/codes",
        {
            "code": "LIG01",
            "description": "x",
            "billing_type": "optional",
            "deadline": {"value": 1, "unit": "hours"},
        },
    )
    assert again.status_code == 400
    assert again.json()["code"] == "duplicate" and again.json()["field"] == "code"
    seven = api.post(
        "/api/v1/service/codes",
        {
            "code": "VIS01",
            "description": "Vistoria",
            "billing_type": "not_billable",
            "deadline": {"value": 8, "unit": "hours"},
            "print_layouts": [f"L{i}" for i in range(7)],
        },
    )
    assert seven.status_code == 400
    assert seven.json()["code"] == "too_many_print_layouts"
    assert "no máximo 6" in seven.json()["detail"]
    assert not ServiceCode.objects.filter(code="VIS01").exists()


def test_the_price_table_keeps_its_history_and_answers_the_price_in_force(api) -> None:
    f.code("LIG01", price="30.00", price_from=dt.date(2026, 1, 1))
    raised = api.post("/api/v1/service/codes/LIG01/prices", {"valid_from": "2026-05-01", "price": "35.00"})
    assert raised.status_code == 201
    assert [p["price"] for p in raised.json()["prices"]] == ["35.00", "30.00"]
    assert raised.json()["price"] == "30.00"  # today the old price still holds
    assert api.get("/api/v1/service/codes/LIG01/price", on="2026-05-01").json()["price"] == "35.00"
    assert api.get("/api/v1/service/codes/LIG01/price", on="2026-04-30").json()["price"] == "30.00"
    none = api.get("/api/v1/service/codes/LIG01/price", on="2025-12-31")
    assert none.status_code == 400
    assert none.json()["code"] == "no_price_in_force"
    assert "não tem preço em vigor em 31/12/2025" in none.json()["detail"]


def test_materials_and_their_price_table(api) -> None:
    created = api.post(
        "/api/v1/service/materials",
        {"code": "tubo20", "description": "Tubo 20 mm", "unit": "m", "price": "12.50"},
    )
    assert created.status_code == 201 and created.json()["code"] == "TUBO20"
    raised = api.post(
        "/api/v1/service/materials/TUBO20/prices", {"valid_from": "2026-05-01", "price": "13.10"}
    )
    assert raised.json()["prices"] == [
        {"valid_from": "2026-05-01", "price": "13.10"},
        {"valid_from": "2026-04-17", "price": "12.50"},
    ]
    bad = api.post("/api/v1/service/materials", {"code": "X", "description": "x", "unit": "barril"})
    assert bad.status_code == 400 and bad.json()["field"] == "unit"
    assert api.get("/api/v1/service/materials").json()["count"] == 1


def test_teams_are_created_and_listed_with_their_members(api) -> None:
    created = api.post("/api/v1/service/teams", {"name": "Equipe Norte"})
    assert created.status_code == 201 and created.json()["name"] == "Equipe Norte"
    worker = make_user("alpha", "joao.campo", PASSWORD, full_name="João do Campo")
    team_id = created.json()["id"]
    joined = api.post(f"/api/v1/service/teams/{team_id}/members", {"user": worker.pk, "start": "2026-04-01"})
    assert joined.status_code == 201
    assert joined.json()["members"] == [
        {"user": worker.pk, "name": "João do Campo", "start": "2026-04-01", "end": None}
    ]
    overlap = api.post(f"/api/v1/service/teams/{team_id}/members", {"user": worker.pk, "start": "2026-04-10"})
    assert overlap.status_code == 400 and overlap.json()["code"] == "member_overlap"
    assert api.get("/api/v1/service/teams").json()["results"][0]["name"] == "Equipe Norte"
    assert api.post("/api/v1/service/teams", {"name": "equipe norte"}).json()["code"] == "duplicate"


def test_open_an_order_due_in_two_business_days_over_the_weekend_and_tiradentes(api) -> None:
    f.code("LIG01")
    prop = reg.prop()
    opened = api.post(
        "/api/v1/service/orders", {"property": prop.pk, "code": "LIG01", "opened_at": FRIDAY_10H.isoformat()}
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["number"] == "2026/000001" and body["status"] == "pending"
    assert body["due_at"] == "2026-04-22T10:00:00-03:00"  # Mon 20 is one, Tue 21 a holiday, Wed 22 two
    second = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    assert second["number"] == "2026/000002"
    assert second["opened_at"] == "2026-04-17T13:00:00-03:00"


def test_an_hours_deadline_crosses_midnight(api) -> None:
    f.code(
        "VAZ01",
        description="Vazamento na rede",
        deadline_value=6,
        deadline_unit="hours",
        billing_type="not_billable",
    )
    prop = reg.prop()
    night = dt.datetime(2026, 4, 16, 21, 30, tzinfo=SP)
    body = api.post(
        "/api/v1/service/orders", {"property": prop.pk, "code": "VAZ01", "opened_at": night.isoformat()}
    ).json()
    assert body["due_at"] == "2026-04-17T03:30:00-03:00"
    assert body["overdue"] is True  # it is 13:00 now


def test_open_with_a_breakdown_and_rework_an_executed_order(api) -> None:
    f.code("LIG01")
    f.code("REP01", description="Reposição de passeio", billing_type="not_billable", price=None)
    team = f.team()
    prop = reg.prop()
    opened = api.post(
        "/api/v1/service/orders", {"property": prop.pk, "code": "LIG01", "breakdown": ["REP01"]}
    )
    assert opened.status_code == 201
    body = opened.json()
    assert [(c["code"], c["parent"], c["link"]) for c in body["children"]] == [
        ("REP01", body["id"], "breakdown")
    ]
    api.post(
        f"/api/v1/service/orders/{body['id']}/close",
        {"executed": True, "executed_at": "2026-04-17T13:00:00-03:00", "team": team.pk},
    )
    rework = api.post(f"/api/v1/service/orders/{body['id']}/rework", {"reason": "Vazamento no cavalete"})
    assert rework.status_code == 201
    assert (rework.json()["link"], rework.json()["parent"], rework.json()["status"]) == (
        "rework",
        body["id"],
        "pending",
    )


def test_numbers_restart_each_year(api) -> None:
    f.code("LIG01", price_from=dt.date(2025, 1, 1))
    prop = reg.prop()
    old = api.post(
        "/api/v1/service/orders",
        {"property": prop.pk, "code": "LIG01", "opened_at": "2025-12-31T23:30:00-03:00"},
    ).json()
    new = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    assert (old["number"], new["number"]) == ("2025/000001", "2026/000001")


def test_an_order_needing_approval_waits_suspended_until_released(api) -> None:
    f.code("AMP01", description="Ampliação de rede", needs_approval=True)
    team = f.team()
    prop = reg.prop()
    order = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "AMP01"}).json()
    assert order["status"] == "suspended_for_approval"
    refused = api.post(
        f"/api/v1/service/orders/{order['id']}/schedule", {"team": team.pk, "date": "2026-04-20"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    assert ServiceOrder.objects.get(pk=order["id"]).team_id is None
    assert api.post(f"/api/v1/service/orders/{order['id']}/release", {}).json()["status"] == "pending"


def test_schedule_then_postpone_within_the_limit_and_refuse_past_it(api) -> None:
    f.code("LIG01", max_postponements=1)
    team = f.team()
    prop = reg.prop()
    order = api.post(
        "/api/v1/service/orders", {"property": prop.pk, "code": "LIG01", "opened_at": FRIDAY_10H.isoformat()}
    ).json()
    scheduled = api.post(
        f"/api/v1/service/orders/{order['id']}/schedule", {"team": team.pk, "date": "2026-04-20"}
    )
    assert scheduled.json()["status"] == "scheduled" and scheduled.json()["team"] == team.pk
    later = api.post(
        f"/api/v1/service/orders/{order['id']}/postpone",
        {"due_at": "2026-04-24T10:00:00-03:00", "reason": "Cliente ausente"},
    )
    assert later.status_code == 200 and later.json()["postponements"] == 1
    assert later.json()["due_at"] == "2026-04-24T10:00:00-03:00"
    past = api.post(
        f"/api/v1/service/orders/{order['id']}/postpone",
        {"due_at": "2026-04-28T10:00:00-03:00", "reason": "De novo"},
    )
    assert past.status_code == 409 and past.json()["code"] == "postponement_limit"
    row = ServiceOrder.objects.get(pk=order["id"])
    assert row.postponements == 1 and row.due_at == dt.datetime(2026, 4, 24, 10, tzinfo=SP)


def test_closing_without_team_or_time_is_refused_and_nothing_is_written(api) -> None:
    f.code("LIG01")
    team = f.team()
    prop = reg.prop()
    order = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    audits = AuditEntry.objects.count()
    no_team = api.post(
        f"/api/v1/service/orders/{order['id']}/close",
        {"executed": True, "executed_at": "2026-04-17T12:00:00-03:00"},
    )
    assert no_team.status_code == 400
    assert no_team.json()["code"] == "closing_needs_team" and no_team.json()["field"] == "team"
    no_time = api.post(f"/api/v1/service/orders/{order['id']}/close", {"executed": True, "team": team.pk})
    assert no_time.status_code == 400
    assert no_time.json()["code"] == "closing_needs_time" and "data e a hora" in no_time.json()["detail"]
    assert ServiceOrder.objects.get(pk=order["id"]).status == "pending"
    assert not ExecutedService.objects.exists() and not PendingCharge.objects.exists()
    assert OrderEvent.objects.filter(order_id=order["id"]).count() == 1
    assert AuditEntry.objects.count() == audits


def test_a_closing_priced_on_a_date_with_no_price_writes_nothing(api) -> None:
    f.code("LIG01", price_from=dt.date(2026, 4, 17))
    team = f.team()
    prop = reg.prop()
    order = api.post(
        "/api/v1/service/orders",
        {"property": prop.pk, "code": "LIG01", "opened_at": "2026-04-16T08:00:00-03:00"},
    ).json()
    closed = api.post(
        f"/api/v1/service/orders/{order['id']}/close",
        {"executed": True, "executed_at": "2026-04-16T15:00:00-03:00", "team": team.pk},
    )
    assert closed.status_code == 400 and closed.json()["code"] == "no_price_in_force"
    assert "não tem preço em vigor em 16/04/2026" in closed.json()["detail"]
    assert ServiceOrder.objects.get(pk=order["id"]).status == "pending"
    assert not ExecutedService.objects.exists() and not PendingCharge.objects.exists()


def test_close_executed_records_services_and_materials_as_pending_charges(api) -> None:
    f.code("LIG01", charges_materials=True)
    f.code("VIS01", description="Vistoria", billing_type="not_billable", price=None)
    f.material("TUBO20", price="12.50")
    team = f.team()
    prop = reg.prop()
    order = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    closed = api.post(
        f"/api/v1/service/orders/{order['id']}/close",
        {
            "executed": True,
            "executed_at": "2026-04-17T13:00:00-03:00",
            "team": team.pk,
            "services": [{"code": "LIG01", "quantity": "1"}, {"code": "VIS01", "quantity": "1"}],
            "materials": [{"code": "TUBO20", "quantity": "3"}],
            "notes": "Ligação feita no passeio.",
        },
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "executed"
    assert [(c["kind"], c["amount"]) for c in closed.json()["charges"]] == [
        ("service", "35.00"),
        ("material", "37.50"),
    ]
    assert ExecutedService.objects.filter(order_id=order["id"]).count() == 2
    assert MaterialUsage.objects.get(order_id=order["id"]).amount == Decimal("37.50")

    pending = api.get(f"/api/v1/properties/{prop.pk}/pending-items").json()
    assert [(i["source"], i["amount"]) for i in pending["items"]] == [
        ("service.charge", "35.00"),
        ("service.charge", "37.50"),
    ]
    assert pending["total"] == "72.50" and pending["items"][0]["description"].startswith(
        "Ligação de água (OS 2026/"
    )

    # once on a bill that stands, billing's item source no longer offers the charge
    charge = PendingCharge.objects.filter(kind="service").get()
    bill = Bill.objects.create(
        property=prop, reference=dt.date(2026, 4, 1), due_date=dt.date(2026, 5, 10), total=Decimal("35.00")
    )
    BillItem.objects.create(
        bill=bill,
        kind="service",
        description="x",
        amount=Decimal("35.00"),
        source="service.charge",
        source_id=str(charge.pk),
    )
    left = charge_items([prop.pk], YearMonth(2026, 5))[prop.pk]
    assert [i.amount for i in left] == [Decimal("37.50")]


def test_close_not_executed_needs_a_reason_and_charges_nothing(api) -> None:
    f.code("LIG01")
    team = f.team()
    prop = reg.prop()
    order = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    body = {"executed": False, "executed_at": "2026-04-17T13:00:00-03:00", "team": team.pk}
    assert api.post(f"/api/v1/service/orders/{order['id']}/close", body).json()["code"] == "reason_required"
    closed = api.post(f"/api/v1/service/orders/{order['id']}/close", body | {"reason": "Imóvel fechado"})
    assert closed.json()["status"] == "not_executed" and closed.json()["charges"] == []
    assert not PendingCharge.objects.exists()
    again = api.post(f"/api/v1/service/orders/{order['id']}/cancel", {"reason": "x"})
    assert again.status_code == 409


def test_a_large_consumers_cut_goes_only_to_a_special_team(api) -> None:
    f.code("CRT01", description="Corte no cavalete", is_cut=True, billing_type="not_billable", price=None)
    ordinary, special = f.team("Equipe Sul"), f.team("Equipe Especial", special=True)
    prop = reg.prop(special="large_consumer")
    order = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "CRT01"}).json()
    refused = api.post(
        f"/api/v1/service/orders/{order['id']}/schedule", {"team": ordinary.pk, "date": "2026-04-20"}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "special_team_required"
    assert "equipe especial" in refused.json()["detail"]
    ok = api.post(
        f"/api/v1/service/orders/{order['id']}/schedule", {"team": special.pk, "date": "2026-04-20"}
    )
    assert ok.json()["status"] == "scheduled"


def test_the_deadline_queue_sorts_by_priority_then_due_date_and_flags_the_overdue(api) -> None:
    f.code("LIG01", priority=5)
    f.code(
        "VAZ01",
        description="Vazamento",
        priority=1,
        deadline_value=2,
        deadline_unit="hours",
        billing_type="not_billable",
        price=None,
    )
    prop = reg.prop()
    late = api.post(
        "/api/v1/service/orders",
        {"property": prop.pk, "code": "VAZ01", "opened_at": "2026-04-17T08:00:00-03:00"},
    ).json()
    soon = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "VAZ01"}).json()
    normal = api.post("/api/v1/service/orders", {"property": prop.pk, "code": "LIG01"}).json()
    queue = api.get("/api/v1/service/orders").json()["results"]
    assert [o["id"] for o in queue] == [late["id"], soon["id"], normal["id"]]
    assert [o["overdue"] for o in queue] == [True, False, False]
    assert queue[1]["remaining_seconds"] == 7200
    assert [o["id"] for o in api.get("/api/v1/service/orders", overdue="1").json()["results"]] == [late["id"]]


def test_a_user_without_the_function_is_refused(tenant_alpha, alpha_client) -> None:
    make_user("alpha", "sem.perfil", PASSWORD)
    headers = bearer(alpha_client, "sem.perfil", PASSWORD)
    response = alpha_client.post(
        "/api/v1/service/teams", {"name": "X"}, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert not Team.objects.exists()
    assert alpha_client.get("/api/v1/service/orders", **headers).status_code == 403
    assert not ServicePrice.objects.exists()
