"""The field team's phone API as the PWA calls it: the day's orders in route order with each code's
closing form, and the sync of the offline queue in idempotent batches — closing reaches the bill's
pending charges; a replayed event changes nothing; an unknown order, a photo that is not an image or
a closing without team or time is rejected in pt-BR and writes nothing. The back office reads the
map, the teams' last positions, productivity, a team's track and the photo feed."""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from modules.access.models import Profile
from modules.common.models import AuditEntry
from modules.registry.models import BillingGroup, Property, Route
from modules.service.models import (
    Badge,
    FieldClosing,
    FieldEvent,
    FieldNotice,
    FieldPhoto,
    MaterialUsage,
    OrderClosingData,
    OrderCrew,
    OrderEvent,
    PendingCharge,
    Position,
    ServiceOrder,
)
from modules.service.services import catalog, field, opening_settings, orders, units
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
SP = ZoneInfo("America/Sao_Paulo")
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)  # 13:00 in São Paulo
TODAY = dt.date(2026, 4, 17)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _client(alpha_client, username, **user):
    make_user("alpha", username, PASSWORD, **user)
    headers = bearer(alpha_client, username, PASSWORD)

    class Api:
        def get(self, path: str, **params):
            return alpha_client.get(path, params, **headers)

        def post(self, path: str, body: dict):
            return alpha_client.post(path, body, content_type="application/json", **headers)

        def put(self, path: str, body: dict):
            return alpha_client.put(path, body, content_type="application/json", **headers)

    return Api()


@pytest.fixture
def day(tenant_alpha, alpha_client):
    """A team with a field member (the standard "Equipe de campo" profile), two orders scheduled to it
    today on properties of one route (second in route order first), a supervisor."""
    member = make_user("alpha", "campo1", PASSWORD)
    member.profiles.add(Profile.objects.get(name="Equipe de campo"))
    headers = bearer(alpha_client, "campo1", PASSWORD)

    class Phone:
        def get(self, path: str, **params):
            return alpha_client.get(path, params, **headers)

        def post(self, path: str, body: dict):
            return alpha_client.post(path, body, content_type="application/json", **headers)

    phone = Phone()
    boss = _client(alpha_client, "chefe", is_admin=True)
    code = f.code("LIG01", price="35.00", charges_materials=True)
    f.material("TUBO20", price="12.50")
    team = f.team("Equipe Norte")
    catalog.team_member_add(actor=f.ACTOR, team_id=team.pk, user_id=member.pk, start=TODAY)
    group = BillingGroup.objects.create(code=97, name="Grupo de teste")
    route = Route.objects.create(group=group, code=5, name="Rota de teste")
    near = reg.prop(latitude=Decimal("-23.501000"), longitude=Decimal("-47.451000"))
    far = reg.prop(latitude=Decimal("-23.511000"), longitude=Decimal("-47.461000"))
    Property.objects.filter(pk=near.pk).update(route=route, route_sequence=2)
    Property.objects.filter(pk=far.pk).update(route=route, route_sequence=1)
    opened = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)
    first = orders.order_open(actor=f.ACTOR, code=code.code, property_id=near.pk, opened_at=opened)
    second = orders.order_open(actor=f.ACTOR, code=code.code, property_id=far.pk, opened_at=opened)
    for o in (first, second):
        orders.order_schedule(actor=f.ACTOR, order_id=o.pk, team_id=team.pk, day=TODAY)
    return {
        "phone": phone,
        "boss": boss,
        "team": team,
        "member": member,
        "near": first,
        "far": second,
        "code": code,
        "route": route,
    }


def _event(kind: str, order: int | None, at: dt.datetime | None = None, **payload) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "order": order,
        "at": (at or NOW).isoformat(),
        "payload": payload,
    }


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_today_lists_the_teams_orders_with_the_closing_form(day) -> None:
    opening_settings.closing_form_set(
        actor=f.ACTOR,
        code="LIG01",
        fields=[
            {"name": "hidrometro", "label": "Número do hidrômetro", "kind": "text", "required": True},
            {
                "name": "caixa",
                "label": "Caixa de proteção",
                "kind": "choice",
                "choices": ["nova", "existente"],
            },
        ],
    )

    body = day["phone"].get("/api/v1/field/today").json()

    assert body["team"]["name"] == "Equipe Norte"
    assert {o["id"] for o in body["orders"]} == {day["near"].pk, day["far"].pk}
    # route order: the far property comes first on the route
    assert [o["id"] for o in body["orders"]] == [day["far"].pk, day["near"].pk]
    form = body["orders"][0]["closing_form"]
    assert [c["key"] for c in form["common"]][:2] == ["executed_at", "vehicle_plate"]
    # the code's own form is the order engine's, in the shape its closing-fields API gives
    assert form["fields"] == day["boss"].get("/api/v1/service/codes/LIG01/closing-fields").json()["fields"]
    assert [q["name"] for q in form["fields"]] == ["hidrometro", "caixa"]
    assert form["fields"][1]["choices"] == ["nova", "existente"]
    assert body["materials"][0]["code"] == "TUBO20"


def test_a_day_synced_offline_closes_the_order_with_its_materials_and_charges(day) -> None:
    order = day["near"]
    start = _event("start", order.pk, NOW - dt.timedelta(minutes=50))
    pause = _event("pause", order.pk, NOW - dt.timedelta(minutes=40), reason="Chuva forte")
    resume = _event("resume", order.pk, NOW - dt.timedelta(minutes=30))
    photo = _event(
        "photo",
        order.pk,
        NOW - dt.timedelta(minutes=25),
        data=_png(),
        latitude="-23.501",
        longitude="-47.451",
    )
    close = _event(
        "close",
        order.pk,
        NOW - dt.timedelta(minutes=10),
        team=day["team"].pk,
        executed_at=(NOW - dt.timedelta(minutes=10)).isoformat(),
        materials=[{"code": "TUBO20", "quantity": "3"}],
        vehicle_plate="ABC1D23",
        distance_km="12.5",
        travel_minutes="15",
    )
    fix = _event("position", None, NOW - dt.timedelta(minutes=5), latitude="-23.5", longitude="-47.45")

    response = day["phone"].post(
        "/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [start, pause, resume, photo, close, fix]}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 6
    assert body["results"][4]["order_status"] == "executed"
    order.refresh_from_db()
    assert order.status == "executed" and order.team_id == day["team"].pk
    assert order.executed_at == NOW - dt.timedelta(minutes=10)
    assert [(m.material.code, m.quantity) for m in MaterialUsage.objects.filter(order=order)] == [
        ("TUBO20", Decimal("3.000"))
    ]
    charges = sorted((c.kind, c.amount) for c in PendingCharge.objects.filter(order=order))
    assert charges == [("material", Decimal("37.50")), ("service", Decimal("35.00"))]
    closing = FieldClosing.objects.get(order=order)
    assert closing.execution_minutes == 30  # start→pause 10 min + resume→close 20 min
    assert closing.vehicle_plate == "ABC1D23" and closing.distance_km == Decimal("12.5")
    assert FieldPhoto.objects.get(order=order).width == 8
    assert Position.objects.filter(team=day["team"]).count() == 1
    assert [o["id"] for o in body["orders"]] == [day["far"].pk]  # the executed one left the phone's list
    assert OrderEvent.objects.filter(order=order, action="pause", note="Chuva forte").exists()


def test_a_replayed_batch_changes_nothing_and_is_reported_already_applied(day) -> None:
    order = day["near"]
    close = _event("close", order.pk, team=day["team"].pk, executed_at=NOW.isoformat())
    batch = {"device_id": "pwa-test-1", "events": [close]}
    assert day["phone"].post("/api/v1/field/sync", batch).json()["applied"] == 1
    counts = (
        PendingCharge.objects.count(),
        OrderEvent.objects.count(),
        AuditEntry.objects.count(),
        FieldEvent.objects.count(),
    )

    again = day["phone"].post("/api/v1/field/sync", batch).json()

    assert again["results"] == [
        {"id": close["id"], "status": "already_applied", "message": "Evento já aplicado."}
    ]
    assert again["applied"] == 0 and again["already_applied"] == 1
    assert (
        PendingCharge.objects.count(),
        OrderEvent.objects.count(),
        AuditEntry.objects.count(),
        FieldEvent.objects.count(),
    ) == counts


def test_an_unknown_order_a_non_image_and_a_closing_without_team_or_time_are_rejected(day) -> None:
    order = day["near"]
    unknown = _event("start", 987654321)
    not_image = _event("photo", order.pk, data=base64.b64encode(b"%PDF-1.4 not a photo").decode())
    no_team = _event("close", order.pk, executed_at=NOW.isoformat())
    no_time = _event("close", order.pk, team=day["team"].pk)
    before = (FieldEvent.objects.count(), PendingCharge.objects.count(), FieldPhoto.objects.count())

    body = (
        day["phone"]
        .post(
            "/api/v1/field/sync",
            {"device_id": "pwa-test-1", "events": [unknown, not_image, no_team, no_time]},
        )
        .json()
    )

    results = body["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert results[0]["code"] == "order_not_found"
    assert results[0]["message"] == "Ordem de serviço 987654321 não encontrada."
    assert results[1]["code"] == "field_photo_not_image" and results[1]["field"] == "events[1].payload.data"
    assert results[1]["message"] == "O arquivo enviado não é uma imagem (use JPEG, PNG ou WebP)."
    assert results[2]["code"] == "closing_needs_team" and results[2]["field"] == "events[2].payload.team"
    assert (
        results[3]["code"] == "closing_needs_time" and results[3]["field"] == "events[3].payload.executed_at"
    )
    assert (FieldEvent.objects.count(), PendingCharge.objects.count(), FieldPhoto.objects.count()) == before
    order.refresh_from_db()
    assert order.status == "scheduled"
    # the corrected closing goes through with the same device later
    fixed = dict(no_time, payload={"team": day["team"].pk, "executed_at": NOW.isoformat()})
    assert (
        day["phone"]
        .post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [fixed]})
        .json()["applied"]
        == 1
    )


def test_a_malformed_batch_is_refused_whole(day) -> None:
    response = day["phone"].post(
        "/api/v1/field/sync",
        {"device_id": "pwa-test-1", "events": [{"id": "x", "type": "fly", "at": "ontem"}]},
    )

    assert response.status_code == 400
    assert FieldEvent.objects.count() == 0


def test_the_closing_form_of_the_code_is_checked(day) -> None:
    opening_settings.closing_form_set(
        actor=f.ACTOR,
        code="LIG01",
        fields=[
            {"name": "hidrometro", "label": "Número do hidrômetro", "kind": "text", "required": True},
            {"name": "lacre", "label": "Lacre conferido", "kind": "yes_no"},
        ],
    )
    order = day["near"]
    missing = _event("close", order.pk, team=day["team"].pk, executed_at=NOW.isoformat(), answers={})
    answered = _event(
        "close",
        order.pk,
        team=day["team"].pk,
        executed_at=NOW.isoformat(),
        answers={"hidrometro": "Y26A0001", "lacre": True},
    )

    body = (
        day["phone"]
        .post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [missing, answered]})
        .json()
    )

    assert body["results"][0]["status"] == "rejected"
    assert body["results"][0]["code"] == "closing_field_required"
    assert body["results"][0]["field"] == "events[0].payload.answers.hidrometro"
    assert (
        body["results"][0]["message"] == "Informe “Número do hidrômetro”: o encerramento deste serviço exige."
    )
    assert body["results"][1]["status"] == "applied"
    # checked by the order engine and stored where a back-office closing stores them
    assert OrderClosingData.objects.get(order=order).values == {"hidrometro": "Y26A0001", "lacre": "sim"}
    assert FieldClosing.objects.filter(order=order).exists()


def test_pause_without_reason_and_not_executed_reopened(day) -> None:
    order = day["near"]
    start = _event("start", order.pk)
    pause = _event("pause", order.pk)
    not_done = _event(
        "not_execute",
        order.pk,
        team=day["team"].pk,
        executed_at=NOW.isoformat(),
        reason="Portão fechado",
        destination="reabrir",
    )

    body = (
        day["phone"]
        .post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [start, pause, not_done]})
        .json()
    )

    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "applied"]
    assert body["results"][1]["code"] == "reason_required"
    order.refresh_from_db()
    assert order.status == "not_executed" and not PendingCharge.objects.filter(order=order).exists()
    followup = FieldClosing.objects.get(order=order).followup
    assert followup is not None and followup.status == "pending" and followup.property_id == order.property_id


def test_crew_by_badge_and_a_notice_with_the_photo(day) -> None:
    order = day["near"]
    Badge.objects.create(code="CR-0042", user=day["member"])
    photo = _event("photo", order.pk, data=_png())
    crew = _event("crew", order.pk, badge="CR-0042")
    stranger = _event("crew", order.pk, badge="CR-9999")
    notice = _event(
        "notice", order.pk, text="Vazamento no cavalete: procure a concessionária.", photos=[photo["id"]]
    )

    body = (
        day["phone"]
        .post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [photo, crew, stranger, notice]})
        .json()
    )

    assert [r["status"] for r in body["results"]] == ["applied", "applied", "rejected", "applied"]
    assert body["results"][2]["code"] == "field_badge_not_found"
    assert list(OrderCrew.objects.filter(order=order).values_list("badge", flat=True)) == ["CR-0042"]
    notice_row = FieldNotice.objects.get(order=order)
    assert notice_row.property_id == order.property_id
    assert notice_row.pdf.open("rb").read(5) == b"%PDF-"
    assert list(notice_row.photos.all()) == [FieldPhoto.objects.get(order=order)]


def test_back_office_map_monitor_track_and_feed(day) -> None:
    t0 = NOW - dt.timedelta(hours=1)
    fixes = [
        _event("position", None, t0, latitude="-23.500000", longitude="-47.450000", speed_kmh="30"),
        _event("position", None, t0 + dt.timedelta(minutes=2), latitude="-23.510000", longitude="-47.450000"),
        _event("position", None, t0 + dt.timedelta(minutes=8), latitude="-23.510000", longitude="-47.450000"),
    ]
    start = _event("start", day["near"].pk, t0 + dt.timedelta(minutes=10))
    close = _event(
        "close",
        day["near"].pk,
        t0 + dt.timedelta(minutes=30),
        team=day["team"].pk,
        executed_at=(t0 + dt.timedelta(minutes=30)).isoformat(),
    )
    start2 = _event("start", day["far"].pk, t0 + dt.timedelta(minutes=45))
    photo = _event("photo", day["far"].pk, t0 + dt.timedelta(minutes=46), data=_png())
    phone = day["phone"]
    assert (
        phone.post(
            "/api/v1/field/sync", {"device_id": "pwa-1", "events": [*fixes, start, close, start2, photo]}
        ).json()["rejected"]
        == 0
    )

    boss = day["boss"]
    geo = boss.get("/api/v1/field/orders-map", team=day["team"].pk).json()
    assert [feat["properties"]["id"] for feat in geo["features"]] == [day["far"].pk]
    assert geo["features"][0]["geometry"]["coordinates"] == [-47.461, -23.511]
    assert boss.get("/api/v1/field/orders-map", code="OUTRO").json()["features"] == []
    monitor = boss.get("/api/v1/field/monitor").json()
    assert monitor["positions"][0]["team"] == "Equipe Norte"
    assert monitor["positions"][0]["latitude"] == "-23.510000" and monitor["positions"][0]["open_orders"] == 1
    assert monitor["productivity"] == [
        {
            "team": "Equipe Norte",
            "team_id": day["team"].pk,
            "executed": 1,
            "not_executed": 0,
            "average_execution_minutes": 20,
            "travel_minutes": 15,
        }
    ]
    track = boss.get(f"/api/v1/field/teams/{day['team'].pk}/track").json()
    assert track["fixes"] == 3
    assert abs(Decimal(track["distance_km"]) - Decimal("1.112")) < Decimal("0.011")  # 0.01° of latitude, ±1 %
    assert (
        track["max_speed_kmh"] == "33.4" and len(track["stops"]) == 1 and track["stops"][0]["seconds"] == 360
    )
    feed = boss.get("/api/v1/field/photos").json()["results"]
    assert feed[0]["order_id"] == day["far"].pk
    assert boss.get("/api/v1/field/photos", after=feed[0]["id"]).json()["results"] == []


def test_the_field_profile_cannot_reach_the_back_office_and_no_team_means_no_list(day, alpha_client) -> None:
    phone = day["phone"]
    assert phone.get("/api/v1/field/monitor").status_code == 403
    assert phone.get("/api/v1/field/orders-map").status_code == 403
    assert phone.post("/api/v1/service/codes", {"code": "X"}).status_code == 403
    loner = make_user("alpha", "semequipe", PASSWORD)
    loner.profiles.add(Profile.objects.get(name="Equipe de campo"))
    headers = bearer(alpha_client, "semequipe", PASSWORD)
    answer = alpha_client.get("/api/v1/field/today", **headers)
    assert answer.status_code == 400 and answer.json()["code"] == "field_no_team"


def test_positions_past_the_retention_are_pruned(day) -> None:
    field.field_settings_update(actor=f.ACTOR, position_retention_days=30, sync_interval_seconds=120)
    old = _event("position", None, NOW - dt.timedelta(days=31), latitude="-23.5", longitude="-47.4")
    new = _event("position", None, NOW - dt.timedelta(days=29), latitude="-23.5", longitude="-47.4")
    day["phone"].post("/api/v1/field/sync", {"device_id": "pwa-1", "events": [old, new]})

    from modules.service.tasks import field_positions_prune

    assert field_positions_prune.run() == {"deleted": 1}
    assert list(Position.objects.values_list("event_id", flat=True)) == [uuid.UUID(new["id"])]
    assert field_positions_prune.run() == {"deleted": 0}
    assert AuditEntry.objects.filter(action="service.field_positions_prune").count() == 1


def test_a_priority_change_on_the_back_office_reaches_the_next_sync(day) -> None:
    ServiceOrder.objects.filter(pk=day["far"].pk).update(priority=1)
    body = day["phone"].post("/api/v1/field/sync", {"device_id": "pwa-1", "events": []}).json()
    assert {o["id"]: o["priority"] for o in body["orders"]}[day["far"].pk] == 1
    orders.order_unschedule(actor=f.ACTOR, order_id=day["far"].pk, reason="Engano")
    body = day["phone"].post("/api/v1/field/sync", {"device_id": "pwa-1", "events": []}).json()
    assert [o["id"] for o in body["orders"]] == [day["near"].pk]


# Queries a sync adds per order of the day (start, close with a material, a position): the day's
# budget of 2 s for 200 orders rests on it (tests/benchmarks/field.py, ADRs 0180, 0193, 0210).
SYNC_QUERIES_PER_ORDER = 11


def _scheduled(day, count: int) -> list[ServiceOrder]:
    opened = dt.datetime(2026, 4, 17, 10, 0, tzinfo=SP)
    out = []
    for _ in range(count):
        o = orders.order_open(actor=f.ACTOR, code="LIG01", property_id=reg.prop().pk, opened_at=opened)
        out.append(orders.order_schedule(actor=f.ACTOR, order_id=o.pk, team_id=day["team"].pk, day=TODAY))
    return out


def _jobs(day, jobs: list[ServiceOrder]) -> dict:
    events = []
    for o in jobs:
        done = NOW - dt.timedelta(minutes=10)
        events += [
            _event("start", o.pk, NOW - dt.timedelta(minutes=30)),
            _event(
                "close",
                o.pk,
                done,
                team=day["team"].pk,
                executed_at=done.isoformat(),
                materials=[{"code": "TUBO20", "quantity": "2"}],
            ),
            _event("position", None, done, latitude="-23.5", longitude="-47.45"),
        ]
    return {"device_id": "pwa-test-1", "events": events}


def test_a_sync_costs_a_bounded_number_of_queries_per_closed_order(day) -> None:
    one, five = _scheduled(day, 1), _scheduled(day, 5)
    counts = []
    for jobs in (one, five):
        with CaptureQueriesContext(connection) as ctx:
            body = day["phone"].post("/api/v1/field/sync", _jobs(day, jobs)).json()
        assert body["applied"] == 3 * len(jobs) and body["rejected"] == 0
        counts.append(len(ctx.captured_queries))

    per_order = (counts[1] - counts[0]) / 4
    assert per_order <= SYNC_QUERIES_PER_ORDER, counts
    assert PendingCharge.objects.filter(order__in=five).count() == 10  # the work itself was done
    assert FieldClosing.objects.filter(order__in=five, execution_minutes=20).count() == 5


def test_the_sync_answer_lists_the_day_in_a_fixed_number_of_queries(day) -> None:
    empty = {"device_id": "pwa-test-1", "events": []}
    day["phone"].post("/api/v1/field/sync", empty)  # the first request of a client reads a bit more
    counts = []
    for more in (0, 4):
        _scheduled(day, more)
        with CaptureQueriesContext(connection) as ctx:
            body = day["phone"].post("/api/v1/field/sync", empty).json()
        # the field's own reads (the tenant's domain and the token are read per request, not per order)
        counts.append((len(body["orders"]), sum('"service_' in q["sql"] for q in ctx.captured_queries)))

    assert [n for n, _ in counts] == [2, 6]
    assert counts[0][1] == counts[1][1], counts


def test_a_refused_event_leaves_no_audit_row_and_the_others_keep_theirs(day) -> None:
    # the distance is checked after the order services wrote the closing's audit row
    bad = _event(
        "close", day["near"].pk, team=day["team"].pk, executed_at=NOW.isoformat(), distance_km="muito"
    )
    good = _event("close", day["far"].pk, team=day["team"].pk, executed_at=NOW.isoformat())
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    body = day["phone"].post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [bad, good]}).json()

    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert body["results"][0]["field"] == "events[0].payload.distance_km"
    written = AuditEntry.objects.filter(pk__gt=last).order_by("id").values_list("action", "object_id")
    assert list(written) == [("service.order_close", str(day["far"].pk))]
    assert not FieldClosing.objects.filter(order=day["near"]).exists()
    assert FieldClosing.objects.filter(order=day["far"]).count() == 1
    # the rows the batch inserts at its end: the refused event's are dropped with its savepoint
    assert list(
        FieldEvent.objects.filter(pk__in=[bad["id"], good["id"]]).values_list("order", flat=True)
    ) == [day["far"].pk]
    assert not OrderEvent.objects.filter(order=day["near"], action="execute").exists()
    assert OrderEvent.objects.filter(order=day["far"], action="execute").count() == 1
    day["near"].refresh_from_db()
    assert day["near"].status == "scheduled"


def test_an_order_split_with_a_dependency_is_not_closed_from_the_phone_before_it(day) -> None:
    f.code("CAV01", price="10.00")
    child = units.order_split(
        actor=f.ACTOR, order_id=day["near"].pk, code="CAV01", reason="Trocar o cavalete"
    )
    close = _event("close", day["near"].pk, team=day["team"].pk, executed_at=NOW.isoformat())
    other = _event("close", day["far"].pk, team=day["team"].pk, executed_at=NOW.isoformat())

    body = (
        day["phone"].post("/api/v1/field/sync", {"device_id": "pwa-test-1", "events": [close, other]}).json()
    )

    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert body["results"][0]["code"] == "dependency_not_executed"
    assert (
        body["results"][0]["message"]
        == f"Esta ordem depende da OS {child.label}, que ainda não foi executada."
    )
    day["near"].refresh_from_db()
    assert day["near"].status == "scheduled"
