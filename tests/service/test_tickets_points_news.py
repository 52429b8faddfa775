"""Issue 23: tickets by service point and type with the legal priority the citizen claims
(3.2.15.11), "call next" by point (3.2.15.12), waiting-time statistics per type and point, and the
news and notices with a validity window and an audience by neighbourhood or route (3.2.15.13)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from modules.common.audit import SystemActor
from modules.registry.models import BillingGroup, Property, Route
from modules.service.domain.tickets import TicketFacts, ticket_priority, wait_stats
from modules.service.news_selectors import visible_news
from modules.service.services import news, tickets
from tests.conftest import bearer, make_user
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
    # the staff pages run on the session
    assert (
        alpha_client.post("/conta/entrar/", {"username": "atendente", "password": PASSWORD}).status_code
        == 302
    )

    class Api:
        def get(self, path: str):
            return alpha_client.get(path, **headers)

        def post(self, path: str, body: dict | None = None):
            return alpha_client.post(path, body or {}, content_type="application/json", **headers)

        def patch(self, path: str, body: dict):
            return alpha_client.patch(path, body, content_type="application/json", **headers)

    return Api()


def point(code: str, streak: int = 0) -> None:
    unit = tickets.unit_create(actor=ACTOR, code=code, name=f"Posto {code}", priority_streak=streak)
    tickets.queue_set(actor=ACTOR, unit_id=unit.pk, prefix="N", name="Atendimento geral")
    tickets.queue_set(actor=ACTOR, unit_id=unit.pk, prefix="L", name="Ligação nova", position=1)


def test_a_claimed_reason_raises_the_ticket_never_lowers_its_type() -> None:
    assert ticket_priority(0, "none") == 0
    assert ticket_priority(0, "elderly") == 1
    assert ticket_priority(0, "elderly_80") == 2
    assert ticket_priority(1, "none") == 1  # a priority queue stays priority
    assert ticket_priority(2, "pregnant") == 2
    with pytest.raises(ValueError):
        ticket_priority(0, "vip")


def test_issue_by_point_and_type_and_call_next_applies_the_legal_priorities(api, _frozen) -> None:
    point("centro")
    issued = []
    for ticket_type, priority in [
        ("N", "none"),
        ("L", "none"),
        ("N", "elderly"),
        ("N", "pregnant"),
        ("L", "elderly_80"),
        ("N", "lap_child"),
    ]:
        response = api.post(
            "/api/v1/service/tickets", {"point": "centro", "type": ticket_type, "priority": priority}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (
            body["point"] == "centro" and body["type"] == ticket_type and body["priority_reason"] == priority
        )
        issued.append(body["label"])
        _frozen.shift(60)
    assert issued == ["N001", "L002", "N003", "N004", "L005", "N006"]
    assert (
        api.get("/api/v1/service/tickets?unit=" + str(tickets.unit_get("centro").pk)).json()["results"][2][
            "priority"
        ]
        == 1
    )

    order = []
    for _ in range(6):
        called = api.post("/api/v1/service/tickets/call-next", {"point": "centro", "desk": "Guichê 1"})
        assert called.status_code == 200, called.content
        assert called.json()["status"] == "called" and called.json()["desk"] == "Guichê 1"
        order.append(called.json()["label"])
        _frozen.shift(30)
    # 80+ over 60+ (Estatuto da Pessoa Idosa art. 3º § 2º), then the other priorities in issue
    # order (strict priority at this point: streak 0), then the normal ones
    assert order == ["L005", "N003", "N004", "N006", "N001", "L002"]


def test_a_type_the_point_does_not_serve_is_a_clear_400_and_writes_nothing(api) -> None:
    point("centro")
    other = tickets.unit_create(actor=ACTOR, code="norte", name="Posto Norte")
    tickets.queue_set(actor=ACTOR, unit_id=other.pk, prefix="X", name="Só no norte")
    refused = api.post("/api/v1/service/tickets", {"point": "centro", "type": "X", "priority": "none"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "ticket_type_not_served" and body["field"] == "type"
    assert "não é atendido no ponto" in body["detail"] and "N, L" in body["detail"]
    bad = api.post("/api/v1/service/tickets", {"point": "centro", "type": "N", "priority": "vip"})
    assert bad.status_code == 400 and bad.json()["field"] == "priority"
    unknown = api.post("/api/v1/service/tickets", {"point": "sul", "type": "N"})
    assert unknown.status_code == 404 and unknown.json()["field"] == "point"
    from modules.service.models import Ticket

    assert not Ticket.objects.exists()


def test_waiting_statistics_per_type_and_point(api, _frozen) -> None:
    point("centro")
    point("norte")
    for code, ticket_type in [("centro", "N"), ("centro", "N"), ("centro", "L"), ("norte", "N")]:
        api.post("/api/v1/service/tickets", {"point": code, "type": ticket_type, "priority": "none"})
    _frozen.shift(120)  # centro N001 waits 120 s
    first = api.post(
        "/api/v1/service/tickets/call-next", {"point": "centro", "desk": "1", "queues": []}
    ).json()
    _frozen.shift(300)
    api.post(f"/api/v1/service/tickets/{first['id']}/finish")  # 300 s of service
    api.post("/api/v1/service/tickets/call-next", {"point": "centro", "desk": "1"})  # N002 waits 420 s

    stats = api.get("/api/v1/service/tickets/stats?from=2026-04-17&to=2026-04-17")
    assert stats.status_code == 200
    rows = {(r["point"], r["type"]): r for r in stats.json()["results"]}
    n = rows[("centro", "N")]
    assert (n["issued"], n["called"], n["finished"], n["waiting"]) == (2, 2, 1, 0)
    assert (n["average_wait_seconds"], n["max_wait_seconds"], n["p90_wait_seconds"]) == (270, 420, 420)
    assert n["average_service_seconds"] == 300
    assert rows[("centro", "L")]["waiting"] == 1 and rows[("centro", "L")]["average_wait_seconds"] is None
    assert rows[("centro", None)]["issued"] == 3 and rows[("norte", None)]["issued"] == 1
    only = api.get("/api/v1/service/tickets/stats?point=norte").json()["results"]
    assert {r["point"] for r in only} == {"norte"}
    assert api.get("/api/v1/service/tickets/stats?from=2026-04-18&to=2026-04-17").status_code == 400
    page = api.get("/senhas/estatisticas/?from=2026-04-17&to=2026-04-17")
    assert (
        page.status_code == 200
        and "Ligação nova" in page.content.decode()
        and "4min 30s" in page.content.decode()
    )


def test_wait_stats_rounds_and_takes_the_nearest_rank_percentile() -> None:
    facts = [TicketFacts("finished", 0, w, 10) for w in (10, 20, 30, 40, 50, 60, 70, 80, 90, 101)]
    s = wait_stats(facts)
    assert s.average_wait_seconds == 55 and s.p90_wait_seconds == 90 and s.max_wait_seconds == 101
    assert wait_stats([]).average_wait_seconds is None


def _route(code: int) -> Route:
    group, _ = BillingGroup.objects.get_or_create(code=90, defaults={"name": "Grupo 90"})
    return Route.objects.create(group=group, code=code, name=f"Rota {code}")


def test_news_show_inside_their_window_and_to_their_audience_only(api, _frozen) -> None:
    centro, vila = rf.neighbourhood("Centro"), rf.neighbourhood("Vila Nova")
    route = _route(7)
    in_centro = rf.prop(neighbourhood=centro)
    in_vila = rf.prop(neighbourhood=vila)
    Property.objects.filter(pk=in_vila.pk).update(route=route)
    elsewhere = rf.prop(neighbourhood=rf.neighbourhood("Jardim"))
    now = T0
    everyone = news.news_create(actor=ACTOR, title="Novo horário", body="Agência abre às 8h.", starts_at=now)
    hood = news.news_create(
        actor=ACTOR,
        kind="notice",
        title="Manutenção no Centro",
        body="Falta de água amanhã.",
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
        neighbourhood_ids=[centro.pk],
    )
    by_route = news.news_create(
        actor=ACTOR, title="Leitura adiantada", body="A leitura da rota 7 muda.", route_ids=[route.pk]
    )
    later = news.news_create(
        actor=ACTOR, title="Futuro", body="Ainda não.", starts_at=now + dt.timedelta(days=2)
    )
    totem_only = news.news_create(actor=ACTOR, title="Só no totem", body="Retire sua senha.", on_agency=False)

    def titles(**kw):
        return [n.title for n in visible_news(**kw)]

    assert titles() == ["Novo horário"]  # signed out: the news for everyone only
    assert titles(property_id=in_centro.pk) == ["Manutenção no Centro", "Novo horário"]  # notices first
    assert set(titles(property_id=in_vila.pk)) == {"Novo horário", "Leitura adiantada"}
    assert titles(property_id=elsewhere.pk) == ["Novo horário"]
    assert set(titles(channel="totem")) == {"Novo horário", "Só no totem"}
    # the window: the notice ends after a day, the future one starts in two
    assert titles(property_id=in_centro.pk, now=now + dt.timedelta(days=1)) == ["Novo horário"]
    assert "Futuro" in titles(now=now + dt.timedelta(days=2))
    # withdrawn: gone everywhere
    news.news_withdraw(actor=ACTOR, news_id=everyone.pk)
    assert titles() == []
    # withdrawing twice changes nothing more (one audit entry)
    news.news_withdraw(actor=ACTOR, news_id=everyone.pk)
    from modules.common.models import AuditEntry

    assert AuditEntry.objects.filter(action="service.news_withdraw").count() == 1
    assert {n.pk for n in visible_news(property_id=in_centro.pk, now=now)} == {hood.pk}
    assert {n.pk for n in visible_news(property_id=in_vila.pk)} == {by_route.pk}
    assert later.pk not in {n.pk for n in visible_news()} and totem_only.pk not in {
        n.pk for n in visible_news()
    }


def test_news_api_and_staff_page_manage_them_with_pt_br_errors(api, alpha_client) -> None:
    hood = rf.neighbourhood("Centro")
    created = api.post(
        "/api/v1/service/news",
        {"title": "Obra na rua", "body": "Trânsito desviado.", "kind": "notice", "neighbourhoods": [hood.pk]},
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["neighbourhoods"] == [hood.pk] and item["is_active"] is True
    bad = api.post(
        "/api/v1/service/news",
        {"title": "X", "body": "Y", "starts_at": "2026-04-17T10:00:00Z", "ends_at": "2026-04-17T09:00:00Z"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "ends_at" and "posterior" in bad.json()["detail"]
    missing = api.post("/api/v1/service/news", {"title": "X", "body": "Y", "routes": [999999]})
    assert missing.status_code == 400 and missing.json()["field"] == "routes"
    changed = api.patch(f"/api/v1/service/news/{item['id']}", {"title": "Obra na Rua Sete"})
    assert changed.status_code == 200 and changed.json()["title"] == "Obra na Rua Sete"
    assert changed.json()["neighbourhoods"] == [hood.pk]  # untouched by a partial change
    gone = api.post(f"/api/v1/service/news/{item['id']}/withdraw")
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    assert api.get("/api/v1/service/news/999999").status_code == 404
    page = api.get("/avisos/")
    assert page.status_code == 200 and "Obra na Rua Sete" in page.content.decode()


def test_the_totem_asks_the_priority_prints_it_and_shows_the_news(tenant_alpha, alpha_client) -> None:
    point("centro")
    news.news_create(actor=ACTOR, kind="notice", title="Falta de água no Centro", body="Até as 18h.")
    news.news_create(actor=ACTOR, title="Só na agência", body="Texto.", on_totem=False)
    page = alpha_client.get("/senhas/emitir/centro/").content.decode()
    assert "Você tem direito a atendimento prioritário?" in page and 'value="elderly_80"' in page
    assert "Falta de água no Centro" in page and "Só na agência" not in page
    assert 'href="/totem/"' in page  # the same services as the agency, on the totem
    queue_n = tickets.unit_get("centro").queues.get(prefix="N")
    slip = alpha_client.post("/senhas/emitir/centro/", {"queue": queue_n.pk, "priority": "pregnant"})
    assert slip.status_code == 200
    body = slip.content.decode()
    assert "Atendimento prioritário: Gestante" in body and "data-autoprint" in body
    from modules.service.models import Ticket

    assert Ticket.objects.get().priority == 1
    refused = alpha_client.post("/senhas/emitir/centro/", {"queue": queue_n.pk, "priority": "vip"})
    assert refused.status_code == 400 and "Prioridade inválida" in refused.content.decode()
    state = alpha_client.get("/senhas/painel/centro/estado").json()
    assert any("Falta de água no Centro" in m["text"] for m in state["media"])


def test_the_desk_issues_a_ticket_with_the_claimed_priority(api, alpha_client) -> None:
    point("centro")
    unit = tickets.unit_get("centro")
    alpha_client.post("/senhas/chamar/", {"action": "place", "unit": unit.pk, "desk": "Guichê 2"})
    page = alpha_client.get("/senhas/chamar/").content.decode()
    assert 'name="priority"' in page and "Pessoa com deficiência" in page
    alpha_client.post(
        "/senhas/chamar/",
        {"action": "issue", "queue": unit.queues.get(prefix="N").pk, "priority": "disabled"},
    )
    from modules.service.models import Ticket

    ticket = Ticket.objects.get()
    assert (ticket.origin, ticket.priority_reason, ticket.priority) == ("desk", "disabled", 1)


def test_the_totems_heartbeat_is_recorded_at_most_once_a_minute(api, alpha_client, _frozen) -> None:
    point("centro")
    page = alpha_client.get("/senhas/emitir/centro/").content.decode()
    assert 'data-pulse-url="/senhas/emitir/centro/pulso"' in page and "Sem conexão com a internet" in page
    assert "totem ainda não conectado" in alpha_client.get("/senhas/configurar/").content.decode()
    first = alpha_client.get("/senhas/emitir/centro/pulso")
    assert first.status_code == 200 and first.json() == {"ok": True, "unit": "centro", "release": "dev"}
    assert first["Cache-Control"] == "no-store"
    seen = tickets.unit_get("centro").kiosk_seen_at
    assert seen is not None
    _frozen.shift(30)
    alpha_client.get("/senhas/emitir/centro/pulso")
    assert tickets.unit_get("centro").kiosk_seen_at == seen  # no write per ping
    _frozen.shift(40)
    alpha_client.get("/senhas/emitir/centro/pulso")
    assert tickets.unit_get("centro").kiosk_seen_at > seen
    assert (
        "totem conectado pela última vez em 17/04/2026 09:01"
        in alpha_client.get("/senhas/configurar/").content.decode()
    )
    assert alpha_client.get("/senhas/emitir/sul/pulso").status_code == 404
