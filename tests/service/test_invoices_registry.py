"""Registry changes at the counter (seed 001 3.2.13.10.4/.5/.6/.10/.12/.14): the alternative due day
among the group's days, the reading route with re-sequencing, the building data, the connection's
technical data and installation notes, and the stand-by branch situation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from modules.access.models import User
from modules.billing.models import DueDayChoice
from modules.common.models import AuditEntry
from modules.registry.domain import connections as conn_rules
from modules.registry.models import Property, Route, ServiceConnection
from tests.billing import factories as f
from tests.billing.test_bills_api import staff  # noqa: F401  (the fixture)


def _login(staff: Any) -> Any:  # noqa: F811
    client = staff.client
    client.force_login(User.objects.get(username="gestora"))
    return client


def test_the_alternative_due_day_is_one_of_the_groups_days(staff: Any) -> None:  # noqa: F811
    g = f.group()
    p = f.billable(g)
    client = _login(staff)
    url = f"/servicos/atendimento/imovel/{p.pk}/cadastro/"
    assert "não tem dias de vencimento alternativos" in client.get(url).content.decode()
    refused = staff.client.put(
        f"/api/v1/properties/{p.pk}/due-day",
        {"day": 10, "reason": "Pedido do cliente"},
        content_type="application/json",
        **_headers(staff),
    )
    assert refused.status_code == 400 and refused.json()["field"] == "day"
    assert not DueDayChoice.objects.filter(property=p).exists()
    g.due_days = "5,10,20"
    g.save(update_fields=["due_days"])
    page = client.post(url, {"op": "due_day", "day": "10", "reason": "Recebe salário no dia 5"})
    assert page.status_code == 302
    assert DueDayChoice.objects.get(property=p).day == 10
    entry = AuditEntry.objects.get(action="billing.due_day_set_by_staff")
    assert entry.reason == "Recebe salário no dia 5" and entry.after["allowed"] == [5, 10, 20]
    odd = client.post(url, {"op": "due_day", "day": "7", "reason": "x"})
    assert odd.status_code == 200 and DueDayChoice.objects.get(property=p).day == 10
    api = staff.client.put(
        f"/api/v1/properties/{p.pk}/due-day",
        {"day": 20, "reason": "Pedido"},
        content_type="application/json",
        **_headers(staff),
    )
    assert api.status_code == 200 and api.json()["day"] == 20


def _headers(staff: Any) -> dict[str, str]:  # noqa: F811
    from tests.conftest import bearer

    return bearer(staff.client, "gestora", "Senha-forte-123")


def test_moving_a_unit_in_its_route_re_sequences_the_others(staff: Any) -> None:  # noqa: F811
    g = f.group()
    route = Route.objects.create(group=g, code=2, name="Centro")
    a, b, c = (f.billable(g) for _ in range(3))
    for n, p in enumerate((a, b), start=1):
        Property.objects.filter(pk=p.pk).update(route=route, route_sequence=n)
    client = _login(staff)
    url = f"/servicos/atendimento/imovel/{c.pk}/cadastro/"
    moved = client.post(
        url, {"op": "route", "route": str(route.pk), "route_sequence": "1", "reason": "Nova rota"}
    )
    assert moved.status_code == 302
    order = list(
        Property.objects.filter(route=route).order_by("route_sequence").values_list("pk", "route_sequence")
    )
    assert order == [(c.pk, 1), (a.pk, 2), (b.pk, 3)]
    other = f.group(8)
    foreign = Route.objects.get(group=other, code=1)
    refused = staff.client.put(
        f"/api/v1/properties/{c.pk}/route",
        {"route": foreign.pk, "route_sequence": 1},
        content_type="application/json",
        **_headers(staff),
    )
    assert refused.status_code == 400 and refused.json()["field"] == "route"
    assert Property.objects.get(pk=c.pk).route_id == route.pk
    end = staff.client.put(
        f"/api/v1/properties/{a.pk}/route",
        {"route": route.pk, "route_sequence": 9},
        content_type="application/json",
        **_headers(staff),
    )
    assert end.status_code == 200 and end.json()["route_sequence"] == 9


def test_building_and_connection_data_and_the_stand_by_branch(staff: Any) -> None:  # noqa: F811
    g = f.group()
    p = f.billable(g)
    water = ServiceConnection.objects.get(property=p, kind="water")
    client = _login(staff)
    url = f"/servicos/atendimento/imovel/{p.pk}/cadastro/"
    assert client.get(url).status_code == 200
    saved = client.post(
        url,
        {"op": "data", "municipal_registration": "01.02.0345", "built_area": "120.50", "has_cistern": "on"},
    )
    assert saved.status_code == 302
    p.refresh_from_db()
    assert (p.municipal_registration, str(p.built_area), p.has_cistern) == ("01.02.0345", "120.50", True)
    prefix = f"c{water.pk}"
    conn = client.post(
        url,
        {
            "op": f"conn-{water.pk}",
            f"{prefix}-diameter_mm": "25",
            f"{prefix}-material": "PEAD",
            f"{prefix}-street_pavement": "asfalto",
            f"{prefix}-installation_notes": "Caixa do hidrômetro no muro",
        },
    )
    assert conn.status_code == 302
    water.refresh_from_db()
    assert (water.diameter_mm, water.material, water.installation_notes) == (
        25,
        "PEAD",
        "Caixa do hidrômetro no muro",
    )
    assert AuditEntry.objects.filter(action="registry.connection_update").exists()
    api = staff.client.patch(
        f"/api/v1/connections/{water.pk}/technical",
        {"depth_m": "0.80", "sidewalk_pavement": "concreto"},
        content_type="application/json",
        **_headers(staff),
    )
    assert api.status_code == 200 and api.json()["depth_m"] == "0.80" and api.json()["material"] == "PEAD"
    # a stand-by branch: laid to the lot, not yet connected, never billed
    lot = ServiceConnection.objects.create(
        property=f.billable(g, sewer=False), kind="sewer", situation="potential", since=dt.date(2024, 1, 1)
    )
    standby = staff.post(
        f"/api/v1/connections/{lot.pk}/situation",
        {"situation": "standby", "on": "2025-01-10", "reason": "Obra"},
    )
    assert standby.status_code == 200, standby.content
    assert ServiceConnection.objects.get(pk=lot.pk).situation == conn_rules.STANDBY
    assert conn_rules.STANDBY not in conn_rules.ACTIVE


@pytest.mark.parametrize("days", ["0", "5,29", "a,b"])
def test_the_groups_due_days_are_checked(staff: Any, days: str) -> None:  # noqa: F811
    g = f.group()
    response = staff.client.patch(
        f"/api/v1/registry/groups/{g.pk}",
        {"due_days": days},
        content_type="application/json",
        **_headers(staff),
    )
    assert response.status_code == 400
    g.refresh_from_db()
    assert g.due_days == ""


def test_a_unit_re_routed_to_another_street_keeps_its_number_and_its_history(staff: Any) -> None:  # noqa: F811
    """S10.5-02: the meter moved and the unit is re-routed to another street and route — no new
    connection number; the address and route change and every earlier record stays attached."""
    from modules.registry.models import City, Street
    from tests.collection import factories as cf

    g = f.group()
    route = Route.objects.create(group=g, code=3, name="Vila Nova")
    p = f.billable(g)
    bill = cf.bill(p, "52.30", dt.date(2025, 6, 10), reference=dt.date(2025, 5, 1))
    city = City.objects.order_by("id").first()
    other = Street.objects.create(city=city, street_type="Avenida", name="Brasil")
    moved = staff.client.patch(
        f"/api/v1/properties/{p.pk}",
        {"street": other.pk, "number": "780"},
        content_type="application/json",
        **_headers(staff),
    )
    assert moved.status_code == 200, moved.content
    before = staff.get(f"/api/v1/properties/{p.pk}/history").json()
    routed = staff.client.put(
        f"/api/v1/properties/{p.pk}/route",
        {"route": route.pk, "route_sequence": 1},
        content_type="application/json",
        **_headers(staff),
    )
    assert routed.status_code == 200, routed.content
    after = Property.objects.get(pk=p.pk)
    assert (after.pk, after.account_number) == (p.pk, p.account_number)
    assert (after.street_id, after.number, after.route_id) == (other.pk, "780", route.pk)
    assert list(after.bills.values_list("pk", flat=True)) == [bill.pk]
    history = staff.get(f"/api/v1/properties/{p.pk}/history").json()
    key = ("at", "action", "object_type", "object_id")
    old = {tuple(e[k] for k in key) for e in before}
    new = {tuple(e[k] for k in key) for e in history}
    assert before and old <= new and len(new) > len(old)  # the earlier records are still there
