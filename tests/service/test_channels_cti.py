"""CTI as the telephony system and the agents use it (3.2.16): signed call events, idempotent by
id; the caller identified by number and the agent's screen popped on the property; supply outages
told by the IVR to callers from the area only; the IVR's debts spelled out and the 2nd copy by SMS
(through the local SMS gateway); protocol status; the queue monitor's figures."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from fakes.channels import FakeSmsGateway
from modules.billing.models import Bill
from modules.common.audit import SystemActor
from modules.common.models import AuditEntry
from modules.service.models import Call, CallEvent, ChannelSettings, SmsMessage
from modules.service.services.cti import signature
from modules.service.services.orders import order_open
from tests.conftest import make_user
from tests.registry import factories as rf

from . import factories as f

SECRET = "segredo-da-telefonia-alpha"
PASSWORD = "Senha-forte-123"
T0 = dt.datetime(2026, 4, 17, 13, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sms(tenant_alpha):
    server = FakeSmsGateway(token="sms-alpha").start()
    ChannelSettings.objects.update_or_create(
        pk=1,
        defaults={
            "cti_secret": SECRET,
            "sms_base_url": server.url,
            "sms_token": "sms-alpha",
            "sms_sender": "SAAE",
        },
    )
    yield server
    server.stop()


def signed(client: Client, path: str, body: dict, secret: str = SECRET, timestamp: int | None = None):
    raw = json.dumps(body).encode()
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(
        path,
        raw,
        content_type="application/json",
        HTTP_X_MANANCIAL_TIMESTAMP=stamp,
        HTTP_X_MANANCIAL_SIGNATURE=signature(secret, stamp, raw),
    )


def event(kind: str, call: str, seconds: int, **extra: str) -> dict:
    at = (T0 + dt.timedelta(seconds=seconds)).isoformat()
    return {"event_id": f"{call}-{kind}", "type": kind, "call_id": call, "at": at, **extra}


@pytest.fixture
def maria(tenant_alpha):
    customer = rf.customer("Maria da Conceição Souza", phone="(11) 98765-4321")
    return customer, rf.prop(holder=customer)


@pytest.fixture
def agent(tenant_alpha, alpha_client):
    make_user("alpha", "ana", PASSWORD, is_admin=True)
    assert alpha_client.post("/conta/entrar/", {"username": "ana", "password": PASSWORD}).status_code == 302
    return alpha_client


def test_events_without_this_utilitys_signature_are_refused_and_write_nothing(sms, alpha_client) -> None:
    body = event("call_started", "c1", 0, caller="+5511987654321")
    assert signed(alpha_client, "/api/v1/cti/events", body, secret="outro-segredo").status_code == 403
    expired = signed(alpha_client, "/api/v1/cti/events", body, timestamp=int(time.time()) - 301)
    assert expired.status_code == 403 and expired.json()["code"] == "signature_invalid"
    unsigned = alpha_client.post("/api/v1/cti/events", body, content_type="application/json")
    assert unsigned.status_code == 403
    assert CallEvent.objects.count() == 0 and Call.objects.count() == 0


def test_answered_call_pops_the_callers_property_on_the_agents_screen(sms, maria, agent) -> None:
    _customer, prop = maria
    telephony = Client(HTTP_HOST="alpha.localhost")
    first = signed(telephony, "/api/v1/cti/events", event("call_started", "c1", 0, caller="011 98765-4321"))
    assert first.status_code == 201 and first.json()["property"] == prop.pk
    signed(telephony, "/api/v1/cti/events", event("ringing", "c1", 5, queue="comercial"))
    assert agent.get("/api/v1/cti/current-call").json()["call"] is None
    answered = signed(telephony, "/api/v1/cti/events", event("answered", "c1", 35, agent="ana"))
    assert answered.status_code == 201
    replay = signed(telephony, "/api/v1/cti/events", event("answered", "c1", 35, agent="ana"))
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert CallEvent.objects.filter(call_id="c1").count() == 3
    assert AuditEntry.objects.filter(action="service.call_event").count() == 3

    current = agent.get("/api/v1/cti/current-call").json()["call"]
    assert current["caller"] == "+5511987654321" and current["property"] == prop.pk
    console = agent.get("/atendimento/cti/").content.decode()
    assert "service/channels/cti.js" in console and 'data-known="c1"' in console
    popped = agent.get("/atendimento/cti/chamada/?caller=%2B5511987654321")
    assert popped.status_code == 302 and popped["Location"] == f"/servicos/atendimento/imovel/{prop.pk}/"
    assert agent.get(popped["Location"]).status_code == 200

    signed(telephony, "/api/v1/cti/events", event("hung_up", "c1", 200))
    assert agent.get("/api/v1/cti/current-call").json()["call"] is None
    call = Call.objects.get(call_id="c1")
    assert (call.ringing_at, call.answered_at, call.ended_at, call.abandoned) == (
        T0 + dt.timedelta(seconds=5),
        T0 + dt.timedelta(seconds=35),
        T0 + dt.timedelta(seconds=200),
        False,
    )


def test_screen_pop_lists_every_match_of_a_shared_number(sms, maria, agent) -> None:
    _customer, prop = maria
    joao = rf.customer("João Souza", phone_home="+55 (11) 98765 4321")
    other = rf.prop(holder=joao, number="900")
    pop = agent.get("/api/v1/cti/screen-pop?caller=11987654321").json()
    assert pop["caller"] == "+5511987654321" and pop["open"] is None
    assert [(m["name"], m["phone_field"], [p["id"] for p in m["properties"]]) for m in pop["matches"]] == [
        ("João Souza", "phone_home", [other.pk]),
        ("Maria da Conceição Souza", "phone", [prop.pk]),
    ]
    chooser = agent.get("/atendimento/cti/chamada/?caller=11987654321")
    assert chooser.status_code == 200
    page = chooser.content.decode()
    assert prop.account_number in page and other.account_number in page
    assert agent.get("/api/v1/cti/screen-pop?caller=123").status_code == 400
    single = agent.get("/api/v1/cti/screen-pop?caller=%2B5511911112222").json()
    assert single["matches"] == [] and single["open"] is None


def test_the_ivr_tells_callers_from_the_outage_area_only(sms, maria, agent) -> None:
    _customer, prop = maria
    elsewhere = rf.customer("Pedro Alves", phone="(11) 97777-0000")
    rf.prop(holder=elsewhere, neighbourhood=rf.neighbourhood("Jardim Longe"), number="77")
    created = agent.post(
        "/api/v1/cti/supply-outages",
        {
            "description": "Rompimento de adutora",
            "starts_at": "2026-04-17T08:00:00-03:00",
            "expected_end_at": "2026-04-17T18:30:00-03:00",
            "neighbourhoods": [prop.neighbourhood_id],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    telephony = Client(HTTP_HOST="alpha.localhost")
    inside = signed(telephony, "/api/v1/cti/ivr/outage", {"caller": "+5511987654321"}).json()
    assert inside["prompts"] == [
        "manancial/falta-de-agua-na-regiao",
        "say:Rompimento de adutora",
        "manancial/previsao-de-normalizacao",
        "say:dezessete de abril de dois mil e vinte e seis, às dezoito horas e trinta minutos",
    ]
    assert inside["transfer"] is False
    outside = signed(telephony, "/api/v1/cti/ivr/outage", {"caller": "+5511977770000"}).json()
    assert outside["prompts"] == ["manancial/sem-falta-de-agua"] and outside["outages"] == []
    # once normalised, nobody hears it
    agent.post(
        f"/api/v1/cti/supply-outages/{created.json()['id']}/end",
        {"ends_at": "2026-04-17T09:30:00-03:00"},
        content_type="application/json",
    )
    assert signed(telephony, "/api/v1/cti/ivr/outage", {"caller": "+5511987654321"}).json()["outages"] == []


def test_the_ivr_spells_the_pending_bills_and_sends_the_second_copy_by_sms(sms, maria) -> None:
    _customer, prop = maria
    line = "82650000001 1 23450562000 3 00000000000 0 000000"
    Bill.objects.create(
        property=prop, reference=dt.date(2026, 3, 1), due_date=dt.date(2026, 4, 10), total=Decimal("123.40"),
        status="released", typeable_line=line,
    )  # fmt: skip
    Bill.objects.create(
        property=prop, reference=dt.date(2026, 2, 1), due_date=dt.date(2026, 3, 10), total=Decimal("1.01"),
        status="paid",
    )  # fmt: skip
    telephony = Client(HTTP_HOST="alpha.localhost")
    debts = signed(telephony, "/api/v1/cti/ivr/debts", {"account_number": prop.account_number}).json()
    assert debts["prompts"] == [
        "manancial/voce-tem",
        "say:uma",
        "manancial/fatura-pendente",
        "manancial/valor-e-vencimento",
        "say:cento e vinte e três reais e quarenta centavos, "
        "vencimento dez de abril de dois mil e vinte e seis",
        "manancial/total",
        "say:cento e vinte e três reais e quarenta centavos",
        "manancial/segunda-via-por-sms",
    ]
    assert debts["total"] == "123.40" and debts["bills"][0]["overdue"] is True

    sent = signed(telephony, "/api/v1/cti/ivr/second-copy", {"caller": "+5511987654321"})
    assert sent.status_code == 200 and sent.json()["sent"] == 1
    assert [(m["to"], m["from"]) for m in sms.messages] == [("+5511987654321", "SAAE")]
    assert line in sms.messages[0]["text"] and "R$ 123.40" in sms.messages[0]["text"]
    assert SmsMessage.objects.get().provider_id == sms.messages[0]["id"]

    # a number that is not the property's never receives it
    stranger = signed(
        telephony,
        "/api/v1/cti/ivr/second-copy",
        {"caller": "+5511911112222", "account_number": prop.account_number},
    )
    assert stranger.status_code == 403
    assert len(sms.messages) == 1 and SmsMessage.objects.count() == 1


def test_the_ivr_reads_a_protocols_status(sms, maria) -> None:
    _customer, prop = maria
    f.code("LIG01")
    order = order_open(actor=SystemActor("testes"), code="LIG01", property_id=prop.pk)
    telephony = Client(HTTP_HOST="alpha.localhost")
    answer = signed(telephony, "/api/v1/cti/ivr/protocol", {"protocol": order.label}).json()
    assert answer["found"] is True and answer["status"] == "pending"
    assert (
        answer["prompts"][0] == "manancial/situacao-do-protocolo"
        and "aguardando programação" in answer["text"]
    )
    assert signed(telephony, "/api/v1/cti/ivr/protocol", {"protocol": "1999/000001"}).json()["found"] is False
    # an agency protocol (portal's, through the lookup portal registers)
    from modules.service.models import ServiceRequest

    ServiceRequest.objects.create(
        protocol="2026X000042",
        kind="service",
        type_code="other",
        property=prop,
        requester_name="Maria",
        description="Vazamento na calçada",
        channel="web",
        status="in_progress",
    )
    agency = signed(telephony, "/api/v1/cti/ivr/protocol", {"protocol": "2026x000042"}).json()
    assert (agency["found"], agency["status"]) == (True, "in_progress")
    assert agency["prompts"][-1] == "say:em andamento"


def test_the_ivr_tells_the_service_points_and_how_to_get_a_reconnection_or_a_new_connection(
    sms, maria
) -> None:
    from modules.service.models import AttendanceUnit, ProtocolType

    _customer, prop = maria
    AttendanceUnit.objects.create(code="centro", name="Sede", address="Rua XV de Novembro, 100, Centro")
    AttendanceUnit.objects.create(code="norte", name="Casa do Cidadão Norte", address="Av. Brasil, 2000")
    AttendanceUnit.objects.create(
        code="velho", name="Posto desativado", address="Rua Velha, 1", is_active=False
    )
    AttendanceUnit.objects.create(code="sem", name="Sem endereço")
    telephony = Client(HTTP_HOST="alpha.localhost")
    points = signed(telephony, "/api/v1/cti/ivr/service-points", {}).json()
    assert points["prompts"] == [
        "manancial/postos-de-atendimento",
        "say:Casa do Cidadão Norte, Av. Brasil, 2000",
        "say:Sede, Rua XV de Novembro, 100, Centro",
    ]
    assert [u["name"] for u in points["units"]] == ["Casa do Cidadão Norte", "Sede"]
    assert points["transfer"] is False

    # reconnection: what the caller's property owes, from the bills
    Bill.objects.create(
        property=prop, reference=dt.date(2026, 3, 1), due_date=dt.date(2026, 4, 10), total=Decimal("80.10"),
        status="released",
    )  # fmt: skip
    Bill.objects.create(
        property=prop, reference=dt.date(2026, 2, 1), due_date=dt.date(2026, 3, 10), total=Decimal("20.00"),
        status="released",
    )  # fmt: skip
    ProtocolType.objects.filter(code="reconnection").update(deadline_days=1)
    again = signed(
        telephony, "/api/v1/cti/ivr/instructions", {"topic": "reconnection", "caller": "+5511987654321"}
    )
    answer = again.json()
    assert again.status_code == 200, again.content
    assert (answer["open_bills"], answer["total"]) == (2, "100.10")
    assert answer["prompts"][:5] == [
        "manancial/instrucoes-religacao",
        "manancial/pendencias-para-religar",
        "say:duas faturas, total cem reais e dez centavos",
        "manancial/prazo-de-atendimento",
        "say:um dia",
    ]
    assert answer["prompts"][5] == "manancial/postos-de-atendimento"

    # a new connection: the documents the utility asks for, as edited on the desk's page
    ProtocolType.objects.filter(code="new_connection").update(
        checklist=["RG e CPF", "Escritura ou contrato de compra"], deadline_days=15
    )
    new = signed(telephony, "/api/v1/cti/ivr/instructions", {"topic": "new_connection"}).json()
    assert new["documents"] == ["RG e CPF", "Escritura ou contrato de compra"]
    assert new["prompts"][:4] == [
        "manancial/instrucoes-ligacao-nova",
        "manancial/documentos-necessarios",
        "say:RG e CPF, Escritura ou contrato de compra",
        "manancial/prazo-de-atendimento",
    ]
    assert "quinze dias" in new["text"] and new["deadline_days"] == 15
    bad = signed(telephony, "/api/v1/cti/ivr/instructions", {"topic": "piscina"})
    assert bad.status_code == 400 and bad.json()["field"] == "topic"
    # unsigned: refused like every IVR request
    assert (
        telephony.post("/api/v1/cti/ivr/service-points", "{}", content_type="application/json").status_code
        == 403
    )


def test_queue_monitor_from_the_stored_call_events(sms, agent) -> None:
    telephony = Client(HTTP_HOST="alpha.localhost")
    log = [
        ("a", [("call_started", 0, {}), ("ringing", 0, {"queue": "comercial"}),
               ("answered", 20, {"agent": "ana"}), ("hung_up", 200, {})]),
        ("b", [("call_started", 10, {}), ("answered", 70, {"agent": "ana"}), ("hung_up", 130, {})]),
        ("c", [("ringing", 30, {"queue": "comercial"}), ("answered", 40, {"agent": "bruno"}),
               ("hung_up", 340, {})]),
        ("d", [("ringing", 50, {"queue": "comercial"}), ("abandoned", 140, {})]),
    ]  # fmt: skip
    for call, events in log:
        for kind, seconds, extra in events:
            assert (
                signed(telephony, "/api/v1/cti/events", event(kind, call, seconds, **extra)).status_code
                == 201
            )
    figures = agent.get("/api/v1/cti/monitor?start=2026-04-17").json()
    assert (figures["calls"], figures["answered"], figures["abandoned"]) == (4, 3, 1)
    assert (figures["average_wait_seconds"], figures["abandonment_percent"], figures["max_wait_seconds"]) == (
        "30.0",
        "25.0",
        90,
    )
    assert [(a["agent"], a["answered"], a["average_talk_seconds"]) for a in figures["agents"]] == [
        ("ana", 2, "120.0"),
        ("bruno", 1, "300.0"),
    ]
    page = agent.get("/atendimento/cti/monitor/?start=2026-04-17").content.decode()
    assert 'data-testid="avg-wait">30,0 s<' in page and "1 (25,0%)" in page
    assert agent.get("/api/v1/cti/monitor?start=2026-04-18").json()["calls"] == 0


def test_the_utility_sets_its_secret_on_the_settings_page_and_the_telephony_is_trusted(agent) -> None:
    telephony = Client(HTTP_HOST="alpha.localhost")
    body = event("call_started", "c9", 0, caller="+5511911112222")
    assert signed(telephony, "/api/v1/cti/events", body, secret="novo-segredo").json()["code"] == (
        "cti_not_configured"
    )
    page = agent.post("/atendimento/cti/configurar/", {"cti_secret": "novo-segredo", "default_ddd": "11"})
    assert page.status_code == 302
    assert signed(telephony, "/api/v1/cti/events", body, secret="novo-segredo").status_code == 201
    # a blank secret keeps the stored one; the audit never shows it
    agent.post("/atendimento/cti/configurar/", {"cti_secret": "", "default_ddd": "15"})
    assert ChannelSettings.current().cti_secret == "novo-segredo"
    entries = AuditEntry.objects.filter(action="service.channel_settings_set")
    assert entries.count() == 2 and "novo-segredo" not in json.dumps([e.after for e in entries])
