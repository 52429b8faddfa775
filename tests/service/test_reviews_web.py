"""The consumption review through the API and the staff pages (seed 001 3.2.6): every step a person
takes on a page is also an endpoint, with the same refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail

from modules.billing.models import Bill
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, reading_register
from modules.service.models_review import ConsumptionReview
from tests.billing import factories as f
from tests.conftest import bearer, make_user

from .reviews_data import MONTH, bill_of, billing_ready, reviewer

PASSWORD = "Senha-forte-123"
BODY = {
    "reference": "2025-05",
    "requester_name": "José da Silva",
    "requester_phone": "(15) 99999-1234",
    "requester_email": "jose@example.com",
    "residents": 4,
    "has_pool": False,
    "has_washing_machine": True,
    "has_water_tank": True,
    "tank_liters": 500,
    "other_source": "",
    "description": "A conta de maio veio o dobro do normal.",
}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bill(tenant_alpha: Any) -> Bill:
    return bill_of(billing_ready())


def test_the_api_refuses_a_form_missing_a_field_and_writes_nothing(bill: Bill, alpha_client: Any) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    body = {**BODY, "property": bill.property_id}
    del body["residents"]
    r = alpha_client.post("/api/v1/service/reviews", body, content_type="application/json", **headers)
    assert r.status_code == 400 and "residents" in r.json()["errors"]
    r = alpha_client.post(
        "/api/v1/service/reviews",
        {**BODY, "property": bill.property_id, "reference": "2025-02"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and r.json()["code"] == "review_bill_period"
    assert not ConsumptionReview.objects.exists()


def test_the_whole_case_through_the_api(
    bill: Bill, alpha_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    tech = make_user("alpha", "tecnico", PASSWORD)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    r = alpha_client.post(
        "/api/v1/service/reviews",
        {**BODY, "property": bill.property_id},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert (case["control"], case["phase"], case["bill_total"], case["residents"]) == (
        "2025/0001",
        "triage",
        "40.56",
        4,
    )
    assert (
        case["has_washing_machine"] is True
        and case["tank_liters"] == 500
        and case["phase_due_on"] == "2025-06-04"
    )
    pk = case["id"]
    r = alpha_client.post(
        f"/api/v1/service/reviews/{pk}/advance",
        {"phase": "visit"},
        content_type="application/json",
        **headers,
    )
    assert r.json()["phase"] == "visit" and r.json()["phase_due_on"] == "2025-06-07"
    r = alpha_client.post(
        f"/api/v1/service/reviews/{pk}/visit",
        {"at": "2025-06-03T09:00:00-03:00", "technician": tech.pk},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200 and r.json()["warning"] == "" and r.json()["visit_order"].startswith("2025/")
    agenda = alpha_client.get("/api/v1/service/reviews/agenda?start=2025-06-02&days=7", **headers).json()
    assert [(v["control"], v["at"], v["technician"]) for v in agenda["results"]] == [
        ("2025/0001", "2025-06-03T09:00:00-03:00", "tecnico")
    ]
    # the rebill needs billing's grant besides the review's
    reviewer("ana", rebill=False)
    ana = bearer(alpha_client, "ana", PASSWORD)
    r = alpha_client.post(
        f"/api/v1/service/reviews/{pk}/rebill",
        {"consumption_m3": 10, "reason": "Vazamento"},
        content_type="application/json",
        **ana,
    )
    assert r.status_code == 403 and r.json()["code"] == "review_rebill_forbidden"
    assert Bill.objects.count() == 1
    r = alpha_client.post(
        f"/api/v1/service/reviews/{pk}/rebill",
        {"consumption_m3": 10, "reason": "Vazamento"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 201
    assert (r.json()["change"]["before"]["total"], r.json()["new_bill_total"]) == ("40.56", "20.59")
    with django_capture_on_commit_callbacks(execute=True):
        r = alpha_client.post(
            f"/api/v1/service/reviews/{pk}/close",
            {"outcome": "upheld", "conclusion": "Vazamento na caixa d'água; refaturado por 10 m³."},
            content_type="application/json",
            **headers,
        )
    assert r.status_code == 200 and r.json()["phase"] == "closed"
    after = alpha_client.get(f"/api/v1/service/reviews/{pk}", **headers).json()
    assert after["emailed_to"] == "jose@example.com"
    assert [e["action"] for e in after["events"]] == ["open", "phase", "visit", "rebill", "close", "email"]
    assert len(mail.outbox) == 1 and len(mail.outbox[0].attachments) == 2
    pdf = alpha_client.get(f"/api/v1/service/reviews/{pk}/pdf?laudo=1", **headers)
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_the_settings_api_has_defaults_and_saves_the_utilitys_phases(
    tenant_alpha: Any, alpha_client: Any
) -> None:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    body = alpha_client.get("/api/v1/settings/consumption-review", **headers).json()
    assert [p["code"] for p in body["phases"]] == ["triage", "visit", "analysis", "decision"]
    assert (body["visit_code"], body["visit_minutes"]) == ("REVC", 60)
    new = {
        "phases": [{"code": "unica", "label": "Análise única", "days": 7}],
        "visit_code": "REVC",
        "visit_minutes": 90,
    }
    r = alpha_client.put(
        "/api/v1/settings/consumption-review", new, content_type="application/json", **headers
    )
    assert r.status_code == 200 and r.json() == new
    r = alpha_client.put(
        "/api/v1/settings/consumption-review",
        {**new, "visit_code": "NAOEXISTE"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and r.json()["field"] == "visit_code"


def _sign_in(client: Any) -> Any:
    user = make_user("alpha", "gestora", PASSWORD, is_admin=True)
    client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD})
    return user


def test_the_pages_open_work_and_close_a_case(
    bill: Bill, alpha_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_in(alpha_client)
    tech = make_user("alpha", "tecnico", PASSWORD)
    menu = alpha_client.get("/").content.decode()
    assert "/servicos/revisoes/" in menu and "/servicos/revisoes/agenda/" in menu
    r = alpha_client.post(
        "/servicos/revisoes/nova/",
        {
            "account_number": bill.property.account_number,
            "reference": "05/2025",
            "origin": "customer",
            "channel": "counter",
            "requester_name": "Maria Souza",
            "requester_phone": "15988887777",
            "requester_email": "maria@example.com",
            "residents": "2",
            "has_pool": "on",
            "pool_liters": "8000",
            "other_source": "rain",
            "description": "Consumo alto sem explicação desde abril.",
        },
    )
    review = ConsumptionReview.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/servicos/revisoes/{review.pk}/"
    html = alpha_client.get(r["Location"]).content.decode()
    for text in (
        "2025/0001",
        "Maria Souza",
        "Captação de chuva",
        "8000 litros",
        "Triagem do pedido",
        "R$ 40,56",
    ):
        assert text in html
    r = alpha_client.post(
        r["Location"],
        {"op": "visit", "at": "2025-06-03T14:00", "technician": tech.pk},
    )
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.visit_order is not None and review.visit_at == dt.datetime(2025, 6, 3, 17, tzinfo=dt.UTC)
    agenda = alpha_client.get("/servicos/revisoes/agenda/?inicio=2025-06-02").content.decode()
    assert "14:00–15:00" in agenda and "Revisão 2025/0001" in agenda
    r = alpha_client.post(
        f"/servicos/revisoes/{review.pk}/", {"op": "rebill", "consumption_m3": "10", "reason": "Vazamento"}
    )
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.new_bill is not None and review.new_bill.total == Decimal("20.59")
    with django_capture_on_commit_callbacks(execute=True):
        r = alpha_client.post(
            f"/servicos/revisoes/{review.pk}/",
            {"op": "close", "outcome": "upheld", "conclusion": "Vazamento confirmado."},
        )
    assert r.status_code == 302 and mail.outbox[0].to == ["maria@example.com"]
    pdf = alpha_client.get(f"/servicos/revisoes/{review.pk}/documento.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    listing = alpha_client.get("/servicos/revisoes/?fase=closed").content.decode()
    assert "2025/0001" in listing and "Procedente" in listing


def test_a_bad_form_on_the_page_names_the_field(bill: Bill, alpha_client: Any) -> None:
    _sign_in(alpha_client)
    r = alpha_client.post(
        "/servicos/revisoes/nova/",
        {
            "account_number": bill.property.account_number,
            "reference": "02/2025",
            "origin": "customer",
            "channel": "counter",
            "requester_name": "Maria Souza",
            "requester_phone": "15988887777",
            "residents": "2",
            "description": "Consumo alto sem explicação.",
        },
    )
    assert r.status_code == 200 and "não tem conta nem leitura em 02/2025" in r.content.decode()
    assert not ConsumptionReview.objects.exists()


def test_the_review_queue_button_opens_the_case(tenant_alpha: Any, alpha_client: Any) -> None:
    g = billing_ready()
    prop = f.billable(g)
    for month, value in ((YearMonth(2025, 2), 10), (YearMonth(2025, 3), 20), (YearMonth(2025, 4), 30)):
        f.schedule(g, month)
        reading_register(
            actor=f.ACTOR, data=ReadingInput(prop.account_number, month, month.day(10), value, "")
        )
    high = reading_register(
        actor=f.ACTOR, data=ReadingInput(prop.account_number, MONTH, MONTH.day(10), 90, "")
    )
    _sign_in(alpha_client)
    queue = alpha_client.get("/leitura/analise/").content.decode()
    assert "Abrir revisão de consumo" in queue and 'action="/servicos/revisoes/da-leitura/"' in queue
    r = alpha_client.post("/servicos/revisoes/da-leitura/", {"reading": high.pk})
    review = ConsumptionReview.objects.get()
    assert r["Location"] == f"/servicos/revisoes/{review.pk}/" and review.origin == "reading"


def test_the_settings_page_saves_the_phases(tenant_alpha: Any, alpha_client: Any) -> None:
    _sign_in(alpha_client)
    page = alpha_client.get("/servicos/revisoes/configuracao/").content.decode()
    assert "triage; Triagem do pedido; 2" in page
    r = alpha_client.post(
        "/servicos/revisoes/configuracao/",
        {"phases": "entrada; Entrada; 1\ncampo; Vistoria; 4", "visit_code": "REVC", "visit_minutes": "30"},
    )
    assert r.status_code == 302
    from modules.service.services.reviews import review_phases

    assert [(p.code, p.days) for p in review_phases()] == [("entrada", 1), ("campo", 4)]


def test_the_visit_goes_to_the_field_app_and_comes_back_paperless(bill: Bill, alpha_client: Any) -> None:
    """3.2.6.5: scheduled to a team, the visit order is on the team's phone that day; the phone's
    closing (offline sync) writes the visit's report into the case, with no paper step."""
    import uuid

    from modules.access.models import Profile
    from modules.service.services import catalog
    from tests.service import factories as sf

    member = make_user("alpha", "campo1", PASSWORD)
    member.profiles.add(Profile.objects.get(name="Equipe de campo"))
    team = sf.team("Equipe Revisão")
    catalog.team_member_add(actor=f.ACTOR, team_id=team.pk, user_id=member.pk, start=dt.date(2025, 6, 1))
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    boss = bearer(alpha_client, "chefe", PASSWORD)
    phone = bearer(alpha_client, "campo1", PASSWORD)
    pk = alpha_client.post(
        "/api/v1/service/reviews",
        {**BODY, "property": bill.property_id},
        content_type="application/json",
        **boss,
    ).json()["id"]
    visit = alpha_client.post(
        f"/api/v1/service/reviews/{pk}/visit",
        {"at": "2025-06-02T08:00:00-03:00", "technician": member.pk, "team": team.pk},
        content_type="application/json",
        **boss,
    ).json()
    today = alpha_client.get("/api/v1/field/today", **phone).json()
    assert [o["id"] for o in today["orders"]] == [visit["order_id"]]
    close = {
        "id": str(uuid.uuid4()),
        "type": "close",
        "order": visit["order_id"],
        "at": "2025-06-02T09:00:00-03:00",
        "payload": {
            "team": team.pk,
            "executed_at": "2025-06-02T09:00:00-03:00",
            "notes": "Caixa d'água transbordando pela boia; morador orientado.",
        },
    }
    r = alpha_client.post(
        "/api/v1/field/sync",
        {"device_id": "pwa-rev-1", "events": [close]},
        content_type="application/json",
        **phone,
    )
    assert [x["status"] for x in r.json()["results"]] == ["applied"], r.json()["results"]
    case = alpha_client.get(f"/api/v1/service/reviews/{pk}", **boss).json()
    assert case["visit_report"] == (
        f"OS {visit['visit_order']} executada em 02/06/2025 09:00: Caixa d'água transbordando pela boia; "
        "morador orientado."
    )
    assert case["events"][-1]["action"] == "visit_done"
