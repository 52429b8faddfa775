"""The routes' reading order (seed 001 3.2.4.1/.3/.10/.11): a route's units in order, put in a new
order by the API and the page (renumbered 10, 20 …) and read in that order by the next batch; units
moved into a new route; the group's units without route or sequence listed (and blocking the batch
until the list is empty)."""

from __future__ import annotations

from typing import Any

import pytest

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.models import BatchItem
from modules.reading.services import batches as batch_svc
from modules.reading.services import routes as svc_routes
from modules.registry.models import Property, Route
from tests.billing import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
MONTH = YearMonth(2025, 5)
A = f.ACTOR


@pytest.fixture
def route(tenant_alpha) -> dict[str, Any]:
    g = f.group(17)
    f.schedule(g, MONTH)
    props = [f.billable(g) for _ in range(4)]
    return {"group": g, "route": Route.objects.get(group=g, code=1), "props": props}


def _api(alpha_client: Any) -> dict[str, str]:
    make_user("alpha", "roteirista", PASSWORD, is_admin=True)
    return bearer(alpha_client, "roteirista", PASSWORD)


def test_a_new_order_by_api_is_renumbered_and_the_next_batch_reads_it(route, alpha_client):
    headers = _api(alpha_client)
    r, (p0, p1, p2, p3) = route["route"], route["props"]
    got = alpha_client.get(f"/api/v1/reading/routes/{r.pk}", **headers).json()
    assert [u["id"] for u in got["units"]] == [p0.pk, p1.pk, p2.pk, p3.pk]
    answer = alpha_client.put(
        f"/api/v1/reading/routes/{r.pk}",
        {"properties": [p3.pk, p0.pk, p2.pk, p1.pk]},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 200, answer.content
    assert [(u["id"], u["sequence"]) for u in answer.json()["units"]] == [
        (p3.pk, 10),
        (p0.pk, 20),
        (p2.pk, 30),
        (p1.pk, 40),
    ]
    batch, _ = batch_svc.batch_create(actor=A, group=route["group"], month=MONTH)
    items = BatchItem.objects.filter(batch=batch).order_by("sequence")
    assert [i.property_id for i in items] == [p3.pk, p0.pk, p2.pk, p1.pk]


def test_an_order_missing_a_unit_or_naming_one_twice_is_refused(route, alpha_client):
    headers = _api(alpha_client)
    r, (p0, p1, p2, p3) = route["route"], route["props"]
    for order, text in (
        ([p0.pk, p1.pk, p2.pk], "faltam"),
        ([p0.pk, p0.pk, p1.pk, p2.pk, p3.pk], "duas vezes"),
    ):
        answer = alpha_client.put(
            f"/api/v1/reading/routes/{r.pk}",
            {"properties": order},
            content_type="application/json",
            **headers,
        )
        assert answer.status_code == 400 and text in str(answer.json()), answer.content
    before = list(Property.objects.filter(route=r).order_by("pk").values_list("route_sequence", flat=True))
    assert before == [p.route_sequence for p in (p0, p1, p2, p3)]


def test_units_moved_into_a_new_route_and_the_unsequenced_list(route, alpha_client):
    headers = _api(alpha_client)
    g, (_p0, p1, _p2, p3) = route["group"], route["props"]
    new = Route.objects.create(group=g, code=2, sequence=2)
    Property.objects.filter(pk=p3.pk).update(route=None, route_sequence=None)
    listed = alpha_client.get("/api/v1/reading/routes", {"group": g.code}, **headers).json()
    assert [u["account_number"] for u in listed["unsequenced"]] == [p3.account_number]
    with pytest.raises(ValidationFailed, match="sem rota ativa ou sem sequência"):
        batch_svc.batch_create(actor=A, group=g, month=MONTH)
    moved = alpha_client.post(
        f"/api/v1/reading/routes/{new.pk}/move",
        {"properties": [p3.account_number, p1.account_number]},
        content_type="application/json",
        **headers,
    )
    assert moved.status_code == 200, moved.content
    assert [(u["id"], u["sequence"]) for u in moved.json()["units"]] == [(p3.pk, 10), (p1.pk, 20)]
    listed = alpha_client.get("/api/v1/reading/routes", {"group": g.code}, **headers).json()
    assert listed["unsequenced"] == []
    assert {r["code"]: r["units"] for r in listed["routes"]} == {1: 2, 2: 2}
    other = f.billable(f.group(18))
    refused = alpha_client.post(
        f"/api/v1/reading/routes/{new.pk}/move",
        {"properties": [other.account_number]},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400 and "outro grupo" in str(refused.json())
    batch, _ = batch_svc.batch_create(actor=A, group=g, month=MONTH)
    assert batch.items_count == 4


def test_the_page_orders_by_typed_positions_and_moves_units(route, alpha_client):
    make_user("alpha", "supervisor-rotas", PASSWORD, is_admin=True)
    assert alpha_client.login(username="supervisor-rotas", password=PASSWORD)
    r, (p0, p1, p2, p3) = route["route"], route["props"]
    listing = alpha_client.get("/leitura/roteiros/", {"group": route["group"].code}).content.decode()
    assert "Imóveis sem roteiro (0)" in listing and f"/leitura/roteiros/{r.pk}/" in listing
    page = alpha_client.get(f"/leitura/roteiros/{r.pk}/").content.decode()
    assert f'name="pos_{p0.pk}"' in page and "Salvar ordem" in page
    alpha_client.post(
        f"/leitura/roteiros/{r.pk}/",
        {"op": "order", f"pos_{p0.pk}": "1", f"pos_{p1.pk}": "2", f"pos_{p2.pk}": "3", f"pos_{p3.pk}": "1,5"},
    )
    ordered = list(Property.objects.filter(route=r).order_by("route_sequence").values_list("pk", flat=True))
    assert ordered == [p0.pk, p3.pk, p1.pk, p2.pk]
    new = Route.objects.create(group=route["group"], code=3, sequence=3)
    alpha_client.post(f"/leitura/roteiros/{new.pk}/", {"op": "move", "accounts": p2.account_number})
    assert Property.objects.get(pk=p2.pk).route_id == new.pk
    assert (
        "Ordem de leitura da rota alterada" in alpha_client.get(f"/leitura/roteiros/{r.pk}/").content.decode()
    )


def test_a_locality_type_gives_its_routes_their_own_window_when_the_batch_is_generated(route, alpha_client):
    """3.2.4.2: a rural route's expected window (−50 % … +150 % of the average) replaces the
    regulation's (−30 % … +70 %) in the batch; the other route keeps the regulation's, and a change
    after generation leaves the batch as it froze it."""
    from modules.reading.models import BatchRoute
    from modules.reading.services import ReadingInput, reading_register

    headers = _api(alpha_client)
    g, (p0, p1, _p2, _p3) = route["group"], route["props"]
    rural = Route.objects.create(group=g, code=2, sequence=2)
    Property.objects.filter(pk=p1.pk).update(route=rural)
    for prop in (p0, p1):
        value = 0
        for i in range(-6, 0):
            value += 20
            f.schedule(g, MONTH.plus(i))
            reading_register(
                actor=A, data=ReadingInput(prop.account_number, MONTH.plus(i), MONTH.plus(i).day(10), value)
            )
    saved = alpha_client.post(
        "/api/v1/reading/locality-types",
        {"code": "RUR", "name": "Rural", "high_percent": "150", "low_percent": "50"},
        content_type="application/json",
        **headers,
    )
    assert saved.status_code == 200, saved.content
    put = alpha_client.put(
        f"/api/v1/reading/routes/{rural.pk}/locality",
        {"locality_type": "RUR"},
        content_type="application/json",
        **headers,
    )
    assert put.status_code == 200 and put.json()["locality_type"] == "RUR"
    batch, _ = batch_svc.batch_create(actor=A, group=g, month=MONTH)
    urban = BatchItem.objects.get(batch=batch, property=p0)
    far = BatchItem.objects.get(batch=batch, property=p1)
    assert (urban.expected_low, urban.expected_high) == (120 + 14, 120 + 34)  # average 20: −30 % … +70 %
    assert (far.expected_low, far.expected_high) == (120 + 10, 120 + 50)  # −50 % … +150 %
    assert BatchRoute.objects.get(batch=batch, code=2).locality == "Rural"
    alpha_client.post(
        "/api/v1/reading/locality-types",
        {"code": "RUR", "name": "Rural", "high_percent": "300"},
        content_type="application/json",
        **headers,
    )
    far.refresh_from_db()
    assert far.expected_high == 170
    bad = alpha_client.post(
        "/api/v1/reading/locality-types",
        {"code": "X", "name": "X", "low_percent": "120"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and bad.json()["field"] == "low_percent"
    make_user("alpha", "supervisora-loc", PASSWORD, is_admin=True)
    assert alpha_client.login(username="supervisora-loc", password=PASSWORD)
    html = alpha_client.get("/leitura/roteiros/", {"group": g.code}).content.decode()
    assert "Tipos de localidade" in html and "Rural" in html
    alpha_client.post(f"/leitura/roteiros/{rural.pk}/", {"op": "locality", "locality_type": ""})
    assert svc_routes.route_locality(rural) is None
