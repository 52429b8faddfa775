"""S10.5-03: a property's timeline of status-changing records (the page
/servicos/atendimento/imovel/<id>/linha-do-tempo/ and GET /api/v1/properties/{id}/timeline?type=a,b):
events of each type, filtered by each type; a type the profile does not grant is neither shown nor
queried; the query count does not grow with the events."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from modules.access.models import Profile, ProfileGrant
from modules.billing.models import Bill
from modules.common.audit import SystemActor
from modules.debt import services as debt
from modules.debt.models import InstallmentPolicyVersion
from modules.debt.notices import block_create
from modules.metering.models import Installation, Meter
from modules.registry.models import ConnectionEvent, PropertyStatusChange
from modules.service.models import Attendance, CutRecord, ServiceRequest
from modules.service.models_channels import Call
from modules.service.services.orders import order_open
from modules.service.timeline import TYPES
from tests.billing.factories import billable, group
from tests.collection import factories as cf
from tests.conftest import bearer, make_user

from . import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")

PASSWORD = "Senha-forte-123"
TODAY = dt.date(2026, 4, 17)
ACTOR = SystemActor("tests")
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC), tick=False):
        yield


def _user(username: str, grants: tuple[str, ...] | None) -> None:
    if grants is None:
        make_user("alpha", username, PASSWORD, is_admin=True)
        return
    profile = Profile.objects.create(name=f"Perfil {username}")
    for function in grants:
        ProfileGrant.objects.create(profile=profile, function=function, can_view=True)
    make_user("alpha", username, PASSWORD).profiles.add(profile)


def _property_with_events(n: int) -> Any:
    """A metered property with `n` events of each repeatable type, a meter swap, a cut and its
    reconnection, and an installment agreement."""
    prop = billable(group(89))
    water = prop.connections.get(kind="water")
    first = water.installations.get()
    Installation.objects.filter(pk=first.pk).update(
        removed_on=dt.date(2026, 2, 10), final_reading=812, removal_reason="parado", removed_by="ana"
    )
    meter = Meter.objects.create(
        number=f"SW{next(_seq):08d}",
        manufacturer="Elster",
        capacity="1.50",
        diameter_mm=20,
        metrological_class="B",
        manufacture_year=2024,
        dials=5,
        status="installed",
    )
    Installation.objects.create(
        meter=meter,
        connection=water,
        installed_on=dt.date(2026, 2, 10),
        initial_reading=0,
        installed_by="ana",
    )
    user = make_user("alpha", f"atendente{next(_seq)}")
    code = f.code(f"C{next(_seq):03d}")
    for i in range(n):
        k = next(_seq)
        ConnectionEvent.objects.create(
            connection=water,
            situation_from="connected",
            situation_to="cut",
            on=dt.date(2026, 1, 1 + i),
            actor="ana",
        )
        PropertyStatusChange.objects.create(
            property=prop, status="active", since=dt.date(2025, 1, 1 + i), actor="ana"
        )
        ServiceRequest.objects.create(
            protocol=f"2026{k:08d}",
            kind="service",
            type_code="other",
            property=prop,
            requester_name="Joana",
            description="Pedido",
            channel="web",
        )
        order_open(actor=ACTOR, code=code.code, property_id=prop.pk)
        Attendance.objects.create(
            protocol=f"2026{500000 + k:07d}"[:12],
            channel="phone",
            attendant=user,
            property=prop,
            started_at=timezone.now() - dt.timedelta(days=i + 1),
            ended_at=timezone.now() - dt.timedelta(days=i + 1) + dt.timedelta(minutes=5),
            closing="resolved",
        )
        Call.objects.create(
            call_id=f"call-{k}", caller="15999990000", started_at=timezone.now(), property=prop
        )
        bill = cf.bill(prop, "50.00", dt.date(2025, 8 + i, 10), reference=dt.date(2025, 7 + i, 1))
        Bill.objects.filter(pk=bill.pk).update(
            status="cancelled", cancelled_at=timezone.now(), cancel_reason="leitura errada"
        )
        rebill = cf.bill(prop, "40.00", dt.date(2025, 8 + i, 10), reference=bill.reference)
        Bill.objects.filter(pk=rebill.pk).update(replaces=bill)
    cut_order = order_open(actor=ACTOR, code=code.code, property_id=prop.pk)
    CutRecord.objects.create(
        property=prop,
        connection=water,
        level="meter_stand",
        phase="reconnected",
        cut_order=cut_order,
        cut_on=dt.date(2026, 3, 1),
        reconnection_order=cut_order,
        reconnected_on=dt.date(2026, 3, 5),
    )
    InstallmentPolicyVersion.objects.update(min_down_payment_rate=Decimal("0"), min_installment=Decimal("1"))
    cf.bill(prop, "876.54", dt.date(2025, 3, 10), dt.date(2025, 2, 1))
    debt.agreement_create(actor=ACTOR, property_id=prop.pk, down_payment=Decimal("0"), count=2, as_of=TODAY)
    # a collection action (issue #16): a block of the unit on its history
    block_create(actor=ACTOR, property_id=prop.pk, scope="both", ends_on=None, reason="Liminar", today=TODAY)
    return prop


def test_every_type_is_returned_and_filtering_by_each_type_returns_exactly_that_type(alpha_client) -> None:
    client = alpha_client
    prop = _property_with_events(1)
    _user("admin", None)
    headers = bearer(client, "admin", PASSWORD)
    body = client.get(f"/api/v1/properties/{prop.pk}/timeline", **headers).json()
    assert set(body["types"]) == set(TYPES)
    events = body["events"]
    assert {e["type"] for e in events} == set(TYPES)
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    summaries = " | ".join(e["summary"] for e in events)
    assert "Troca: instalado" in summaries and "Retirado o hidrômetro" in summaries
    assert (
        "Religação" in summaries
        and "cancelada – leitura errada" in summaries
        and "Refaturamento" in summaries
    )
    for kind in TYPES:
        only = client.get(f"/api/v1/properties/{prop.pk}/timeline?type={kind}", **headers).json()["events"]
        assert only and {e["type"] for e in only} == {kind}, kind
    two = client.get(f"/api/v1/properties/{prop.pk}/timeline?type=meters,cuts", **headers).json()["events"]
    assert {e["type"] for e in two} == {"meters", "cuts"}
    # the page: checkboxes of the types, filtered by a GET form
    assert client.post("/conta/entrar/", {"username": "admin", "password": PASSWORD}).status_code == 302
    page = client.get(
        f"/servicos/atendimento/imovel/{prop.pk}/linha-do-tempo/?type=agreements"
    ).content.decode()
    assert 'name="type" value="meters"' in page and 'data-type="agreements"' in page
    assert 'data-type="meters"' not in page
    assert "linha-do-tempo" in client.get(f"/servicos/atendimento/imovel/{prop.pk}/").content.decode()


def test_a_type_the_profile_does_not_grant_is_neither_shown_nor_queried(alpha_client) -> None:
    client = alpha_client
    prop = _property_with_events(1)
    _user("balcao", ("registry.properties", "service.attendances"))
    headers = bearer(client, "balcao", PASSWORD)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"/api/v1/properties/{prop.pk}/timeline", **headers).json()
    assert set(body["types"]) == {"connections", "status", "protocols", "attendances"}
    assert {e["type"] for e in body["events"]} == {"connections", "status", "protocols", "attendances"}
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in (
        Call._meta.db_table,
        CutRecord._meta.db_table,
        Installation._meta.db_table,
        "debt_agreement",
    ):
        assert table not in sql, table
    # asking for it explicitly does not reveal it either
    asked = client.get(f"/api/v1/properties/{prop.pk}/timeline?type=calls,bills", **headers).json()
    assert asked["events"] == []
    assert client.post("/conta/entrar/", {"username": "balcao", "password": PASSWORD}).status_code == 302
    page = client.get(f"/servicos/atendimento/imovel/{prop.pk}/linha-do-tempo/").content.decode()
    assert 'value="calls"' not in page and 'value="protocols"' in page and 'data-type="orders"' not in page


def test_the_query_count_does_not_grow_with_the_number_of_events(alpha_client) -> None:
    client = alpha_client
    few, many = _property_with_events(1), _property_with_events(4)
    _user("admin", None)
    headers = bearer(client, "admin", PASSWORD)
    client.get(f"/api/v1/properties/{few.pk}/timeline", **headers)  # warm the per-process caches
    counts = []
    for prop in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/properties/{prop.pk}/timeline", **headers)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert (
        len(client.get(f"/api/v1/properties/{many.pk}/timeline?type=protocols", **headers).json()["events"])
        == 4
    )


def test_an_unknown_type_is_a_400_in_pt_br_naming_the_field_type(alpha_client) -> None:
    client = alpha_client
    prop = _property_with_events(1)
    _user("admin", None)
    headers = bearer(client, "admin", PASSWORD)
    response = client.get(f"/api/v1/properties/{prop.pk}/timeline?type=orders,multas", **headers)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "type" and "Tipo de evento desconhecido: multas" in body["detail"]
    assert client.get("/api/v1/properties/999999/timeline", **headers).status_code == 404
    assert client.post("/conta/entrar/", {"username": "admin", "password": PASSWORD}).status_code == 302
    page = client.get(f"/servicos/atendimento/imovel/{prop.pk}/linha-do-tempo/?type=multas")
    assert page.status_code == 400 and "Tipo de evento desconhecido" in page.content.decode()
