"""The citizen asks for a consumption review from the agency (seed 001 3.2.6.1 "customer", ADR 0229):
the page and the API open the same case the counter does, on one of the unit's bills, once per bill
month while open; the protocol's page then shows the case's phases as the customer reads them, and
the closing's laudo reaches the e-mail given on the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from modules.billing.models import Bill
from modules.billing.services import runs
from modules.reading.services import ReadingInput, reading_register
from modules.registry.models import PropertyRelation
from modules.service.models_review import ConsumptionReview, ReviewEvent
from modules.service.services import reviews as svc
from portal.domain import SignInMode
from tests.billing import factories as bf
from tests.service.reviews_data import MONTH, billing_ready

from .conftest import set_mode, sign_in

FORM = {
    "name": "Maria da Conceição Souza",
    "phone": "(15) 99999-1234",
    "email": "maria.laudo@example.com",
    "residents": "3",
    "has_pool": "on",
    "pool_liters": "8000",
    "has_washing_machine": "on",
    "other_source": "well",
    "description": "A conta de maio veio o dobro do normal e não vejo vazamento.",
}


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def bills(tenant_alpha: Any) -> tuple[Bill, Bill]:
    """Two released bills of 05/2025 of one run: the signed-in holder's and a neighbour's."""
    g = billing_ready()
    units = [bf.billable(g), bf.billable(g)]
    for p, value in zip(units, (16, 9), strict=True):
        reading_register(actor=bf.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, ""))
    run = runs.run_create(actor=bf.ACTOR, group=g, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31))
    for chunk in run.chunks.order_by("number"):
        runs.chunk_process(chunk_id=chunk.pk)
    runs.run_release(actor=bf.ACTOR, run=run)
    return Bill.objects.get(run=run, property=units[0]), Bill.objects.get(run=run, property=units[1])


@pytest.fixture
def bill(bills: tuple[Bill, Bill]) -> Bill:
    return bills[0]


def _cpf(bill: Bill) -> str:
    rel = PropertyRelation.objects.select_related("customer").get(
        property_id=bill.property_id, role=PropertyRelation.Role.OWNER
    )
    return rel.customer.cpf_cnpj


def _token(client: Client, bill: Bill) -> dict[str, str]:
    r = client.post(
        "/agencia/api/v1/auth/token",
        {"account": bill.property.account_number, "document": _cpf(bill)},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}


def test_the_citizen_asks_on_the_page_and_follows_the_phases_to_the_laudo(
    bill: Bill, alpha_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    pid = bill.property_id
    assert sign_in(alpha_client, bill.property, _cpf(bill)).status_code == 302
    home = alpha_client.get(f"/agencia/imoveis/{pid}/").content.decode()
    assert f"/agencia/imoveis/{pid}/revisao-de-consumo/" in home and "Pedir revisão de consumo" in home
    page = alpha_client.get(f"/agencia/imoveis/{pid}/revisao-de-consumo/").content.decode()
    assert f'value="{bill.pk}"' in page and "05/2025" in page and "Possui piscina" in page

    r = alpha_client.post(f"/agencia/imoveis/{pid}/revisao-de-consumo/", {**FORM, "bill": bill.pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    review = ConsumptionReview.objects.select_related("protocol").get()
    assert r["Location"] == f"/agencia/imoveis/{pid}/pedidos/{review.protocol.protocol}/"
    assert (review.origin, review.protocol.channel, review.reference) == (
        "customer",
        "web",
        dt.date(2025, 5, 1),
    )
    assert (review.residents, review.has_pool, review.pool_liters, review.has_washing_machine) == (
        3,
        True,
        8000,
        True,
    )
    assert (review.has_water_tank, review.other_source, review.bill_id) == (False, "well", bill.pk)
    assert review.requester_email == "maria.laudo@example.com" and review.control == "2025/0001"
    assert review.protocol.type_code == "consumption_review"

    # the staff works the case; the citizen's page shows each step, without staff names or order numbers
    svc.review_advance(actor=bf.ACTOR, review_id=review.pk, phase="analysis", note="Nota interna do revisor")
    detail = alpha_client.get(r["Location"]).content.decode()
    assert "Revisão de consumo 2025/0001" in detail and "Fase: Análise técnica" in detail
    assert "Pedido de revisão registrado" in detail and "Nota interna do revisor" not in detail
    with django_capture_on_commit_callbacks(execute=True):
        svc.review_close(
            actor=bf.ACTOR,
            review_id=review.pk,
            outcome="rejected",
            conclusion="Sem vazamento; o consumo de maio condiz com a piscina cheia.",
        )
    (message,) = mail.outbox
    assert message.to == ["maria.laudo@example.com"] and "2025/0001" in message.subject
    detail = alpha_client.get(r["Location"]).content.decode()
    assert "Encerrada: Improcedente" in detail and "Laudo enviado por e-mail" in detail
    assert "condiz com a piscina cheia" in detail and "sistema:" not in detail


def test_a_bad_form_on_the_page_names_the_field_and_writes_nothing(bill: Bill, alpha_client: Client) -> None:
    pid = bill.property_id
    sign_in(alpha_client, bill.property, _cpf(bill))
    r = alpha_client.post(
        f"/agencia/imoveis/{pid}/revisao-de-consumo/", {**FORM, "bill": bill.pk, "description": "alta"}
    )
    assert r.status_code == 200 and "Descreva a ocorrência (ao menos 10 letras)." in r.content.decode()
    assert not ConsumptionReview.objects.exists() and not ReviewEvent.objects.exists()


def test_the_api_opens_once_per_bill_month_and_lists_the_cases(
    bills: tuple[Bill, Bill], alpha_client: Client
) -> None:
    bill, other = bills
    auth = _token(alpha_client, bill)
    url = f"/agencia/api/v1/properties/{bill.property_id}/consumption-reviews"
    body = {
        "bill": bill.pk,
        "name": "Maria da Conceição Souza",
        "phone": "15999991234",
        "email": "maria.laudo@example.com",
        "residents": 2,
        "has_pool": False,
        "has_washing_machine": True,
        "has_water_tank": True,
        "tank_liters": 1000,
        "description": "Consumo de maio muito acima da média do imóvel.",
    }
    r = alpha_client.post(url, body, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["control"] == "2025/0001" and out["reference"] == "2025-05" and out["phase"] == "triage"
    assert out["phase_due_on"] == "2025-06-04" and [s["text"] for s in out["steps"]] == [
        "Pedido de revisão registrado"
    ]
    again = alpha_client.post(url, body, content_type="application/json", **auth)
    assert again.status_code == 409
    assert again.json()["code"] == "review_already_open" and "bill" in again.json()["errors"]
    assert ConsumptionReview.objects.count() == 1
    review = ConsumptionReview.objects.select_related("protocol").get()
    assert review.protocol.channel == "api" and review.tank_liters == 1000

    # a bill of a unit the citizen does not hold
    wrong = alpha_client.post(url, {**body, "bill": other.pk}, content_type="application/json", **auth)
    assert wrong.status_code == 400 and "bill" in wrong.json()["errors"]
    listing = alpha_client.get(url, **auth)
    assert listing.status_code == 200 and [c["control"] for c in listing.json()] == ["2025/0001"]
    theirs = alpha_client.post(
        f"/agencia/api/v1/properties/{other.property_id}/consumption-reviews",
        body,
        content_type="application/json",
        **auth,
    )
    assert theirs.status_code == 404


def test_a_consultation_only_sign_in_cannot_ask(bill: Bill, alpha_client: Client) -> None:
    set_mode(SignInMode.ACCOUNT_ONLY)
    assert sign_in(alpha_client, bill.property).status_code == 302
    pid = bill.property_id
    home = alpha_client.get(f"/agencia/imoveis/{pid}/").content.decode()
    assert "revisao-de-consumo" not in home
    r = alpha_client.post(f"/agencia/imoveis/{pid}/revisao-de-consumo/", {**FORM, "bill": bill.pk})
    assert r.status_code == 302 and r["Location"] == f"/agencia/imoveis/{pid}/"  # refused, back home
    assert "apenas consultas" in alpha_client.get(r["Location"]).content.decode()
    assert not ConsumptionReview.objects.exists()
