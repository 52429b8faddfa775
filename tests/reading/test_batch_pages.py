"""The staff pages of reading in the field, as a supervisor uses them: generate the batch of a group
and month, hand a route to a device, see the routes' counters move after a sync, send a re-reading,
process a contractor's return file, register readers and devices, and message a reader from the
monitor; a profile without the function is refused and nothing is written."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.access.models import Profile
from modules.reading.models import BatchRoute, Device, Reader, ReaderMessage, Reading, ReadingBatch
from modules.reading.services import batches as svc
from modules.reading.services.sync import SyncEvent, reading_sync
from tests.conftest import make_user

from .test_batches import MONTH, NOW, PASSWORD, A, world  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _signed_in(alpha_client: Any, username: str = "supervisora", **user: Any) -> Any:
    make_user("alpha", username, PASSWORD, **({"is_admin": True} | user))
    assert alpha_client.login(username=username, password=PASSWORD)
    return alpha_client


def test_a_supervisor_generates_a_batch_hands_a_route_and_sees_it_move(world, alpha_client):  # noqa: F811
    client = _signed_in(alpha_client)
    page = client.get("/leitura/cargas/")
    assert page.status_code == 200 and "Gerar carga" in page.content.decode()
    created = client.post("/leitura/cargas/", {"group": "7", "month": "2025-05"})
    batch = ReadingBatch.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/leitura/cargas/{batch.pk}/"
    client.post(f"/leitura/cargas/{batch.pk}/", {"op": "assign", "route": "1", "device": "PHONE-0001"})
    assert BatchRoute.objects.get(batch=batch, code=1).device.code == "PHONE-0001"
    p1 = world["props"][1]
    reading_sync(
        actor=world["reader"].user,
        device_code="PHONE-0001",
        events=[SyncEvent(uuid.uuid4(), p1.pk, 115, dt.datetime(2025, 5, 10, 12, 0, tzinfo=dt.UTC))],
    )
    html = client.get(f"/leitura/cargas/{batch.pk}/").content.decode()
    assert "lidos 1 · pendentes 3" in html
    monitor = client.get(f"/leitura/acompanhamento/?batch={batch.pk}").content.decode()
    assert "1 em campo agora" in monitor and "<svg" in monitor
    client.post(
        f"/leitura/acompanhamento/?batch={batch.pk}", {"device": "PHONE-0001", "text": "Ligue para a base"}
    )
    assert ReaderMessage.objects.get().text == "Ligue para a base"
    csv = client.get(f"/leitura/cargas/{batch.pk}/rotas/1/arquivo/")
    assert csv.status_code == 200 and csv.content.decode().count("\n") == 4
    line = f"{batch.pk};{world['props'][2].pk};2025-05-10 09:00;113;"
    text = f"carga;imovel;data_hora;leitura;ocorrencia\n{line}\n"
    client.post(
        f"/leitura/cargas/{batch.pk}/",
        {"op": "return", "file": SimpleUploadedFile("r.csv", text.encode(), content_type="text/csv")},
    )
    assert Reading.objects.get(property=world["props"][2], reference=MONTH.first_day()).source == "file"
    client.post(f"/leitura/cargas/{batch.pk}/", {"op": "close"})
    assert ReadingBatch.objects.get().status == "closed"


def test_readers_and_devices_are_registered_on_their_page(world, alpha_client):  # noqa: F811
    client = _signed_in(alpha_client)
    other = make_user("alpha", "leitor2", PASSWORD, full_name="Leitora Dois")
    client.post(
        "/leitura/leituristas/", {"op": "reader", "user": other.pk, "employee_number": "L-002", "reads": "on"}
    )
    client.post(
        "/leitura/leituristas/", {"op": "device", "code": "PHONE-0002", "label": "A10", "reader": "L-002"}
    )
    assert Device.objects.get(code="PHONE-0002").reader.employee_number == "L-002"
    html = client.get("/leitura/leituristas/").content.decode()
    assert "Leitora Dois" in html and "PHONE-0002" in html
    refused = client.post(
        "/leitura/leituristas/", {"op": "reader", "user": other.pk, "employee_number": "L-001"}
    )
    assert refused.status_code == 302 and Reader.objects.get(user_id=other.pk).employee_number == "L-002"


def test_without_the_function_the_pages_are_refused(world, alpha_client):  # noqa: F811
    user = make_user("alpha", "atendente1", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Atendente"))
    assert alpha_client.login(username="atendente1", password=PASSWORD)
    for path in ("/leitura/cargas/", "/leitura/leituristas/", "/leitura/acompanhamento/"):
        assert alpha_client.get(path).status_code == 403, path
    assert alpha_client.post("/leitura/cargas/", {"group": "7", "month": "2025-05"}).status_code == 403
    assert not ReadingBatch.objects.exists()
    svc.batch_create(actor=A, group=world["group"], month=MONTH)  # the refusal was the profile's


def test_the_occurrence_list_is_edited_on_its_page_and_reaches_the_package(world, alpha_client):  # noqa: F811
    from modules.reading.models import Occurrence

    client = _signed_in(alpha_client)
    assert "Ocorrências de leitura" in client.get("/leitura/ocorrencias/").content.decode()
    client.post(
        "/leitura/ocorrencias/",
        {"code": "12", "description": "Hidrômetro embaçado", "action": "average", "photo_required": "on"},
    )
    row = Occurrence.objects.get(code="12")
    assert (row.description, row.action, row.review, row.photo_required) == (
        "Hidrômetro embaçado",
        "average",
        False,
        True,
    )
    client.post("/leitura/ocorrencias/", {"code": "50", "description": "", "action": "normal"})
    assert not Occurrence.objects.filter(code="50").exists()
    batch, _ = svc.batch_create(actor=A, group=world["group"], month=MONTH)
    package = client.get(f"/api/v1/reading/batches/{batch.pk}/routes/1/package").json()
    assert {
        "code": "12",
        "description": "Hidrômetro embaçado",
        "action": "average",
        "photo_required": True,
    } in package["occurrences"]


def test_occurrences_by_api(world, alpha_client):  # noqa: F811
    from tests.conftest import bearer

    make_user("alpha", "gestor-api", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "gestor-api", PASSWORD)
    body = {"code": "60", "description": "Caixa inundada", "action": "average", "photo_required": True}
    saved = alpha_client.post("/api/v1/reading/occurrences", body, content_type="application/json", **headers)
    assert saved.status_code == 200 and saved.json()["photo_required"] is True
    listed = alpha_client.get("/api/v1/reading/occurrences", **headers).json()["results"]
    assert [o["code"] for o in listed][-1] == "60"
    bad = alpha_client.post(
        "/api/v1/reading/occurrences", body | {"action": "nada"}, content_type="application/json", **headers
    )
    assert bad.status_code == 400 and "consumo" in bad.json()["detail"]
