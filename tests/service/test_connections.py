"""A new connection from the counter to its first bill (seed002 §8, ADR 0183), through the services
the pages and APIs call: request with documents → feasibility order → budget → fee on the bill →
execution order with a stock meter → connection connected → first billing run carries the fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from modules.billing.models import Bill, RunChunk
from modules.billing.services import runs
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.metering.services import meter_create
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import City, Locality, Neighbourhood, Sector, ServiceConnection, Street
from modules.service.models import ConnectionRequest, PendingCharge, StreetSector, WorkflowInstance
from modules.service.models import Sector as ServiceSector
from modules.service.services import connections as cx
from modules.service.services import connections2 as cx2
from modules.service.services import orders
from tests.billing import factories as bf
from tests.registry import factories as rf

from . import factories as f

JULY = YearMonth(2025, 7)


def world() -> dict:
    bf.set_company_code("0562")
    bf.approved_tariff()
    group = bf.group()
    bf.schedule(group, JULY)
    f.code("VIAB", price=None, billing_type="not_billable", price_from=dt.date(2025, 1, 1))
    f.code("LIGN", price="180.00", max_installments=3, price_from=dt.date(2025, 1, 1))
    cx.workflow_seed(actor=f.ACTOR, feasibility_code="VIAB", execution_code="LIGN")
    city = City.objects.order_by("id").first()
    street, _ = Street.objects.get_or_create(city=city, street_type="Rua", name="das Palmeiras")
    hood, _ = Neighbourhood.objects.get_or_create(city=city, name="Centro")
    locality, _ = Locality.objects.get_or_create(code=1, defaults={"city": city, "name": "Sede"})
    sector, _ = Sector.objects.get_or_create(locality=locality, code=3, defaults={"name": "Setor 3"})
    StreetSector.objects.get_or_create(street=street, defaults={"sector": sector})
    area = ServiceSector.objects.create(name="Ligações")
    team = f.team(sector=area)
    return {"group": group, "street": street, "hood": hood, "team": team, "sector": sector, "area": area}


def data(w: dict, **over) -> cx.RequestInput:
    fields = {
        "requester_name": "Maria da Silva",
        "requester_document": rf.cpf(),
        "phone": "15999990000",
        "street_id": w["street"].pk,
        "street_number": "45",
        "kind": "water",
        "neighbourhood_id": w["hood"].pk,
        "block": 7,
        "lot": 45,
        "billing_group_id": w["group"].pk,
        "route_id": w["group"].routes.first().pk,
        "documents": cx.checklist("water"),
    } | over
    return cx.RequestInput(**fields)


def test_counter_to_first_bill_with_the_fee(tenant_alpha) -> None:
    w = world()
    with time_machine.travel(dt.datetime(2025, 7, 10, 13, tzinfo=dt.UTC), tick=False):
        meter = meter_create(
            actor=f.ACTOR,
            number="Y25N000777",
            manufacturer="Elster",
            model="S220",
            capacity="1.5",
            diameter_mm=20,
            metrological_class="B",
            manufacture_year=2025,
            calibrated_on=dt.date(2025, 3, 1),
        )
        req = cx.request_register(actor=f.ACTOR, data=data(w))
        assert req.status == "feasibility"
        water = ServiceConnection.objects.get(property=req.target, kind="water")
        assert water.situation == "potential"
        orders.order_close(
            actor=f.ACTOR,
            order_id=req.feasibility_order_id,
            executed=True,
            executed_at=dt.datetime(2025, 7, 10, 13, tzinfo=dt.UTC),
            team_id=w["team"].pk,
        )
        req.refresh_from_db()
        assert (req.status, req.fee) == ("budget", Decimal("180.00"))
        with pytest.raises(ValidationFailed) as too_many:
            cx.request_settle(actor=f.ACTOR, request_id=req.pk, settlement="bill", installments=4)
        assert too_many.value.field == "installments"
        req = cx.request_settle(actor=f.ACTOR, request_id=req.pk, settlement="bill", installments=2)
        assert req.status == "execution" and req.execution_order is not None
        req = cx.request_complete(
            actor=f.ACTOR,
            request_id=req.pk,
            team_id=w["team"].pk,
            executed_at=dt.datetime(2025, 7, 10, 13, tzinfo=dt.UTC),
            meter_id=meter.pk,
        )
        assert req.status == "provisional"
        req = cx2.request_activate(
            actor=f.ACTOR, request_id=req.pk, usage="RES", service_type="water", economies=1
        )
    assert req.status == "active"
    water.refresh_from_db()
    assert (water.situation, water.metered) == ("connected", True)
    assert WorkflowInstance.objects.get(request=req).position == 6
    home = req.target
    with time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=True):
        reading_register(actor=f.ACTOR, data=ReadingInput(home.account_number, JULY, JULY.day(28), 9, ""))
        run = runs.run_create(actor=f.ACTOR, group=w["group"], reference=JULY, chunk_size=10, enqueue=False)
        for chunk_id in RunChunk.objects.filter(run=run).values_list("id", flat=True):
            runs.chunk_process(chunk_id=chunk_id)
    bill = Bill.objects.get(run=run, property=home)
    fee = [(i.amount, i.description[-11:]) for i in bill.items.all() if i.source == "service.charge"]
    assert fee == [(Decimal("90.00"), "parcela 1/2")]  # settled on the bill in 2 installments


def test_counter_rules_refuse_in_portuguese(tenant_alpha) -> None:
    w = world()
    with pytest.raises(ValidationFailed) as docs:
        cx.request_register(actor=f.ACTOR, data=data(w, documents=cx.checklist("water")[:1]))
    assert docs.value.field == "documents" and "Confira todos os documentos" in docs.value.message
    bare = Street.objects.create(city=w["street"].city, street_type="Rua", name="Sem Setor")
    with pytest.raises(ValidationFailed) as sector:
        cx.request_register(actor=f.ACTOR, data=data(w, street_id=bare.pk))
    assert sector.value.field == "street" and "não está associado a um setor" in sector.value.message
    with pytest.raises(ValidationFailed) as sewer:
        cx.request_register(actor=f.ACTOR, data=data(w, kind="sewer", street_number="99"))
    assert "esgoto exige uma ligação de água hidrometrada" in sewer.value.message
    cx.request_register(actor=f.ACTOR, data=data(w))
    with pytest.raises(Conflict) as dup:
        cx.request_register(actor=f.ACTOR, data=data(w, lot=46))
    assert dup.value.field == "street_number" and "pendente" in dup.value.message
    assert ConnectionRequest.objects.count() == 1


def test_paid_at_the_counter_waits_for_payment_and_is_not_billed(tenant_alpha) -> None:
    w = world()
    req = cx.request_register(actor=f.ACTOR, data=data(w, street_number="12", lot=12))
    orders.order_close(
        actor=f.ACTOR,
        order_id=req.feasibility_order_id,
        executed=True,
        executed_at=req.created_at + dt.timedelta(minutes=1),
        team_id=w["team"].pk,
    )
    req = cx.request_settle(actor=f.ACTOR, request_id=req.pk, settlement="paid")
    assert req.status == "awaiting_payment" and req.execution_order is None
    with pytest.raises(Conflict) as early:
        cx.request_complete(
            actor=f.ACTOR,
            request_id=req.pk,
            team_id=w["team"].pk,
            executed_at=req.created_at,
            meter_id=0,
        )
    assert "taxa paga ou parcelada" in early.value.message
    req = cx.request_confirm_payment(actor=f.ACTOR, request_id=req.pk)
    orders.order_close(
        actor=f.ACTOR,
        order_id=req.execution_order_id,
        executed=True,
        executed_at=req.created_at + dt.timedelta(minutes=2),
        team_id=w["team"].pk,
    )
    charges = PendingCharge.objects.filter(order_id=req.execution_order_id)
    assert [c.cancelled_at is not None for c in charges] == [True]


PASSWORD = "Senha-forte-123"


def test_the_api_walks_a_request_and_refuses_an_early_installation(tenant_alpha, alpha_client) -> None:
    from modules.metering.services import meter_create
    from tests.conftest import bearer, make_user

    w = world()
    make_user("alpha", "balcao", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "balcao", PASSWORD)
    d = data(w, street_number="77", lot=77)
    body = {k: v for k, v in d.__dict__.items() if k not in ("locality", "category")}
    created = alpha_client.post(
        "/api/v1/service/connection-requests", body, content_type="application/json", **headers
    )
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["status"] == "feasibility" and out["workflow"]["position"] == 2
    again = alpha_client.post(
        "/api/v1/service/connection-requests", body, content_type="application/json", **headers
    )
    assert again.status_code == 409 and "pendente" in again.json()["detail"]
    early = alpha_client.post(
        f"/api/v1/service/connection-requests/{out['id']}/complete",
        {"team_id": w["team"].pk, "executed_at": "2026-01-01T10:00:00-03:00", "meter_id": 1},
        content_type="application/json",
        **headers,
    )
    assert early.status_code == 409 and "taxa paga ou parcelada" in early.json()["detail"]
    req = ConnectionRequest.objects.get(pk=out["id"])
    orders.order_close(
        actor=f.ACTOR,
        order_id=req.feasibility_order_id,
        executed=True,
        executed_at=req.created_at + dt.timedelta(minutes=1),
        team_id=w["team"].pk,
    )
    settled = alpha_client.post(
        f"/api/v1/service/connection-requests/{req.pk}/settle",
        {"settlement": "bill", "installments": 3},
        content_type="application/json",
        **headers,
    )
    assert settled.status_code == 200 and settled.json()["status"] == "execution"
    meter = meter_create(
        actor=f.ACTOR,
        number="Y26N000778",
        manufacturer="Elster",
        model="S220",
        capacity="1.5",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2025,
        calibrated_on=dt.date(2025, 3, 1),
    )
    done = alpha_client.post(
        f"/api/v1/service/connection-requests/{req.pk}/complete",
        {
            "team_id": w["team"].pk,
            "executed_at": (req.created_at + dt.timedelta(minutes=2)).isoformat(),
            "meter_id": meter.pk,
        },
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "provisional"
    # S8.5-05: the activation belongs to the area that closed the execution order
    from modules.service.models import Team, TeamMember

    other = make_user("alpha", "outraarea", PASSWORD, is_admin=True)
    TeamMember.objects.create(
        team=f.team("Equipe Pavimento", sector=ServiceSector.objects.create(name="Pavimentação")),
        user=other,
        start=dt.date(2020, 1, 1),
    )
    activate = f"/api/v1/service/connection-requests/{req.pk}/activate"
    body_ok = {"usage": "RES", "service_type": "water", "economies": 1}
    elsewhere = alpha_client.post(
        activate, body_ok, content_type="application/json", **bearer(alpha_client, "outraarea", PASSWORD)
    )
    assert elsewhere.status_code == 403 and "área que encerrou a OS" in elsewhere.json()["detail"]
    missing = alpha_client.post(
        activate, {"usage": "RES", "service_type": "water"}, content_type="application/json", **headers
    )
    assert missing.status_code == 400 and "economies" in missing.content.decode()
    from modules.access.models import User

    balcao = User.objects.get(username="balcao")
    TeamMember.objects.create(team=Team.objects.get(pk=w["team"].pk), user=balcao, start=dt.date(2020, 1, 1))
    done = alpha_client.post(
        f"/api/v1/service/connection-requests/{req.pk}/activate",
        {"usage": "RES", "service_type": "water", "economies": 1},
        content_type="application/json",
        **headers,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "active"
    assert ServiceConnection.objects.get(property=req.target, kind="water").situation == "connected"


def test_the_seed_and_the_workflows_page(tenant_alpha, alpha_client) -> None:
    from modules.service.models import WorkflowStep
    from modules.service.seed import seed_reference_data
    from tests.conftest import make_user

    seed_reference_data()
    seed_reference_data()
    step = WorkflowStep.objects.get(definition__name=cx.WATER_WORKFLOW, checkpoint="feasibility")
    assert step.service_code == "VIAB"
    assert len(cx.checklist("water")) == 4
    f.code("VIST2", price=None, billing_type="not_billable")
    make_user("alpha", "gestora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD})
    page = alpha_client.get("/servicos/ligacoes/fluxos/").content.decode()
    assert "Ligação nova de água" in page
    alpha_client.post(
        "/servicos/ligacoes/fluxos/",
        {"step": step.pk, "title": "Vistoria de viabilidade", "service_code": "vist2"},
    )
    step.refresh_from_db()
    assert (step.title, step.service_code) == ("Vistoria de viabilidade", "VIST2")
    alpha_client.post(
        "/servicos/ligacoes/fluxos/", {"step": step.pk, "title": "x", "service_code": "NAOEXISTE"}
    )
    step.refresh_from_db()
    assert step.service_code == "VIST2"


def test_a_refusal_after_the_checks_leaves_no_property_customer_or_connection(tenant_alpha) -> None:
    """The feasibility order is refused (its code was deactivated) after the holder, the property
    and its connection were pre-registered: the whole request rolls back, nothing half-written."""
    from modules.registry.models import Customer, Property
    from modules.service.models import ServiceCode

    w = world()
    ServiceCode.objects.filter(code="VIAB").update(is_active=False)
    counts = (Property.objects.count(), Customer.objects.count(), ServiceConnection.objects.count())
    with pytest.raises(ValidationFailed):
        cx.request_register(actor=f.ACTOR, data=data(w))
    assert (Property.objects.count(), Customer.objects.count(), ServiceConnection.objects.count()) == counts
    assert ConnectionRequest.objects.count() == 0
