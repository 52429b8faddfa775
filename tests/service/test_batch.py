"""Abertura em lote (3.2.11.24): a filtered selection of properties previewed (a count equal to what
the filters find, nothing written), then opened in one transaction under a batch key; the same key
again opens nothing more, from the page and from the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from modules.billing.models import Bill
from modules.common.models import AuditEntry
from modules.metering import services as metering
from modules.registry.models import BillingGroup, Property, Route
from modules.registry.services.connections import connection_create
from modules.service.models import ServiceOrder
from modules.service.models_orders import BatchOpening
from modules.service.services import batch
from tests.collection import factories as cf
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
NOW = dt.datetime(2025, 6, 15, 15, 0, tzinfo=dt.UTC)
TODAY = reg.TODAY
A = f.ACTOR


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


_meters = iter(range(1000, 9999))


def _with_meter(
    prop: Property, *, diameter: int = 20, installed: dt.date = dt.date(2019, 5, 1), year: int = 2018
) -> Any:
    sc = connection_create(
        actor=A, prop=prop, kind="water", situation="connected", since=dt.date(2015, 1, 1), today=TODAY
    )
    meter = metering.meter_create(
        actor=A,
        number=f"Y{next(_meters)}",
        today=TODAY,
        manufacturer="Elster",
        model="S220" if diameter == 20 else "V100",
        capacity="1.5",
        diameter_mm=diameter,
        metrological_class="B",
        manufacture_year=year,
        calibrated_on=dt.date(2024, 3, 1),
    )
    return metering.meter_install(
        actor=A, meter=meter, connection_obj=sc, installed_on=installed, initial_reading=0, today=TODAY
    )


@pytest.fixture
def town(tenant_alpha) -> dict[str, Any]:
    """Six properties: four active residential in group 7 routes 1–3, one commercial, one inactive."""
    group = BillingGroup.objects.create(code=7, name="Grupo 7")
    routes = {n: Route.objects.create(group=group, code=n) for n in (1, 2, 3, 9)}
    centro, vila = reg.neighbourhood("Centro"), reg.neighbourhood("Vila Nova")
    made = {}
    for name, route, hood, cats, status in (
        ("a", 1, centro, (("RES", 1),), "active"),
        ("b", 2, centro, (("RES", 1),), "active"),
        ("c", 3, vila, (("RES", 1),), "active"),
        ("d", 9, vila, (("RES", 1),), "active"),
        ("e", 2, centro, (("COM", 1),), "active"),
        ("g", 2, centro, (("RES", 1),), "inactive"),
    ):
        p = reg.prop(holder=reg.customer(), categories=cats, neighbourhood=hood)
        Property.objects.filter(pk=p.pk).update(billing_group=group, route=routes[route], status=status)
        made[name] = Property.objects.get(pk=p.pk)
    _with_meter(made["a"], diameter=20, installed=dt.date(2016, 1, 10), year=2015)
    _with_meter(made["b"], diameter=20, installed=dt.date(2023, 1, 10), year=2022)
    _with_meter(made["c"], diameter=25, installed=dt.date(2016, 1, 10), year=2015)
    cf.bill(made["b"], "50.00", dt.date(2025, 4, 10))
    cf.bill(made["b"], "50.00", dt.date(2025, 5, 10))
    cf.bill(made["c"], "50.00", dt.date(2025, 5, 10))
    # consumption billed: a's latest bill 35 m³ (an older one 8), d's 12 m³, e's latest cancelled (90)
    Bill.objects.filter(property=made["b"]).update(consumption_m3=20)
    Bill.objects.filter(property=made["c"]).update(consumption_m3=5)
    cf.bill(made["a"], "10.00", dt.date(2025, 3, 10), status="paid")
    Bill.objects.filter(property=made["a"]).update(consumption_m3=8)
    cf.bill(made["a"], "90.00", dt.date(2025, 7, 10), status="paid")
    Bill.objects.filter(property=made["a"], due_date=dt.date(2025, 7, 10)).update(consumption_m3=35)
    cf.bill(made["d"], "30.00", dt.date(2025, 7, 10), status="paid")
    Bill.objects.filter(property=made["d"]).update(consumption_m3=12)
    cf.bill(made["e"], "10.00", dt.date(2025, 6, 10), status="paid")
    Bill.objects.filter(property=made["e"]).update(consumption_m3=3)
    cf.bill(made["e"], "99.00", dt.date(2025, 7, 10), status="cancelled")
    Bill.objects.filter(property=made["e"], status="cancelled").update(consumption_m3=90)
    f.code("TRH01", description="Troca de hidrômetro", price_from=dt.date(2025, 1, 1))
    return made


def _opened() -> int:
    return ServiceOrder.objects.filter(code__code="TRH01").count()


def _ids(rows: list[Property]) -> list[int]:
    return [p.pk for p in rows]


def test_each_filter_previews_exactly_the_properties_it_finds_and_writes_nothing(town) -> None:
    t = town
    cases = {
        batch.BatchFilters(status="active", category="RES"): ["a", "b", "c", "d"],
        batch.BatchFilters(category="COM"): ["e"],
        batch.BatchFilters(status="inactive"): ["g"],
        batch.BatchFilters(status="active", route_from=2, route_to=3): ["b", "c", "e"],
        batch.BatchFilters(billing_group=7, meter_diameter_mm=20): ["a", "b"],
        batch.BatchFilters(meter_model="v100"): ["c"],
        batch.BatchFilters(meter_installed_before=dt.date(2020, 1, 1)): ["a", "c"],
        batch.BatchFilters(meter_manufactured_until=2016, meter_diameter_mm=20): ["a"],
        batch.BatchFilters(neighbourhood_id=t["c"].neighbourhood_id, status="active"): ["c", "d"],
        batch.BatchFilters(street_id=t["a"].street_id, category="COM"): ["e"],
        batch.BatchFilters(min_overdue_bills=2): ["b"],
        batch.BatchFilters(min_overdue_bills=1, status="active"): ["b", "c"],
        batch.BatchFilters(consumption_min=10, consumption_max=30): ["b", "d"],
        batch.BatchFilters(consumption_min=30): ["a"],
        batch.BatchFilters(consumption_max=5): ["c", "e"],
    }
    for filters, expected in cases.items():
        preview = batch.batch_preview(code="TRH01", filters=filters, today=TODAY)
        assert preview.count == len(expected), filters
        assert _ids(preview.first) == sorted(t[k].pk for k in expected), filters
    assert _opened() == 0 and not BatchOpening.objects.exists()


def test_open_creates_exactly_the_previewed_orders_and_the_same_key_creates_none(town) -> None:
    filters = batch.BatchFilters(status="active", category="RES")
    preview = batch.batch_preview(code="TRH01", filters=filters, today=TODAY)
    first = batch.batch_open(actor=A, key="lote-1", code="TRH01", filters=filters, today=TODAY)
    assert first.created and first.batch.count == preview.count == 4
    orders = ServiceOrder.objects.filter(batch_item__batch=first.batch)
    assert sorted(orders.values_list("property_id", flat=True)) == sorted(_ids(preview.first))
    assert {o.status for o in orders} == {"pending"}
    again = batch.batch_open(actor=A, key="lote-1", code="TRH01", filters=filters, today=TODAY)
    assert not again.created and again.batch.pk == first.batch.pk and _opened() == 4
    assert AuditEntry.objects.filter(action="service.batch_open", object_id=str(first.batch.pk)).count() == 1
    # a new key over the same filters finds nobody left (their orders are open): refused, nothing opened
    with pytest.raises(Exception, match="Nenhum imóvel"):
        batch.batch_open(actor=A, key="lote-2", code="TRH01", filters=filters, today=TODAY)
    assert _opened() == 4 and BatchOpening.objects.count() == 1


def test_a_key_reused_with_other_filters_or_no_filter_at_all_is_refused(town) -> None:
    batch.batch_open(
        actor=A, key="lote-x", code="TRH01", filters=batch.BatchFilters(category="COM"), today=TODAY
    )
    with pytest.raises(Exception, match="já foi usada") as reused:
        batch.batch_open(
            actor=A, key="lote-x", code="TRH01", filters=batch.BatchFilters(category="RES"), today=TODAY
        )
    assert reused.value.field == "key"
    with pytest.raises(Exception, match="ao menos um filtro") as empty:
        batch.batch_preview(code="TRH01", filters=batch.BatchFilters(), today=TODAY)
    assert empty.value.field == "filters"
    assert _opened() == 1


@pytest.fixture
def api(town, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    def post(path: str, body: dict):
        return alpha_client.post(path, body, content_type="application/json", **headers)

    return post


def test_the_api_previews_then_opens_once_per_key(api, town) -> None:
    body = {"code": "trh01", "filters": {"status": "active", "route_from": 2, "route_to": 3}}
    preview = api("/api/v1/service/orders/batch?preview=1", body)
    assert preview.status_code == 200, preview.content
    assert preview.json()["count"] == 3
    assert [r["account_number"] for r in preview.json()["first"]] == [
        town[k].account_number for k in ("b", "c", "e")
    ]
    assert _opened() == 0
    missing_key = api("/api/v1/service/orders/batch", body)
    assert missing_key.status_code == 400 and missing_key.json()["field"] == "key"
    opened = api("/api/v1/service/orders/batch", body | {"key": "api-1"})
    assert opened.status_code == 201 and opened.json()["count"] == 3 and opened.json()["created"] is True
    replay = api("/api/v1/service/orders/batch", body | {"key": "api-1"})
    assert replay.status_code == 200 and replay.json()["created"] is False
    assert replay.json()["orders"] == opened.json()["orders"]
    assert _opened() == 3


def test_the_page_previews_and_a_resubmitted_confirmation_opens_nothing_more(town, alpha_client) -> None:
    make_user("alpha", "supervisora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD})
    assert "/servicos/ordens/lote/" in alpha_client.get("/").content.decode()
    form = {"code": "TRH01", "category": "RES", "status": "active", "skip_open": "on"}
    page = alpha_client.post("/servicos/ordens/lote/", form | {"action": "preview", "key": "k-page"})
    html = page.content.decode()
    assert page.status_code == 200 and "Prévia: 4 imóvel(is)" in html and "Abrir 4 ordem(ns)" in html
    assert town["a"].account_number in html and town["e"].account_number not in html
    assert _opened() == 0
    done = alpha_client.post("/servicos/ordens/lote/", form | {"action": "confirm", "key": "k-page"})
    assert done.status_code == 302 and _opened() == 4
    detail = alpha_client.get(done["Location"]).content.decode()
    assert "Lote de 4 ordem(ns)" in detail
    again = alpha_client.post("/servicos/ordens/lote/", form | {"action": "confirm", "key": "k-page"})
    assert again.status_code == 302 and again["Location"] == done["Location"] and _opened() == 4
    empty = alpha_client.post("/servicos/ordens/lote/", {"code": "TRH01", "action": "preview", "key": "z"})
    assert empty.status_code == 400 and "ao menos um filtro" in empty.content.decode()
