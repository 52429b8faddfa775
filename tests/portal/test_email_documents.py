"""Documents by e-mail (VA-14, VA-18, VA-20 and the bill, page and API): the PDF goes to the address on
record for the property, the citizen is told where (masked), another citizen's document answers 404,
a property without an e-mail gets a clear refusal and no document made for nothing, and the hourly
limit per property holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from email.header import decode_header, make_header
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from modules.collection.models import PaymentDocument
from modules.common.audit import SystemActor
from modules.debt import services as debt_services
from tests.collection import factories as f

from .conftest import Citizen, sign_in
from .test_api import _token

TODAY = dt.date(2025, 6, 15)
API = "/agencia/api/v1"
ACTOR = SystemActor("teste")


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        yield


def _owing(citizen: Citizen) -> list[Any]:
    p = citizen.home
    return [
        f.bill(p, "57.30", dt.date(2025, 3, 10), dt.date(2025, 2, 1)),
        f.bill(p, "61.00", dt.date(2025, 7, 10), dt.date(2025, 6, 1)),
    ]


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_statement_by_email_sends_the_same_document_as_print_to_pay(
    alpha_client: Client, citizen: Citizen, tenant_alpha: Any
) -> None:
    tenant_alpha.email = "atendimento@saae-alpha.gov.br"
    tenant_alpha.save()
    overdue, current = _owing(citizen)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    page = alpha_client.get(f"{base}/extrato/").content.decode()
    assert f'formaction="{base}/extrato/email/"' in page and "Enviar o extrato por e-mail" in page

    sent = alpha_client.post(f"{base}/extrato/email/", {"bills": [overdue.pk, current.pk]}, follow=True)
    doc = PaymentDocument.objects.get(property=citizen.home)
    assert [f"Enviamos o extrato nº {doc.pk} para m•••a@example.com."] == _messages(sent)
    (message,) = mail.outbox
    assert message.to == ["maria@example.com"]
    sender = str(make_header(decode_header(message.from_email)))
    assert sender == "Concessionária Alpha <nao-responda@manancial.localhost>"
    assert message.reply_to == ["atendimento@saae-alpha.gov.br"]
    assert "extrato de débitos" in message.subject and doc.typeable_line in message.body
    name, content, kind = message.attachments[0]
    assert (name, kind) == (f"extrato-{doc.pk}.pdf", "application/pdf") and content.startswith(b"%PDF")
    # the document is priced as the statement page prices the rows: more than the face value when late
    assert doc.amount > Decimal("118.30")
    assert f"R$ {doc.amount:.2f}".replace(".", ",") in message.body


def test_nothing_is_made_or_sent_without_an_email_on_record(alpha_client: Client, stranger: Citizen) -> None:
    (bill, _) = _owing(stranger)
    sign_in(alpha_client, stranger.home, stranger.cpf)
    base = f"/agencia/imoveis/{stranger.home.pk}"
    assert "Enviar o extrato por e-mail" not in alpha_client.get(f"{base}/extrato/").content.decode()
    refused = alpha_client.post(f"{base}/extrato/email/", {"bills": [bill.pk]}, follow=True)
    assert _messages(refused) == ["Não há e-mail cadastrado para este imóvel. Atualize o e-mail primeiro."]
    assert not PaymentDocument.objects.filter(property=stranger.home).exists() and not mail.outbox


def test_certificate_by_email_and_another_citizens_answers_404(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    mine = debt_services.certificate_issue(actor=ACTOR, property_id=citizen.home.pk, today=TODAY)
    theirs = debt_services.certificate_issue(actor=ACTOR, property_id=stranger.home.pk, today=TODAY)
    sign_in(alpha_client, citizen.home, citizen.cpf)
    base = f"/agencia/imoveis/{citizen.home.pk}"
    assert "Enviar por e-mail" in alpha_client.get(f"{base}/certidao/{mine.pk}/").content.decode()
    sent = alpha_client.post(f"{base}/certidao/{mine.pk}/email/", follow=True)
    assert _messages(sent) == ["Enviamos o documento para m•••a@example.com."]
    (message,) = mail.outbox
    assert mine.code in message.subject and mine.code in message.body
    assert message.attachments[0][0] == f"certidao-{mine.code}.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")
    assert alpha_client.post(f"{base}/certidao/{theirs.pk}/email/").status_code == 404
    assert (
        alpha_client.post(f"/agencia/imoveis/{stranger.home.pk}/certidao/{theirs.pk}/email/").status_code
        == 404
    )
    assert len(mail.outbox) == 1


def test_the_api_sends_bill_statement_and_certificate(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    overdue, current = _owing(citizen)
    (theirs, _) = _owing(stranger)
    auth = _token(alpha_client, citizen)
    base = f"{API}/properties/{citizen.home.pk}"
    bill = alpha_client.post(f"{base}/bills/{current.pk}/email", **auth)
    assert bill.status_code == 202 and bill.json() == {"sent_to": "m•••a@example.com"}
    doc = alpha_client.post(
        f"{base}/statements", {"bills": [overdue.pk]}, content_type="application/json", **auth
    ).json()
    statement = alpha_client.post(f"{base}/statements/{doc['id']}/email", **auth)
    assert statement.status_code == 202
    cert = debt_services.certificate_issue(actor=ACTOR, property_id=citizen.second.pk, today=TODAY)
    second = f"{API}/properties/{citizen.second.pk}"
    assert alpha_client.post(f"{second}/certificates/{cert.pk}/email", **auth).status_code == 202
    assert [m.attachments[0][0] for m in mail.outbox] == [
        "conta-2025-06.pdf",
        f"extrato-{doc['id']}.pdf",
        f"certidao-{cert.code}.pdf",
    ]
    assert alpha_client.post(f"{base}/bills/{theirs.pk}/email", **auth).status_code == 404
    assert alpha_client.post(f"{base}/bills/{current.pk}/email").status_code == 401
    schema = alpha_client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    assert "/agencia/api/v1/properties/{property_id}/statements/{document_id}/email" in schema["paths"]
    assert len(mail.outbox) == 3


def test_no_email_on_record_is_409_and_the_hourly_limit_429(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, settings: Any
) -> None:
    settings.PORTAL_MAIL_LIMIT = 2
    (_, current) = _owing(citizen)
    (their_bill, _) = _owing(stranger)
    auth = _token(alpha_client, citizen)
    url = f"{API}/properties/{citizen.home.pk}/bills/{current.pk}/email"
    assert [alpha_client.post(url, **auth).status_code for _ in range(3)] == [202, 202, 429]
    assert alpha_client.post(url, **auth).json()["code"] == "too_many_emails"
    assert len(mail.outbox) == 2
    their_auth = _token(alpha_client, stranger)
    none = alpha_client.post(f"{API}/properties/{stranger.home.pk}/bills/{their_bill.pk}/email", **their_auth)
    assert none.status_code == 409 and none.json()["code"] == "no_email"
