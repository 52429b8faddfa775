"""Senhas as the totem, the display and the desk use them: each unit numbers and queues its own
tickets (S10.1-03), the desk calls the next by the unit's priority rule (3.2.15.11–.12, S10.1-06),
a queue's new rule applies to the next ticket, waiting and service times per ticket (S10.1-07),
the display's state (S10.1-04) and the hook that opens the attendance."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.test import Client

from modules.common.audit import SystemActor
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context
from modules.service import channels_hooks
from modules.service.models import AttendanceUnit, Ticket, TicketQueue
from modules.service.services import tickets
from tests.conftest import TENANTS, bearer, make_user
from tests.registry import factories as rf

PASSWORD = "Senha-forte-123"
ACTOR = SystemActor("testes")
T0 = dt.datetime(2026, 4, 17, 12, 0, tzinfo=dt.UTC)  # 09:00 in São Paulo


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "atendente", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "atendente", PASSWORD)

    class Api:
        def get(self, path: str):
            return alpha_client.get(path, **headers)

        def post(self, path: str, body: dict | None = None):
            return alpha_client.post(path, body or {}, content_type="application/json", **headers)

    return Api()


def unit_with_queues(code: str, streak: int = 2) -> AttendanceUnit:
    unit = tickets.unit_create(actor=ACTOR, code=code, name=f"Posto {code}", priority_streak=streak)
    tickets.queue_set(actor=ACTOR, unit_id=unit.pk, prefix="N", name="Atendimento geral", priority=0)
    tickets.queue_set(actor=ACTOR, unit_id=unit.pk, prefix="P", name="Prioritário", priority=1, position=1)
    tickets.queue_set(
        actor=ACTOR, unit_id=unit.pk, prefix="E", name="80 anos ou mais", priority=2, position=2
    )
    return unit


def queue(unit: AttendanceUnit, prefix: str) -> TicketQueue:
    return unit.queues.get(prefix=prefix)


def kiosk_issue(client: Client, unit: AttendanceUnit, prefix: str) -> str:
    response = client.post(f"/senhas/emitir/{unit.code}/", {"queue": queue(unit, prefix).pk})
    assert response.status_code == 200, response.content
    return Ticket.objects.filter(unit=unit).latest("id").label


def test_each_unit_numbers_its_own_tickets_and_lists_only_its_own(api, alpha_client) -> None:
    centro, norte = unit_with_queues("centro"), unit_with_queues("norte")
    page = alpha_client.get("/senhas/emitir/centro/")  # the totem: no sign-in
    assert page.status_code == 200
    assert "Atendimento geral" in page.content.decode() and "80 anos ou mais" in page.content.decode()

    labels = [kiosk_issue(alpha_client, centro, "N"), kiosk_issue(alpha_client, centro, "P")]
    labels.append(kiosk_issue(alpha_client, norte, "N"))

    assert labels == ["N001", "P002", "N001"]
    listed = api.get(f"/api/v1/service/tickets?unit={centro.pk}").json()["results"]
    assert [t["label"] for t in listed] == ["N001", "P002"]
    assert api.get(f"/api/v1/service/tickets?unit={norte.pk}").json()["results"][0]["label"] == "N001"
    # the desk of norte never gets centro's tickets
    called = api.post("/api/v1/service/tickets/call-next", {"unit": norte.pk, "desk": "Guichê 1"}).json()
    assert called["label"] == "N001" and called["unit"] == norte.pk
    assert (
        api.post("/api/v1/service/tickets/call-next", {"unit": norte.pk, "desk": "Guichê 1"}).status_code
        == 409
    )


def test_call_next_follows_the_legal_priorities_and_the_units_streak(api, alpha_client, _frozen) -> None:
    unit = unit_with_queues("centro", streak=2)
    for prefix in ["N", "N", "P", "P", "P", "E"]:
        kiosk_issue(alpha_client, unit, prefix)
        _frozen.shift(60)
    order = []
    for _ in range(6):
        response = api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 2"})
        assert response.status_code == 200, response.content
        order.append(response.json()["label"])
        _frozen.shift(30)
    # 80+ first, then the oldest priority; after two priority calls in a row a normal one
    assert order == ["E006", "P003", "N001", "P004", "P005", "N002"]

    refused = api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 2"})
    assert refused.status_code == 409 and refused.json()["code"] == "no_ticket_waiting"


def test_a_queues_new_rule_applies_to_the_next_ticket_only(api, alpha_client, _frozen) -> None:
    unit = unit_with_queues("centro", streak=0)
    kiosk_issue(alpha_client, unit, "N")  # N001, normal
    response = api.post(
        f"/api/v1/service/ticket-units/{unit.pk}/queues",
        {"prefix": "N", "name": "Atendimento geral", "priority": 1},
    )
    assert response.status_code == 201
    kiosk_issue(alpha_client, unit, "N")  # N002, issued as a priority
    kiosk_issue(alpha_client, unit, "P")  # P003
    assert list(Ticket.objects.filter(unit=unit).values_list("priority", flat=True)) == [0, 1, 1]
    labels = []
    for _ in range(3):
        labels.append(
            api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "G1"}).json()["label"]
        )
        _frozen.shift(30)
    assert labels == ["N002", "P003", "N001"]
    assert (
        AuditEntry.objects.filter(action="service.queue_set", object_id=str(queue(unit, "N").pk)).count() == 2
    )


def test_waiting_and_service_time_per_ticket(api, alpha_client, _frozen) -> None:
    unit = unit_with_queues("centro")
    kiosk_issue(alpha_client, unit, "N")
    _frozen.shift(7 * 60 + 5)  # seated for 7 min 5 s
    ticket = api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 3"}).json()
    _frozen.shift(12 * 60)  # served for 12 min
    done = api.post(f"/api/v1/service/tickets/{ticket['id']}/finish").json()
    assert (done["waiting_seconds"], done["service_seconds"], done["status"]) == (425, 720, "finished")
    assert api.get(f"/api/v1/service/tickets/{ticket['id']}").json()["desk"] == "Guichê 3"
    prop = rf.prop()
    identified = api.post(f"/api/v1/service/tickets/{ticket['id']}/identify", {"property": prop.pk})
    assert identified.status_code == 200 and identified.json()["property"] == prop.pk
    again = api.post(f"/api/v1/service/tickets/{ticket['id']}/finish")
    assert again.status_code == 409 and again.json()["code"] == "ticket_not_called"


def test_the_desk_turns_a_pre_attendance_into_a_ticket_and_calls_it(tenant_alpha, alpha_client) -> None:
    unit = unit_with_queues("centro")
    prop = rf.prop()
    make_user("alpha", "balcao", PASSWORD, is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "balcao", "password": PASSWORD}).status_code == 302
    )
    alpha_client.post("/senhas/chamar/", {"action": "place", "unit": unit.pk, "desk": "Guichê 4"})
    issued = alpha_client.post(
        "/senhas/chamar/",
        {
            "action": "issue",
            "queue": queue(unit, "N").pk,
            "note": "Revisão de conta",
            "account": prop.account_number,
        },
    )
    assert issued.status_code == 302
    ticket = Ticket.objects.get(unit=unit)
    assert (ticket.origin, ticket.note, ticket.property_id, ticket.status) == (
        "desk",
        "Revisão de conta",
        prop.pk,
        "waiting",
    )
    page = alpha_client.get("/senhas/chamar/").content.decode()
    assert 'data-testid="waiting-N">1<' in page

    alpha_client.post("/senhas/chamar/", {"action": "next"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.called_at, ticket.desk) == ("called", T0, "Guichê 4")
    page = alpha_client.get("/senhas/chamar/").content.decode()
    assert 'data-testid="waiting-N">0<' in page
    assert ticket.label in page and f"/servicos/atendimento/imovel/{prop.pk}/" in page


def test_the_display_shows_the_latest_calls_and_a_recall_changes_its_key(api, alpha_client, _frozen) -> None:
    unit = unit_with_queues("centro")
    kiosk_issue(alpha_client, unit, "N")
    kiosk_issue(alpha_client, unit, "N")
    first = api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 1"}).json()
    _frozen.shift(40)
    api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 2"})
    _frozen.shift(40)

    state = Client(HTTP_HOST=TENANTS["alpha"]).get("/senhas/painel/centro/estado").json()  # no sign-in
    assert [(c["label"], c["desk"]) for c in state["last"]] == [("N002", "Guichê 2"), ("N001", "Guichê 1")]
    assert api.post(f"/api/v1/service/tickets/{first['id']}/recall").status_code == 200
    after = alpha_client.get("/senhas/painel/centro/estado").json()
    assert after["current"]["label"] == "N001" and after["current"]["key"] == f"{first['id']}.2"

    page = alpha_client.get("/senhas/painel/centro/")
    html = page.content.decode()
    assert page.status_code == 200 and "service/channels/panel.js" in html
    assert "<script>" not in html and "style=" not in html  # the policy refuses inline scripts and styles
    assert alpha_client.get("/senhas/painel/nao-existe/").status_code == 404


def test_calling_announces_the_ticket_to_the_attendance_hook(
    api, alpha_client, django_capture_on_commit_callbacks
) -> None:
    unit = unit_with_queues("centro")
    prop = rf.prop()
    tickets.ticket_issue(
        actor=ACTOR, queue_id=queue(unit, "N").pk, origin="desk", note="Ligação nova", property_id=prop.pk
    )
    seen: list[channels_hooks.TicketCalled] = []
    channels_hooks.register_ticket_called("test", seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 1"})
    finally:
        channels_hooks._ticket_handlers.pop("test")
    assert [(s.label, s.desk, s.property_id, s.note) for s in seen] == [
        ("N001", "Guichê 1", prop.pk, "Ligação nova")
    ]


def test_nobody_waiting_writes_nothing(api) -> None:
    unit = unit_with_queues("centro")
    before = AuditEntry.objects.count()
    response = api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 1"})
    assert response.status_code == 409
    assert AuditEntry.objects.count() == before
    assert api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": ""}).status_code == 400


def test_two_desks_calling_at_the_same_instant_never_get_the_same_ticket(
    django_db_setup, django_db_blocker
) -> None:
    from tests.collection.test_concurrency import committed_in, in_threads

    with django_db_blocker.unblock(), committed_in("alpha"):
        user = make_user("alpha", "concorrente", PASSWORD, is_admin=True)
        with tenant_context("alpha"):
            from modules.access.services.tokens import token_issue

            headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
            unit = tickets.unit_create(
                actor=ACTOR, code="concorrencia", name="Concorrência", priority_streak=0
            )
            normal = tickets.queue_set(actor=ACTOR, unit_id=unit.pk, prefix="N", name="Geral")
            for _ in range(6):
                tickets.ticket_issue(actor=ACTOR, queue_id=normal.pk)
        barrier = threading.Barrier(6)

        def call(index: int) -> str:
            barrier.wait(timeout=30)
            response = Client(HTTP_HOST=TENANTS["alpha"]).post(
                "/api/v1/service/tickets/call-next",
                {"unit": unit.pk, "desk": f"Guichê {index}"},
                content_type="application/json",
                **headers,
            )
            assert response.status_code == 200, response.content
            return str(response.json()["label"])

        labels = in_threads(6, 6, call)
        assert sorted(labels) == ["N001", "N002", "N003", "N004", "N005", "N006"]
        with tenant_context("alpha"):
            assert set(Ticket.objects.filter(unit=unit).values_list("status", flat=True)) == {"called"}


def test_the_display_plays_the_units_media_set_on_the_settings_page(tenant_alpha, alpha_client) -> None:
    unit = unit_with_queues("centro")
    other = unit_with_queues("norte")
    make_user("alpha", "gestora", PASSWORD, is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    )
    base = {"d-seconds": 10, "d-position": 1, "action": "display"}
    alpha_client.post(
        "/senhas/configurar/", base | {"d-kind": "text", "d-text": "Pague pelo PIX", "d-unit": unit.pk}
    )
    alpha_client.post(
        "/senhas/configurar/", base | {"d-kind": "video", "d-url": "/static/service/institucional.mp4"}
    )
    refused = alpha_client.post(
        "/senhas/configurar/", base | {"d-kind": "video", "d-url": "https://exemplo.com/v.mp4"}
    )
    assert refused.status_code == 200 and "/static/" in refused.content.decode()

    html = alpha_client.get("/senhas/painel/centro/").content.decode()
    assert "Pague pelo PIX" in html and 'src="/static/service/institucional.mp4"' in html
    norte = alpha_client.get("/senhas/painel/norte/estado").json()["media"]
    assert [m["kind"] for m in norte] == ["video"]  # every unit's item, not centro's message
    assert other.display_items.count() == 0
    assert AuditEntry.objects.filter(action="service.display_item_create").count() == 2


def test_the_attendant_links_a_totem_ticket_to_the_property_from_the_desk(tenant_alpha, alpha_client) -> None:
    unit = unit_with_queues("centro")
    prop = rf.prop()
    kiosk_issue(alpha_client, unit, "N")
    make_user("alpha", "balcao2", PASSWORD, is_admin=True)
    assert (
        alpha_client.post("/conta/entrar/", {"username": "balcao2", "password": PASSWORD}).status_code == 302
    )
    alpha_client.post("/senhas/chamar/", {"action": "place", "unit": unit.pk, "desk": "Guichê 5"})
    alpha_client.post("/senhas/chamar/", {"action": "next"})
    ticket = Ticket.objects.get(unit=unit)
    assert "Associar imóvel" in alpha_client.get("/senhas/chamar/").content.decode()
    alpha_client.post("/senhas/chamar/", {"action": "identify", "ticket": ticket.pk, "account": "999999"})
    ticket.refresh_from_db()
    assert ticket.property_id is None  # an unknown account links nothing
    alpha_client.post(
        "/senhas/chamar/", {"action": "identify", "ticket": ticket.pk, "account": prop.account_number}
    )
    ticket.refresh_from_db()
    assert ticket.property_id == prop.pk
    assert f"/servicos/atendimento/imovel/{prop.pk}/" in alpha_client.get("/senhas/chamar/").content.decode()


def test_the_public_totem_page_limits_tickets_per_address(tenant_alpha, alpha_client, settings) -> None:
    from django.core.cache import cache

    settings.KIOSK_TICKETS_PER_MINUTE = 3
    unit = unit_with_queues("limite")
    cache.delete(f"service:kiosk:{unit.pk}:127.0.0.1")
    codes = [
        alpha_client.post("/senhas/emitir/limite/", {"queue": queue(unit, "N").pk}).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert Ticket.objects.filter(unit=unit).count() == 3


def test_calling_a_ticket_opens_the_attendants_attendance_waiting_since_the_ticket(
    api, alpha_client, _frozen, django_capture_on_commit_callbacks
) -> None:
    from modules.service.models import Attendance

    unit = unit_with_queues("centro")
    prop = rf.prop()
    ticket = tickets.ticket_issue(
        actor=ACTOR, queue_id=queue(unit, "N").pk, origin="desk", property_id=prop.pk
    )
    _frozen.shift(dt.timedelta(minutes=7))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 1"}).status_code
            == 200
        )
    attendance = Attendance.objects.get(attendant__username="atendente", ended_at__isnull=True)
    assert (attendance.channel, attendance.ticket_id, attendance.property_id) == (
        "counter",
        ticket.pk,
        prop.pk,
    )
    assert attendance.waiting_since == T0
    # a second call by the same attendant, whose attendance is still open, opens no other
    tickets.ticket_issue(actor=ACTOR, queue_id=queue(unit, "N").pk, origin="desk")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post("/api/v1/service/tickets/call-next", {"unit": unit.pk, "desk": "Guichê 1"}).status_code
            == 200
        )
    assert Attendance.objects.filter(attendant__username="atendente").count() == 1
