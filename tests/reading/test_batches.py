"""Reading in the field (ADR 0200): the batch of a group and month freezes what a device needs (the
window from the average included), split by route; a route handed to a reader's device; its package;
the sync of the device's events — accepted, duplicate on replay, refused with a pt-BR reason and
nothing written; photos the occurrence list asks for; messages; re-readings; a contractor's collector
file out and back; telemetry readings; occurrences opening orders."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.access.models import Profile
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.reading import hooks
from modules.reading.models import (
    BatchItem,
    CollectorExchange,
    Device,
    ReaderMessage,
    Reading,
    ReadingBatch,
    ReadingEvent,
    ReadingRevision,
)
from modules.reading.services import ReadingInput, collector, occurrences_seed, reading_register
from modules.reading.services import batches as svc
from modules.registry.models import PropertyCategory, Route
from tests.billing import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
MONTH = YearMonth(2025, 5)
NOW = dt.datetime(2025, 5, 10, 13, 0, tzinfo=dt.UTC)
A = f.ACTOR


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tenant_alpha) -> dict[str, Any]:
    """Group 7 with routes 1 and 2, May's schedule and three months of history; three properties on
    route 1 (the first with six measured months of 20 m³), one on route 2; a reader with a device."""
    occurrences_seed()
    g = f.group()
    r2, _ = Route.objects.get_or_create(group=g, code=2)
    for i in range(-6, 1):
        f.schedule(g, MONTH.plus(i))
    props = [f.billable(g, initial=100) for _ in range(3)]
    other = f.billable(g)
    other.route = r2
    other.save(update_fields=["route"])
    value = 100
    for i in range(-6, 0):
        value += 20
        reading_register(
            actor=A, data=ReadingInput(props[0].account_number, MONTH.plus(i), MONTH.plus(i).day(10), value)
        )
    user = make_user("alpha", "leitor1", PASSWORD, full_name="Leitor Um")
    user.profiles.add(Profile.objects.get(name="Leiturista"))
    reader = svc.reader_save(actor=A, user_id=user.pk, employee_number="L-001")
    device = svc.device_save(actor=A, code="PHONE-0001", label="Moto G", reader=reader)
    return {"group": g, "props": props, "other": other, "device": device, "reader": reader, "last": value}


DEVICE_PATHS = ("/api/v1/reading/sync", "/api/v1/reading/photos")


def _api(alpha_client: Any, username: str = "chefe", **user: Any) -> Any:
    """The back office signed in as `username`; the device's calls (sync, photos) go under the
    device's reader's own sign-in (leitor1, profile Leiturista), as the phone sends them."""
    make_user("alpha", username, PASSWORD, **({"is_admin": True} | user))
    staff = bearer(alpha_client, username, PASSWORD)
    phone = bearer(alpha_client, "leitor1", PASSWORD)

    def headers(path: str) -> dict[str, str]:
        return phone if path in DEVICE_PATHS else staff

    class Api:
        def get(self, path: str, **params: Any) -> Any:
            return alpha_client.get(path, params, **headers(path))

        def post(self, path: str, body: dict[str, Any]) -> Any:
            return alpha_client.post(path, body, content_type="application/json", **headers(path))

        def put(self, path: str, body: dict[str, Any]) -> Any:
            return alpha_client.put(path, body, content_type="application/json", **headers(path))

        def upload(self, path: str, data: dict[str, Any]) -> Any:
            return alpha_client.post(path, data, **headers(path))

    return Api()


def _ready(world: dict[str, Any]) -> ReadingBatch:
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    svc.route_assign(actor=A, route=svc.batch_route(batch, 1), device=world["device"])
    return batch


def _event(prop: Any, reading: int | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "property": prop.pk,
        "reading": reading,
        "read_at": "2025-05-10T09:30:00-03:00",
    } | extra


def test_batch_is_created_by_api_with_its_routes_and_again_is_the_same(world, alpha_client):
    api = _api(alpha_client)
    first = api.post("/api/v1/reading/batches", {"group": 7, "month": "2025-05"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["group"], body["month"], body["items"]) == (7, "2025-05", 4)
    assert [(r["route"], r["items"], r["read"], r["pending"]) for r in body["routes"]] == [
        (1, 3, 0, 3),
        (2, 1, 0, 1),
    ]
    again = api.post("/api/v1/reading/batches", {"group": 7, "month": "2025-05"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert ReadingBatch.objects.count() == 1 and BatchItem.objects.count() == 4


def test_the_item_freezes_meter_previous_reading_window_and_categories(world):
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    p = world["props"][0]
    item = BatchItem.objects.get(batch=batch, property=p)
    # six months of 20 m³: average 20; the regulation's −30 % … +70 % → previous + 14 … previous + 34
    assert (item.previous_value, item.average_m3) == (world["last"], Decimal("20.00"))
    assert (item.expected_low, item.expected_high) == (world["last"] + 14, world["last"] + 34)
    assert item.meter_number.startswith("T") and item.dials == 5
    assert item.categories == [["RES", 1]] and item.address.startswith("Rua Tiradentes, 100")
    assert [r["m3"] for r in item.last_readings] == [20, 20, 20]
    # a category changed after generation does not change the item (3.2.4.4.1)
    PropertyCategory.objects.filter(property=p).update(economies=5)
    item.refresh_from_db()
    assert item.categories == [["RES", 1]]
    # no history: no window, the meter's initial reading as the previous one
    fresh = BatchItem.objects.get(batch=batch, property=world["props"][1])
    assert (fresh.previous_value, fresh.expected_low, fresh.expected_high) == (100, None, None)


def test_only_readable_situations_enter_and_unsequenced_properties_block_the_batch(world):
    demolished = world["props"][2]
    demolished.status = "demolished"
    demolished.save(update_fields=["status"])
    loose = f.billable(world["group"])
    loose.route_sequence = None
    loose.save(update_fields=["route_sequence"])
    with pytest.raises(ValidationFailed) as raised:
        svc.batch_create(actor=A, group=world["group"], month=MONTH)
    assert raised.value.code == "batch_unsequenced" and loose.account_number in raised.value.message
    assert not ReadingBatch.objects.exists()
    loose.route_sequence = 999999
    loose.save(update_fields=["route_sequence"])
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    ids = set(BatchItem.objects.filter(batch=batch).values_list("property_id", flat=True))
    assert demolished.pk not in ids and loose.pk in ids


def test_without_schedule_the_batch_is_refused(world):
    with pytest.raises(ValidationFailed) as raised:
        svc.batch_create(actor=A, group=world["group"], month=MONTH.next().next())
    assert raised.value.code == "no_schedule" and "cronograma" in raised.value.message


def test_a_reader_without_the_reading_activity_cannot_take_a_route(world):
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    svc.reader_save(actor=A, user_id=world["reader"].user_id, employee_number="L-001", reads=False)
    world["device"].refresh_from_db()
    with pytest.raises(ValidationFailed) as raised:
        svc.route_assign(
            actor=A, route=svc.batch_route(batch, 1), device=Device.objects.get(code="PHONE-0001")
        )
    assert raised.value.code == "reader_cannot_read"
    assert svc.batch_route(batch, 1).device_id is None


def test_package_of_a_route_has_properties_in_sequence_occurrences_and_messages(world, alpha_client):
    batch = _ready(world)
    svc.message_send(actor=A, device=world["device"], text="Cuidado com o cão na rua 3")
    api = _api(alpha_client)
    response = api.get(f"/api/v1/reading/batches/{batch.pk}/routes/1/package", device="PHONE-0001")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [p["id"] for p in body["properties"]] == [p.pk for p in world["props"]]
    assert body["properties"][0]["expected"] == [world["last"] + 14, world["last"] + 34]
    assert body["device"] == "PHONE-0001" and body["reader"] == "L-001"
    assert {
        "code": "30",
        "description": "Vazamento aparente",
        "action": "normal",
        "photo_required": True,
    } in body["occurrences"]
    assert [m["text"] for m in body["messages"]] == ["Cuidado com o cão na rua 3"]
    assert ReaderMessage.objects.get().delivered_at is not None
    assert api.get(f"/api/v1/reading/batches/{batch.pk}/routes/9/package").status_code == 404


def test_sync_accepts_and_the_same_body_again_is_all_duplicate(world, alpha_client):
    batch = _ready(world)
    api = _api(alpha_client)
    p0, p1, p2 = world["props"]
    body = {
        "device": "PHONE-0001",
        "battery": 64,
        "events": [
            _event(p0, world["last"] + 21, lat="-23.501", lon="-47.452"),
            _event(p1, 112),
            _event(p2, None, occurrence="10"),
        ],
    }
    first = api.post("/api/v1/reading/sync", body)
    assert first.status_code == 200, first.content
    assert [r["status"] for r in first.json()["results"]] == ["accepted"] * 3
    reading = Reading.objects.get(property=p0, reference=MONTH.first_day())
    assert (reading.consumption_m3, reading.source, reading.device_code) == (21, "device", "PHONE-0001")
    assert reading.latitude == Decimal("-23.501000") and reading.read_at == dt.datetime(
        2025, 5, 10, 12, 30, tzinfo=dt.UTC
    )
    device = Device.objects.get(code="PHONE-0001")
    assert device.battery_percent == 64 and device.last_latitude == Decimal("-23.501000")
    second = api.post("/api/v1/reading/sync", body)
    assert [r["status"] for r in second.json()["results"]] == ["duplicate"] * 3
    assert Reading.objects.filter(reference=MONTH.first_day()).count() == 3
    assert ReadingEvent.objects.count() == 3
    progress = api.get(f"/api/v1/reading/batches/{batch.pk}").json()["routes"][0]
    assert (progress["read"], progress["pending"], progress["occurrences"]) == (3, 0, 1)


def test_sync_refuses_with_the_reason_and_writes_no_reading(world, alpha_client):
    _ready(world)
    api = _api(alpha_client)
    p0, p1, _p2 = world["props"]
    outside = f.billable(f.group(8))
    events = [
        _event(p0, world["last"] - 5),  # below the previous, no rollover, no swap
        _event(world["other"], 10),  # route 2: not this device's
        _event(outside, 10),  # no open batch holds it
        _event(p1, None, occurrence="30"),  # the leak's photo is mandatory
        _event(p1, 130, read_at="2025-05-10T18:00:00-03:00"),  # hours in the device's future
    ]
    response = api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": events})
    results = response.json()["results"]
    assert [r["code"] for r in results] == [
        "reading_below_previous",
        "device_not_assigned",
        "outside_batch",
        "photo_required",
        "clock_skew",
    ]
    assert all(r["status"] == "refused" for r in results)
    assert (
        "rota 2" in results[1]["reason"]
        and "foto" in results[3]["reason"]
        and "adiantado" in results[4]["reason"]
    )
    assert not Reading.objects.filter(reference=MONTH.first_day()).exists()
    assert set(ReadingEvent.objects.values_list("outcome", flat=True)) == {"refused"}


def test_only_the_devices_own_reader_syncs_it(world, alpha_client):
    """A phone syncs under its reader's sign-in: the back office's admin, or another reader, signed
    in with the device's id is refused (403) and nothing is written, not even an event's answer."""
    _ready(world)
    api = _api(alpha_client)
    other = make_user("alpha", "leitor2", PASSWORD, full_name="Leitor Dois")
    other.profiles.add(Profile.objects.get(name="Leiturista"))
    svc.reader_save(actor=A, user_id=other.pk, employee_number="L-002")
    body = {"device": "PHONE-0001", "events": [_event(world["props"][1], 112)]}
    for headers in (bearer(alpha_client, "chefe", PASSWORD), bearer(alpha_client, "leitor2", PASSWORD)):
        response = alpha_client.post("/api/v1/reading/sync", body, content_type="application/json", **headers)
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "device_not_readers" and "outro leiturista" in str(response.json())
    photo = SimpleUploadedFile("f.jpg", b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")
    sent = alpha_client.post(
        "/api/v1/reading/photos",
        {"device": "PHONE-0001", "event": body["events"][0]["id"], "image": photo},
        **bearer(alpha_client, "leitor2", PASSWORD),
    )
    assert sent.status_code == 403
    assert (
        not ReadingEvent.objects.exists() and not Reading.objects.filter(reference=MONTH.first_day()).exists()
    )
    assert api.post("/api/v1/reading/sync", body).json()["results"][0]["status"] == "accepted"


def test_a_device_clock_far_off_refuses_the_whole_upload(world, alpha_client):
    _ready(world)
    api = _api(alpha_client)
    body = {
        "device": "PHONE-0001",
        "sent_at": "2025-05-10T11:00:00+00:00",
        "events": [_event(world["props"][1], 112)],
    }
    result = api.post("/api/v1/reading/sync", body).json()["results"][0]
    assert (result["status"], result["code"]) == ("refused", "clock_skew") and "120 min" in result["reason"]
    assert not Reading.objects.filter(reference=MONTH.first_day()).exists()


def test_a_mandatory_photo_sent_first_lets_the_occurrence_in(world, alpha_client):
    _ready(world)
    api = _api(alpha_client)
    event = _event(world["props"][1], 112, occurrence="30")
    photo = SimpleUploadedFile("f.jpg", b"\xff\xd8\xff\xe0fake-jpeg", content_type="image/jpeg")
    sent = api.upload(
        "/api/v1/reading/photos", {"device": "PHONE-0001", "event": event["id"], "image": photo}
    )
    assert sent.status_code == 201, sent.content
    result = api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": [event]}).json()["results"][
        0
    ]
    assert result["status"] == "accepted"
    assert (
        Reading.objects.get(property=world["props"][1], reference=MONTH.first_day()).occurrence.code == "30"
    )


def test_a_billed_month_reports_the_servers_reading_and_keeps_it(world, alpha_client):
    _ready(world)
    p1 = world["props"][1]
    reading_register(actor=A, data=ReadingInput(p1.account_number, MONTH, MONTH.day(9), 118))
    group_id = world["group"].pk
    hooks.register_billed_months("tests", lambda since: {(group_id, MONTH.first_day())})
    try:
        api = _api(alpha_client)
        result = api.post(
            "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, 125)]}
        ).json()
    finally:
        hooks._PROVIDERS.pop("tests")
    answer = result["results"][0]
    assert (answer["status"], answer["code"], answer["server"]["reading"]) == (
        "refused",
        "reading_billed",
        118,
    )
    assert Reading.objects.get(property=p1, reference=MONTH.first_day()).value == 118


def test_a_second_different_reading_is_refused_with_the_servers(world, alpha_client):
    _ready(world)
    p1 = world["props"][1]
    reading_register(actor=A, data=ReadingInput(p1.account_number, MONTH, MONTH.day(9), 118))
    api = _api(alpha_client)
    answer = api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, 125)]}).json()[
        "results"
    ][0]
    assert (answer["code"], answer["server"]["reading"]) == ("reading_exists", 118)


def test_the_devices_bill_is_compared_with_the_servers_price(world, alpha_client):
    """Seed 002 §3: 16 m³ on the §14.1 tariff, water and sewer → 75.07 (billing prices it on sync)."""
    from tests.billing.test_api import TARIFF_14_1

    f.approved_tariff(**TARIFF_14_1)
    _ready(world)
    api = _api(alpha_client)
    p1, p2 = world["props"][1], world["props"][2]
    api.post(
        "/api/v1/reading/sync",
        {
            "device": "PHONE-0001",
            "events": [_event(p1, 116, bill={"total": "75.07"}), _event(p2, 116, bill={"total": "75.70"})],
        },
    )
    agreed = Reading.objects.get(property=p1, reference=MONTH.first_day())
    differs = Reading.objects.get(property=p2, reference=MONTH.first_day())
    assert agreed.consumption_m3 == 16 and "bill_diff" not in agreed.flags and agreed.review == ""
    assert "bill_diff" in differs.flags and differs.review == "pending"
    event = ReadingEvent.objects.get(reading=differs)
    assert (event.device_total, event.server_total) == (Decimal("75.70"), Decimal("75.07"))
    assert ReadingEvent.objects.get(reading=agreed).server_total == Decimal("75.07")


def test_without_a_pricer_the_devices_total_is_kept_and_not_compared(world, alpha_client):
    _ready(world)  # no tariff in force: billing cannot price the reading
    api = _api(alpha_client)
    p1 = world["props"][1]
    api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, 116, bill={"total": "75.07"})]}
    )
    event = ReadingEvent.objects.get()
    assert (event.device_total, event.server_total) == (Decimal("75.07"), None)
    assert "bill_diff" not in Reading.objects.get(property=p1).flags
    bad = api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, 116, bill={"total": "7,5"})]}
    )
    assert bad.status_code == 400 and "bill.total" in bad.content.decode()


def test_messages_reach_the_device_in_the_sync_answer_and_are_acknowledged(world, alpha_client):
    _ready(world)
    api = _api(alpha_client)
    sent = api.post("/api/v1/reading/devices/PHONE-0001/messages", {"text": "Volte à base às 16h"})
    assert sent.status_code == 201
    answer = api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": []}).json()
    assert [m["text"] for m in answer["messages"]] == ["Volte à base às 16h"]
    api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [], "acknowledged": [sent.json()["id"]]}
    )
    assert ReaderMessage.objects.get().acknowledged_at is not None
    assert api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": []}).json()["messages"] == []
    monitor = api.get("/api/v1/reading/monitor").json()
    assert monitor["devices"][0]["online"] is True and monitor["devices"][0]["reader"] == "L-001"


def test_rereading_sends_critiqued_readings_back_and_the_new_one_replaces_it(world, alpha_client):
    batch = _ready(world)
    api = _api(alpha_client)
    p0 = world["props"][0]
    high = _event(p0, world["last"] + 90)  # 90 m³ against an average of 20: goes to review
    api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": [high]})
    assert Reading.objects.get(property=p0, reference=MONTH.first_day()).review == "pending"
    marked = api.post(f"/api/v1/reading/batches/{batch.pk}/rereading", {})
    assert marked.json() == {"marked": 1}
    package = api.get(f"/api/v1/reading/batches/{batch.pk}/routes/1/package").json()
    assert [p.get("reread") is not None for p in package["properties"]] == [True, False, False]
    again = api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p0, world["last"] + 22)]}
    )
    assert again.json()["results"][0]["status"] == "accepted"
    reading = Reading.objects.get(property=p0, reference=MONTH.first_day())
    assert (reading.consumption_m3, reading.review) == (22, "")
    assert ReadingRevision.objects.get(property=p0).value == world["last"] + 90


def test_collector_file_out_and_back_with_line_errors(world, alpha_client):
    batch = _ready(world)
    api = _api(alpha_client)
    out = api.get(f"/api/v1/reading/batches/{batch.pk}/routes/1/collector-file")
    assert out.status_code == 200 and out["Content-Type"].startswith("text/csv")
    lines = out.content.decode().splitlines()
    assert lines[0] == ";".join(collector.EXPORT_HEADER) and len(lines) == 4
    p0, p1, p2 = world["props"]
    assert lines[1].split(";")[3:5] == [str(p0.pk), p0.account_number]
    text = (
        "carga;imovel;data_hora;leitura;ocorrencia\n"
        f"{batch.pk};{p1.pk};2025-05-10 09:00;115;\n"
        f"{batch.pk};{p2.pk};ontem;115;\n"
        f"{batch.pk};999999;2025-05-10 09:00;115;\n"
        f"{batch.pk};{p0.pk};2025-05-10 09:05;{world['last'] - 1};\n"
    )
    upload = SimpleUploadedFile("retorno.csv", text.encode(), content_type="text/csv")
    report = api.upload(f"/api/v1/reading/batches/{batch.pk}/return", {"file": upload}).json()
    assert (report["records"], report["accepted"]) == (4, 1)
    assert [(e["line"], e["code"]) for e in report["errors"]] == [
        (3, "collector_file"),
        (4, "outside_batch"),
        (5, "reading_below_previous"),
    ]
    assert report["errors"][0]["detail"] == "Linha 3, campo data_hora: valor inválido (ontem)."
    again = api.upload(
        f"/api/v1/reading/batches/{batch.pk}/return", {"file": SimpleUploadedFile("r.csv", text.encode())}
    ).json()
    assert again["accepted"] == 1 and Reading.objects.filter(reference=MONTH.first_day()).count() == 1
    assert list(CollectorExchange.objects.order_by("at", "id").values_list("kind", "records")) == [
        ("export", 3),
        ("import", 4),
        ("import", 4),
    ]


def test_telemetry_readings_by_api(world, alpha_client):
    _ready(world)
    api = _api(alpha_client)
    p1 = world["props"][1]
    body = {
        "readings": [
            {"property": p1.pk, "reading": 117, "read_at": "2025-05-10T03:00:00Z"},
            {"property": 1, "reading": 1, "read_at": "2025-05-10T03:00:00Z"},
        ]
    }
    answer = api.post("/api/v1/reading/amr", body).json()
    assert answer["accepted"] == 1 and answer["errors"][0]["code"] == "outside_batch"
    assert Reading.objects.get(property=p1, reference=MONTH.first_day()).source == "amr"


def test_an_occurrence_with_a_rule_opens_a_service_order(
    world, alpha_client, django_capture_on_commit_callbacks
):
    from modules.service.models import ServiceOrder
    from modules.service.services import automatic
    from tests.service import factories as sf

    _ready(world)
    sf.code("VAZ01", description="Vistoria de vazamento", price_from=dt.date(2025, 1, 1))
    automatic.rule_set(actor=A, event="reading_occurrence", occurrence="10", code="VAZ01")
    api = _api(alpha_client)
    p1 = world["props"][1]
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, None, occurrence="10")]}
        )
    assert list(ServiceOrder.objects.filter(property=p1).values_list("code__code", flat=True)) == ["VAZ01"]


def test_a_closed_batch_takes_no_more_and_routes_do_not_move(world, alpha_client):
    batch = _ready(world)
    svc.batch_close(actor=A, batch=batch)
    with pytest.raises(Conflict):
        svc.route_assign(actor=A, route=svc.batch_route(batch, 2), device=world["device"])
    assert svc.batch_route(batch, 2).device_id is None
    api = _api(alpha_client)
    answer = api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(world["props"][1], 112)]}
    )
    assert answer.json()["results"][0]["code"] == "outside_batch"
    assert not Reading.objects.filter(reference=MONTH.first_day()).exists()


def test_a_sync_costs_the_same_queries_for_one_reading_or_many(world):
    """ADR 0231: what the readings need is read once per upload and their rows inserted at its end,
    so six readings with on-site bills cost the queries of one (the old sync paid ~15 a reading)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from modules.reading.services.sync import SyncEvent, reading_sync
    from tests.billing.test_api import TARIFF_14_1

    f.approved_tariff(**TARIFF_14_1)  # billing prices every bill; each disagrees and goes to review
    more = [f.billable(world["group"], initial=100) for _ in range(6)]
    _ready(world)
    user = world["reader"].user
    at = dt.datetime(2025, 5, 10, 12, 0, tzinfo=dt.UTC)

    def sync(props: list[Any]) -> int:
        events = [
            SyncEvent(
                uuid.uuid4(),
                p.pk,
                116,
                at,
                latitude=Decimal("-23.5"),
                longitude=Decimal("-47.4"),
                bill_total=Decimal("1.00"),
            )
            for p in props
        ]
        with CaptureQueriesContext(connection) as queries:
            result = reading_sync(actor=user, device_code="PHONE-0001", events=events)
        assert {a.status for a in result.answers} == {"accepted"}, result.answers
        return len(queries)

    one, six = sync([world["props"][1]]), sync(more)
    assert six <= one + 1, (one, six)
    assert one <= 50  # the upload's reads and inserts, and billing's pricing of its bills
    assert Reading.objects.filter(reference=MONTH.first_day()).count() == 7
    assert ReadingEvent.objects.filter(outcome="accepted", server_total=Decimal("75.07")).count() == 7
    assert Reading.objects.filter(review="pending", flags__contains=["bill_diff"]).count() == 7


def test_device_positions_older_than_the_retention_are_pruned(world):
    from modules.common.models import AuditEntry
    from modules.reading.models import DevicePosition

    device = world["device"]
    old = DevicePosition.objects.create(
        device=device, at=NOW - dt.timedelta(days=91), latitude=Decimal("-23.5"), longitude=Decimal("-47.4")
    )
    kept = DevicePosition.objects.create(
        device=device, at=NOW - dt.timedelta(days=89), latitude=Decimal("-23.5"), longitude=Decimal("-47.4")
    )
    assert svc.positions_prune(actor=A, now=NOW) == 1
    assert list(DevicePosition.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not DevicePosition.objects.filter(pk=old.pk).exists()
    assert svc.positions_prune(actor=A, now=NOW) == 0
    entry = AuditEntry.objects.get(action="reading.device_positions_prune")
    assert entry.after["deleted"] == 1 and entry.after["retention_days"] == 90
    svc.field_settings_update(actor=A, position_retention_days=30)  # the utility's own retention
    assert svc.positions_prune(actor=A, now=NOW) == 1 and not DevicePosition.objects.exists()


def test_the_monitor_plays_the_trip_back_with_distance_time_and_three_status_colours(world, alpha_client):
    """3.2.4.18.3/.4: the trip from the first fix to the last (haversine sum, time taken) drawn as a
    path a point travels along; not read, read, and read with its bill computed on the spot."""
    batch = _ready(world)
    api = _api(alpha_client)
    p0, p1, _p2 = world["props"]
    for prop, lat, lon in ((p0, "-23.5", "-47.45"), (p1, "-23.5", "-47.45")):
        BatchItem.objects.filter(batch=batch, property=prop).update(latitude=lat, longitude=lon)
    BatchItem.objects.filter(batch=batch, property=_p2).update(latitude="-23.505", longitude="-47.45")
    events = [
        _event(p0, world["last"] + 20, lat="-23.500", lon="-47.450", read_at="2025-05-10T08:00:00-03:00"),
        _event(
            p1,
            112,
            lat="-23.510",
            lon="-47.450",
            read_at="2025-05-10T09:30:00-03:00",
            bill={"total": "75.07"},
        ),
    ]
    assert api.post("/api/v1/reading/sync", {"device": "PHONE-0001", "events": events}).status_code == 200
    monitor = api.get("/api/v1/reading/monitor", batch=batch.pk).json()
    (trip,) = monitor["trips"]
    assert (trip["device"], trip["minutes"], trip["positions"]) == ("PHONE-0001", 90, 2)
    assert trip["distance_km"] == "1.11"  # 0.01° of latitude
    statuses = {p["label"].split(" ")[0].rstrip(":"): p["status"] for p in monitor["points"]}
    labels = {p["label"].split(" ")[0].rstrip(":"): p["label"] for p in monitor["points"]}
    # 3.2.4.18.2: the point says the reading, the billed consumption, the address and where
    assert labels[p1.account_number].startswith(
        f"{p1.account_number}: leitura 112 · 12 m³ – Rua Tiradentes, 100"
    )
    assert labels[p1.account_number].endswith("(-23.500000, -47.450000)")
    assert statuses[p0.account_number] == "read"
    assert statuses[p1.account_number] == "calculated"
    assert statuses[_p2.account_number] == "pending"
    make_user("alpha", "monitor", PASSWORD, is_admin=True)
    assert alpha_client.login(username="monitor", password=PASSWORD)
    html = alpha_client.get(f"/leitura/acompanhamento/?batch={batch.pk}").content.decode()
    assert "<animateMotion" in html and "1,11 km" in html and "1 h 30 min" in html
    assert "lido e calculado" in html and 'class="pt calculated"' in html


def test_an_exempt_property_is_read_its_consumption_computed_and_its_bill_is_zero(world, alpha_client):
    """3.2.4.8: an exempt unit (water and sewer, ADR 0190) is in the batch like any other, its
    reading is stored with the consumption it gives, and the server prices its bill at zero: the
    device's 0,00 agrees, so nothing goes to review."""
    from modules.billing.services.exemptions import exemption_create
    from tests.billing.test_api import TARIFF_14_1

    f.approved_tariff(**TARIFF_14_1)
    p1 = world["props"][1]
    for component in ("water", "sewer"):
        exemption_create(
            actor=A,
            property_id=p1.pk,
            component=component,
            valid_from=MONTH,
            valid_until=None,
            reason="Lei 123",
        )
    batch = _ready(world)
    assert BatchItem.objects.filter(batch=batch, property=p1).exists()
    api = _api(alpha_client)
    answer = api.post(
        "/api/v1/reading/sync", {"device": "PHONE-0001", "events": [_event(p1, 116, bill={"total": "0.00"})]}
    ).json()
    assert answer["results"][0]["status"] == "accepted"
    reading = Reading.objects.get(property=p1, reference=MONTH.first_day())
    assert reading.consumption_m3 == 16 and reading.review == "" and "bill_diff" not in reading.flags
    assert ReadingEvent.objects.get(reading=reading).server_total == Decimal("0.00")


def test_a_reader_does_not_read_the_same_route_past_the_rotation_limit(world, alpha_client):
    """S12.5-03: with at most 2 consecutive cycles, the third month in a row of route 1 for the same
    reader is refused (409); released with a reason it goes, and the audit keeps the override;
    with the control off (0) it goes at once."""
    from modules.common.models import AuditEntry

    api = _api(alpha_client)
    for month in (MONTH.plus(-2), MONTH.plus(-1)):
        batch, _ = svc.batch_create(actor=A, group=world["group"], month=month)
        svc.route_assign(actor=A, route=svc.batch_route(batch, 1), device=world["device"])
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    path = f"/api/v1/reading/batches/{batch.pk}/routes/1/device"
    refused = api.put(path, {"device": "PHONE-0001"})
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "route_rotation" and "últimos 2 ciclos" in str(refused.json())
    assert api.put(path, {"device": "PHONE-0001", "override": True}).status_code == 409  # no reason
    released = api.put(
        path, {"device": "PHONE-0001", "override": True, "reason": "Leiturista único do distrito"}
    )
    assert released.status_code == 200, released.content
    entry = AuditEntry.objects.filter(action="reading.route_assign").latest("id")
    assert entry.after["rotation_override"] is True and entry.reason == "Leiturista único do distrito"
    settings = api.put("/api/v1/reading/field-settings", {"max_consecutive_cycles": 0})
    assert settings.json() == {
        "max_consecutive_cycles": 0,
        "position_retention_days": 90,
        "readable_statuses": ["active", "vacant"],
    }
    assert api.put(path, {"device": "PHONE-0001"}).status_code == 200
    bad = api.put("/api/v1/reading/field-settings", {"position_retention_days": 0})
    assert bad.status_code == 400 and bad.json()["field"] == "position_retention_days"


def test_the_readers_page_sets_the_rotation_and_the_batch_page_releases_it(world, alpha_client):
    make_user("alpha", "gestora", PASSWORD, is_admin=True)
    assert alpha_client.login(username="gestora", password=PASSWORD)
    assert 'name="max_consecutive_cycles"' in alpha_client.get("/leitura/leituristas/").content.decode()
    alpha_client.post(
        "/leitura/leituristas/",
        {
            "op": "settings",
            "max_consecutive_cycles": "1",
            "position_retention_days": "60",
            "readable_statuses": ["active", "vacant"],
        },
    )
    assert (svc.field_settings().max_consecutive_cycles, svc.field_settings().position_retention_days) == (
        1,
        60,
    )
    earlier, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH.plus(-1))
    svc.route_assign(actor=A, route=svc.batch_route(earlier, 1), device=world["device"])
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    page = f"/leitura/cargas/{batch.pk}/"
    alpha_client.post(page, {"op": "assign", "route": "1", "device": "PHONE-0001"})
    assert svc.batch_route(batch, 1).device_id is None
    alpha_client.post(
        page,
        {"op": "assign", "route": "1", "device": "PHONE-0001", "override": "on", "override_reason": "Férias"},
    )
    assert svc.batch_route(batch, 1).device_id == world["device"].pk


def test_the_situations_read_in_the_field_are_the_utilitys(world, alpha_client):
    """3.2.4.4.2: with demolished units also read (a utility that checks them), a demolished unit
    enters the batch; an unknown situation is refused naming the field."""
    from modules.registry.models import Property

    api = _api(alpha_client)
    p2 = world["props"][2]
    Property.objects.filter(pk=p2.pk).update(status="demolished")
    bad = api.put("/api/v1/reading/field-settings", {"readable_statuses": ["active", "sumido"]})
    assert bad.status_code == 400 and bad.json()["field"] == "readable_statuses"
    done = api.put("/api/v1/reading/field-settings", {"readable_statuses": ["active", "demolished"]})
    assert done.json()["readable_statuses"] == ["active", "demolished"]
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    assert BatchItem.objects.filter(batch=batch, property=p2).exists()
    make_user("alpha", "gestora2", PASSWORD, is_admin=True)
    assert alpha_client.login(username="gestora2", password=PASSWORD)
    html = alpha_client.get("/leitura/leituristas/").content.decode()
    assert 'value="demolished" checked' in html and 'value="vacant">' in html
