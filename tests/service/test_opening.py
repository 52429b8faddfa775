"""What an opening and a closing leave besides the order: the term the code generates (3.2.11.1.18)
from the text the utility edits (3.2.11.7); the e-mail to the execution sector's recipients
(3.2.11.6); the order form in each print layout (3.2.11.1.16); the kit's materials reserved in the
inventory, once, retried (3.2.11.10); an unsatisfactory quality check regenerating the rework with
the original team noted (3.2.11.13); vehicle, several services, and the large consumer's cut
(3.2.11.14, .20, .22)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from pypdf import PdfReader

from fakes.inventory import FakeInventory
from modules.common.errors import DomainError, ValidationFailed
from modules.common.models import DocumentTemplate
from modules.common.tenancy import SCHEMA_HEADER
from modules.registry.models import Property
from modules.service.models import Kit, OrderEvent, PendingCharge, ServiceOrder
from modules.service.models_orders import InventoryRequest, OrderTerm, QualityInspection
from modules.service.services import catalog, opening_settings, orders
from modules.service.tasks import inventory_send
from modules.service.terms import kind_for
from tests.conftest import bearer, make_user
from tests.registry import factories as reg

from . import factories as f

PASSWORD = "Senha-forte-123"
NOW = dt.datetime(2026, 4, 17, 16, 0, tzinfo=dt.UTC)
A = f.ACTOR


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _keep(name: str, data: bytes) -> None:
    """The PDF beside the browser screenshots (tests/artifacts, git-ignored), to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "artifacts" / "service"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(BytesIO(data)).pages).split())


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    make_user("alpha", "supervisora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "supervisora", "password": PASSWORD})
    return alpha_client


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)

    def post(path: str, body: dict, method: str = "post"):
        if method == "get":
            return alpha_client.get(path, **headers)
        return getattr(alpha_client, method)(path, body, content_type="application/json", **headers)

    return post


def _prop() -> Property:
    return reg.prop(holder=reg.customer("Joana Batista"))


# --- e-mail on opening (3.2.11.6) ------------------------------------------------------------------


def test_an_opening_mails_only_its_sectors_recipients_and_only_for_configured_codes(
    tenant_alpha, django_capture_on_commit_callbacks
) -> None:
    redes = catalog.sector_create(actor=A, name="Redes", email="redes@agua.example")
    hidro = catalog.sector_create(actor=A, name="Hidrometria")
    f.code("VAZ01", description="Conserto de vazamento", sector=redes)
    f.code("HID01", description="Aferição", sector=hidro)
    f.code("LIG01", sector=redes)
    opening_settings.opening_notice_set(actor=A, code="VAZ01", active=True)
    opening_settings.opening_notice_set(actor=A, code="HID01", active=True)
    opening_settings.sector_recipients_set(
        actor=A, sector_id=redes.pk, emails=["Chefe@Agua.example", "plantao@agua.example"]
    )
    opening_settings.sector_recipients_set(actor=A, sector_id=hidro.pk, emails=["hidro@agua.example"])
    prop = _prop()
    with django_capture_on_commit_callbacks(execute=True):
        leak = orders.order_open(
            actor=A, code="VAZ01", property_id=prop.pk, description="Vazamento na calçada"
        )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["chefe@agua.example", "plantao@agua.example", "redes@agua.example"]
    assert sent.subject == f"OS {leak.label} aberta: VAZ01 — Conserto de vazamento"
    assert f"matrícula {prop.account_number}" in sent.body and "Vazamento na calçada" in sent.body
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_open(actor=A, code="LIG01", property_id=prop.pk)  # not configured
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_open(actor=A, code="HID01", property_id=prop.pk)
    assert [m.to for m in mail.outbox[1:]] == [["hidro@agua.example"]]
    with pytest.raises(ValidationFailed) as bad:
        opening_settings.sector_recipients_set(
            actor=A, sector_id=hidro.pk, emails=["ok@agua.example", "nao é email"]
        )
    assert bad.value.field == "emails[1]"


def test_a_refused_opening_mails_nothing(tenant_alpha, django_capture_on_commit_callbacks) -> None:
    redes = catalog.sector_create(actor=A, name="Redes", email="redes@agua.example")
    f.code("VAZ01", sector=redes)
    opening_settings.opening_notice_set(actor=A, code="VAZ01", active=True)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        orders.order_open(actor=A, code="VAZ01", property_id=None)
    assert mail.outbox == [] and not ServiceOrder.objects.exists()


def test_notices_are_set_on_their_page_and_through_the_api(staff, api) -> None:
    redes = catalog.sector_create(actor=A, name="Redes")
    f.code("VAZ01", sector=redes)
    f.code("LIG01", sector=redes)
    assert "/servicos/avisos-de-abertura/" in staff.get("/").content.decode()  # the menu reaches it
    page = staff.post("/servicos/avisos-de-abertura/", {"action": "codes", "codes": ["VAZ01"]})
    assert page.status_code == 302
    staff.post(
        "/servicos/avisos-de-abertura/",
        {"action": "sector", "sector": redes.pk, "emails": "a@x.example\nb@x.example"},
    )
    shown = staff.get("/servicos/avisos-de-abertura/").content.decode()
    assert 'value="VAZ01" id="notice-VAZ01" checked' in shown and "a@x.example\nb@x.example" in shown
    put = api(
        "/api/v1/service/opening-notices", {"codes": ["lig01"], "sectors": {"Redes": ["c@x.example"]}}, "put"
    )
    assert put.status_code == 200, put.content
    assert put.json() == {"codes": ["LIG01"], "sectors": {"Redes": ["c@x.example"]}}


# --- opening terms (3.2.11.1.18, 3.2.11.7) ---------------------------------------------------------


def test_an_opening_generates_the_codes_term_with_the_text_in_force(staff) -> None:
    f.code("LIG01", opening_term="Termo de ligação")
    prop = _prop()
    first = orders.order_open(actor=A, code="LIG01", property_id=prop.pk)
    term = OrderTerm.objects.get(order=first)
    assert term.title == "Termo de ligação" and first.label in term.body_html
    assert prop.account_number in term.body_html and "Joana Batista" in term.body_html
    kind = kind_for("Termo de ligação")
    listing = staff.get("/servicos/termos/").content.decode()
    assert f"/servicos/termos/{kind}/" in listing and "LIG01" in listing
    refused = staff.post(
        f"/servicos/termos/{kind}/",
        {
            "valid_from": "2026-04-17",
            "title": "Termo",
            "body_html": "<p>{{ os.numero }}</p><script>x()</script>",
        },
    )
    assert refused.status_code == 400 and "Marcação não permitida: &lt;script&gt;" in refused.content.decode()
    unknown = staff.post(
        f"/servicos/termos/{kind}/",
        {"valid_from": "2026-04-17", "title": "Termo", "body_html": "{{ usuario.senha }}"},
    )
    assert unknown.status_code == 400 and not DocumentTemplate.objects.filter(kind=kind).exists()
    preview = staff.post(
        f"/servicos/termos/{kind}/previa.pdf",
        {
            "title": "Termo de ligação nova",
            "body_html": "<p>Ligação da matrícula <b>{{ imovel.matricula }}</b>.</p>",
        },
    )
    assert preview.status_code == 200 and "Ligação da matrícula 1234-5" in _text(preview.content)
    saved = staff.post(
        f"/servicos/termos/{kind}/",
        {
            "valid_from": "2026-04-17",
            "title": "Termo de ligação nova",
            "body_html": "<p>Ligação da matrícula <b>{{ imovel.matricula }}</b> pela OS {{ os.numero }}.</p>",
        },
    )
    assert saved.status_code == 302
    second = orders.order_open(actor=A, code="LIG01", property_id=prop.pk)
    new_term = OrderTerm.objects.get(order=second)
    assert new_term.title == "Termo de ligação nova"
    assert (
        new_term.body_html
        == f"<p>Ligação da matrícula <b>{prop.account_number}</b> pela OS {second.label}.</p>"
    )
    assert OrderTerm.objects.get(order=first).title == "Termo de ligação"  # the first keeps its text
    listed = staff.get(f"/api/v1/service/orders/{second.pk}").json()["terms"]
    assert listed == [{"id": new_term.pk, "title": "Termo de ligação nova"}]
    page = staff.get(f"/servicos/ordens/{second.pk}/").content.decode()
    url = f"/servicos/ordens/{second.pk}/termos/{new_term.pk}.pdf"
    assert url in page
    term_pdf = staff.get(url).content
    _keep("order-term.pdf", term_pdf)
    text = _text(term_pdf)
    assert f"Ligação da matrícula {prop.account_number} pela OS {second.label}" in text


def test_a_code_without_a_term_generates_none(tenant_alpha) -> None:
    f.code("LIG01")
    order = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    assert not OrderTerm.objects.filter(order=order).exists()


# --- print layouts (3.2.11.1.16) -------------------------------------------------------------------


def test_the_order_form_prints_in_each_of_the_codes_layouts(staff) -> None:
    layouts = ["Completo", "Resumido", "Corte", "Ligação", "Vistoria", "Hidrômetro"]
    f.code("COR01", description="Corte por débito", print_layouts=layouts)
    order = orders.order_open(actor=A, code="COR01", property_id=_prop().pk)
    page = staff.get(f"/servicos/ordens/{order.pk}/").content.decode()
    for name in layouts:
        assert (
            f"formulario.pdf?layout={name}".replace("ç", "%C3%A7")
            .replace("ã", "%C3%A3")
            .replace("ô", "%C3%B4")
            in page
        )
    texts = {}
    for name in layouts:
        response = staff.get(f"/servicos/ordens/{order.pk}/formulario.pdf", {"layout": name})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        texts[name] = _text(response.content)
        _keep(f"order-form-{name}.pdf", response.content)
        assert f"Layout: {name}" in texts[name] and order.label in texts[name]
    assert "Corte no cavalete" in texts["Corte"] and "Corte no cavalete" not in texts["Ligação"]
    assert "Serviços executados" in texts["Ligação"].replace("SERVIÇOS EXECUTADOS", "Serviços executados")
    assert "Vazamento visível" in texts["Vistoria"] and "Vazamento visível" not in texts["Resumido"]
    assert "Leitura no local" in texts["Hidrômetro"] and "Leitura no local" not in texts["Vistoria"]
    for marker in ("Corte no cavalete", "Vazamento visível", "Leitura no local"):
        assert marker in texts["Completo"]
    missing = staff.get(f"/servicos/ordens/{order.pk}/formulario.pdf", {"layout": "Outro"})
    assert missing.status_code == 404


# --- inventory (3.2.11.10) -------------------------------------------------------------------------


@pytest.fixture
def inventory(settings):
    server = FakeInventory().start()
    settings.SERVICE_INVENTORY_URL = server.url
    yield server
    server.stop()


def _send(order_id: int) -> str:
    return inventory_send.apply(args=[order_id], headers={SCHEMA_HEADER: "alpha"}, throw=True).get()


def test_the_kits_materials_are_reserved_once_after_commit_and_retried(
    tenant_alpha, inventory, django_capture_on_commit_callbacks
) -> None:
    f.material("TUBO20")
    f.material("REG20", price="30.00", unit="un")
    catalog.kit_create(
        actor=A,
        code="KLIG",
        description="Kit ligação",
        items=[("TUBO20", Decimal("6")), ("REG20", Decimal("1"))],
    )
    f.code("LIG01", kit=Kit.objects.get(code="KLIG"))
    with django_capture_on_commit_callbacks() as callbacks:
        order = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    assert inventory.reservations == {}  # nothing sent inside the transaction
    assert [getattr(c, "func", None) for c in callbacks] == [inventory_send.delay]
    request = InventoryRequest.objects.get(order=order)
    assert request.state == "pending" and request.lines == [
        {"material": "REG20", "quantity": "1.000", "unit": "un"},
        {"material": "TUBO20", "quantity": "6.000", "unit": "m"},
    ]
    inventory.fail_next = 2
    # two 503s: each delivery asks Celery for a retry (with backoff); the third reserves
    for countdown in ("30s", "30s"):
        with pytest.raises(Retry, match=f"Retry in {countdown}"):
            _send(order.pk)
    assert InventoryRequest.objects.get(pk=request.pk).attempts == 2 and inventory.reservations == {}
    assert _send(order.pk) == "sent"
    assert _send(order.pk) == "nothing"  # a redelivery
    request.refresh_from_db()
    assert (request.state, request.attempts, inventory.requests) == ("sent", 3, 3)
    (reserved,) = inventory.reservations.values()
    assert (
        reserved["key"] == f"alpha:service-order:{order.pk}" and reserved["reference"] == f"OS {order.label}"
    )
    assert request.reservation == reserved["id"]


def test_a_code_without_a_kit_reserves_nothing(tenant_alpha, inventory) -> None:
    f.code("LIG01")
    order = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    assert not InventoryRequest.objects.filter(order=order).exists()
    assert _send(order.pk) == "nothing" and inventory.requests == 0


# --- quality and rework (3.2.11.13) ----------------------------------------------------------------


def test_closing_with_an_unsatisfactory_check_regenerates_the_rework_with_the_team(api) -> None:
    f.code("LIG01")
    team = f.team("Equipe Norte")
    order = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    closing = {"executed": True, "executed_at": "2026-04-17T13:00:00-03:00", "team": team.pk}
    refused = api(f"/api/v1/service/orders/{order.pk}/close", closing | {"quality": "unsatisfactory"})
    assert refused.status_code == 400 and refused.json()["field"] == "quality_note"
    assert ServiceOrder.objects.count() == 1 and ServiceOrder.objects.get().status == "pending"
    closed = api(
        f"/api/v1/service/orders/{order.pk}/close",
        closing | {"quality": "unsatisfactory", "quality_note": "Cavalete vazando"},
    )
    assert closed.status_code == 200, closed.content
    (rework_id,) = closed.json()["rework"]
    rework = ServiceOrder.objects.get(pk=rework_id)
    assert (rework.parent_id, rework.link, rework.code.code, rework.status) == (
        order.pk,
        "rework",
        "LIG01",
        "pending",
    )
    assert rework.property_id == order.property_id
    inspection = QualityInspection.objects.get(order=order)
    assert (inspection.result, inspection.team_id, inspection.rework_id) == (
        "unsatisfactory",
        team.pk,
        rework.pk,
    )
    assert OrderEvent.objects.filter(order=rework, note__contains="equipe original: Equipe Norte").exists()
    assert PendingCharge.objects.filter(order=order).count() == 1  # the original is still charged once
    detail = api(f"/api/v1/service/orders/{order.pk}", {}, "get").json()
    assert detail["inspections"] == [
        {"result": "unsatisfactory", "note": "Cavalete vazando", "team": "Equipe Norte", "rework": rework.pk}
    ]
    assert not PendingCharge.objects.filter(order=rework).exists()


def test_a_later_inspection_regenerates_the_rework_and_a_satisfactory_one_does_not(api, staff) -> None:
    f.code("LIG01")
    team = f.team("Equipe Sul")
    prop = _prop()
    good = orders.order_open(actor=A, code="LIG01", property_id=prop.pk)
    bad = orders.order_open(actor=A, code="LIG01", property_id=prop.pk)
    pending = orders.order_open(actor=A, code="LIG01", property_id=prop.pk)
    for o in (good, bad):
        orders.order_close(actor=A, order_id=o.pk, executed=True, executed_at=NOW, team_id=team.pk)
    ok = api(f"/api/v1/service/orders/{good.pk}/inspect", {"result": "satisfactory"})
    assert ok.status_code == 201 and ok.json()["rework"] is None
    not_yet = api(f"/api/v1/service/orders/{pending.pk}/inspect", {"result": "satisfactory"})
    assert not_yet.status_code == 409 and not QualityInspection.objects.filter(order=pending).exists()
    page = staff.get(f"/servicos/ordens/{bad.pk}/").content.decode()
    assert 'id="form-inspect"' in page
    staff.post(
        f"/servicos/ordens/{bad.pk}/",
        {"action": "inspect", "inspect-result": "unsatisfactory", "inspect-note": "Reaterro mal feito"},
    )
    rework = ServiceOrder.objects.get(parent=bad, link="rework")
    shown = staff.get(f"/servicos/ordens/{bad.pk}/").content.decode()
    assert f"OS {rework.label}" in shown and "Equipe Sul" in shown and "Insatisfatória" in shown
    assert ServiceOrder.objects.filter(link="rework").count() == 1


# --- closing: vehicle, several services, special team (3.2.11.14, .20, .22) -------------------------


def test_a_closing_records_the_vehicle_and_each_executed_service(api) -> None:
    f.code("LIG01")
    f.code("REP01", description="Reposição de calçada", price="18.40", unit="m2")
    team = f.team("Equipe Norte")
    van = catalog.vehicle_create(actor=A, plate="ABC1D23", description="Furgão", team=team)
    order = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    closed = api(
        f"/api/v1/service/orders/{order.pk}/close",
        {
            "executed": True,
            "executed_at": "2026-04-17T13:00:00-03:00",
            "team": team.pk,
            "vehicle": van.pk,
            "services": [{"code": "LIG01", "quantity": "1"}, {"code": "REP01", "quantity": "2.5"}],
        },
    )
    assert closed.status_code == 200, closed.content
    order.refresh_from_db()
    assert order.vehicle_id == van.pk
    assert api(f"/api/v1/service/orders/{order.pk}", {}, "get").json()["vehicle"] == "ABC1D23"
    assert sorted(order.executed_services.values_list("code__code", "amount")) == [
        ("LIG01", Decimal("35.00")),
        ("REP01", Decimal("46.00")),
    ]
    assert sorted(PendingCharge.objects.filter(order=order).values_list("amount", flat=True)) == [
        Decimal("35.00"),
        Decimal("46.00"),
    ]
    other = orders.order_open(actor=A, code="LIG01", property_id=_prop().pk)
    wrong = api(
        f"/api/v1/service/orders/{other.pk}/close",
        {"executed": True, "executed_at": "2026-04-17T13:00:00-03:00", "team": team.pk, "vehicle": 999999},
    )
    assert wrong.status_code == 404 and wrong.json()["field"] == "vehicle"
    assert ServiceOrder.objects.get(pk=other.pk).status == "pending"


def test_a_large_consumers_cut_refused_to_a_common_team_in_pt_br_on_the_page(staff) -> None:
    f.code("COR01", description="Corte", is_cut=True)
    common = f.team("Equipe Comum")
    special = f.team("Equipe Especial", special=True)
    prop = _prop()
    Property.objects.filter(pk=prop.pk).update(special=Property.Special.LARGE_CONSUMER)
    order = orders.order_open(actor=A, code="COR01", property_id=prop.pk)
    refused = staff.post(
        f"/servicos/ordens/{order.pk}/",
        {"action": "schedule", "schedule-team": common.pk, "schedule-day": "2026-04-20"},
    )
    assert refused.status_code == 400
    assert "só pode ser programado para uma equipe especial" in refused.content.decode()
    assert ServiceOrder.objects.get(pk=order.pk).status == "pending"
    done = staff.post(
        f"/servicos/ordens/{order.pk}/",
        {"action": "schedule", "schedule-team": special.pk, "schedule-day": "2026-04-20"},
    )
    assert done.status_code == 302 and ServiceOrder.objects.get(pk=order.pk).team_id == special.pk


def test_the_default_term_text_passes_the_editors_own_check() -> None:
    from modules.service import terms

    opening_settings.term_check(title="Termo", body_html=terms.DEFAULT_BODY)


def test_rework_is_counted_per_team_on_its_page_and_api(api, staff) -> None:
    f.code("LIG01")
    north, south = f.team("Equipe Norte"), f.team("Equipe Sul")
    prop = _prop().pk
    done = []
    for team in (north, north, north, south):
        o = orders.order_open(actor=A, code="LIG01", property_id=prop)
        orders.order_close(actor=A, order_id=o.pk, executed=True, executed_at=NOW, team_id=team.pk)
        done.append(o)
    orders.order_inspect(actor=A, order_id=done[0].pk, result="unsatisfactory", note="Vazando")
    orders.order_rework(actor=A, order_id=done[3].pk, reason="Calçada sem reposição")
    stats = api("/api/v1/service/rework-stats?from=2026-04-01&to=2026-04-30", {}, "get")
    assert stats.status_code == 200, stats.content
    assert stats.json()["teams"] == [
        {"team": "Equipe Norte", "executed": 3, "reworked": 1, "percent": "33.3"},
        {"team": "Equipe Sul", "executed": 1, "reworked": 1, "percent": "100.0"},
    ]
    assert api("/api/v1/service/rework-stats?from=2026-05-01&to=2026-05-31", {}, "get").json()["teams"] == []
    bad = api("/api/v1/service/rework-stats?from=2026-05-01&to=2026-04-01", {}, "get")
    assert bad.status_code == 400 and bad.json()["field"] == "to"
    page = staff.get(
        "/servicos/ordens/retrabalho/", {"from": "2026-04-01", "to": "2026-04-30"}
    ).content.decode()
    assert "Equipe Norte" in page and "33,3" in page and "100,0" in page
