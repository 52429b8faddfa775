"""3.2.14.1: the mobile number confirmed by a code sent by SMS (through the fake gateway), with
pt-BR refusals for a number that is not a Brazilian mobile and a block after three wrong codes;
the digital bill; the notices page of the agency."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

from modules.common.models import AuditEntry
from modules.notifications.models import ConsentRecord, MobileCode, Subscription
from tests.portal.conftest import sign_in

from .conftest import Citizen, citizen_token

MOBILE = "/agencia/api/v1/contacts/mobile"
CONFIRM = "/agencia/api/v1/contacts/mobile/confirm"


def _code(sms: Any) -> str:
    found = re.search(r"é (\d{6})\.", sms.messages[-1]["text"])
    assert found, sms.messages
    return found.group(1)


def test_a_mobile_is_confirmed_by_the_code_sent_to_it_and_reaches_the_registry(
    alpha_client: Client, citizen: Citizen, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    auth = citizen_token(alpha_client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        sent = alpha_client.post(
            MOBILE, {"mobile": "(11) 98765-4321"}, content_type="application/json", **auth
        )
    assert sent.status_code == 202 and sent.json() == {"mobile": "+5511987654321", "confirmed": False}
    assert [m["to"] for m in sms.messages] == ["+5511987654321"]
    assert "Concessionária Alpha: seu código de confirmação do celular é" in sms.messages[0]["text"]
    code = _code(sms)
    assert code not in str(list(MobileCode.objects.values()))  # only its HMAC is kept
    done = alpha_client.post(CONFIRM, {"code": code}, content_type="application/json", **auth)
    assert done.status_code == 200 and done.json() == {"mobile": "+5511987654321", "confirmed": True}
    assert Subscription.objects.get(property=citizen.home).mobile == "+5511987654321"
    citizen.customer.refresh_from_db()
    assert citizen.customer.phone == "+5511987654321"  # the back office sees it
    assert AuditEntry.objects.filter(action="notifications.mobile_confirm").count() == 1


def test_a_number_that_is_not_a_brazilian_mobile_is_refused_and_nothing_is_sent(
    alpha_client: Client, citizen: Citizen, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    auth = citizen_token(alpha_client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        for number in ("(11) 3456-7890", "12345", "+1 415 555 0100"):
            refused = alpha_client.post(MOBILE, {"mobile": number}, content_type="application/json", **auth)
            assert refused.status_code == 400
            assert refused.json()["code"] == "phone_invalid" and refused.json()["field"] == "mobile"
            assert (
                refused.json()["detail"]
                == "Informe um celular com DDD (11 dígitos, começando por 9 após o DDD)."
            )
    assert sms.messages == [] and not MobileCode.objects.exists()


def test_three_wrong_codes_block_the_confirmation_for_a_while(
    alpha_client: Client, citizen: Citizen, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    auth = citizen_token(alpha_client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        alpha_client.post(MOBILE, {"mobile": "11987654321"}, content_type="application/json", **auth)
    right = _code(sms)
    wrong = "000000" if right != "000000" else "111111"
    answers = [
        alpha_client.post(CONFIRM, {"code": wrong}, content_type="application/json", **auth) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert [a.json()["detail"] for a in answers[:2]] == [
        "Código incorreto. Restam 2 tentativas.",
        "Código incorreto. Restam 1 tentativa.",
    ]
    assert answers[2].json()["code"] == "code_blocked"
    assert (
        answers[2].json()["detail"].startswith("Código errado três vezes. Por segurança, tente de novo em ")
    )
    # blocked: even the right code, even a new code, waits
    late = alpha_client.post(CONFIRM, {"code": right}, content_type="application/json", **auth)
    assert late.status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        again = alpha_client.post(MOBILE, {"mobile": "11987654321"}, content_type="application/json", **auth)
    assert again.status_code == 429 and len(sms.messages) == 1
    assert not Subscription.objects.filter(property=citizen.home, mobile__gt="").exists()


def test_the_digital_bill_needs_an_email_and_is_recorded(
    alpha_client: Client, citizen: Citizen, stranger: Citizen
) -> None:
    auth = citizen_token(alpha_client, citizen)
    on = alpha_client.post(
        "/agencia/api/v1/notifications/digital-bill",
        {"enabled": True},
        content_type="application/json",
        **auth,
    )
    assert on.status_code == 200 and on.json() == {"enabled": True}
    assert alpha_client.get("/agencia/api/v1/notifications/digital-bill", **auth).json() == {"enabled": True}
    assert (
        ConsentRecord.objects.filter(property=citizen.home, subject="digital_bill", opted_in=True).count()
        == 1
    )
    joao = citizen_token(alpha_client, stranger)  # João has no e-mail on record
    refused = alpha_client.post(
        "/agencia/api/v1/notifications/digital-bill",
        {"enabled": True},
        content_type="application/json",
        **joao,
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Para receber a conta digital, cadastre e confirme um e-mail primeiro."
    assert not Subscription.objects.filter(property=stranger.home, digital_bill=True).exists()


def test_the_notices_page_saves_the_choice_and_confirms_the_mobile(
    alpha_client: Client, citizen: Citizen, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    url = f"/agencia/imoveis/{citizen.home.pk}/avisos/"
    page = alpha_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Avisos, celular e conta digital" in body and "Conta perto do vencimento (3 dias antes)" in body
    saved = alpha_client.post(
        url, {"action": "preferences", "channels": ["email", "sms"], "events": ["bill_issued", "debt_notice"]}
    )
    assert saved.status_code == 302
    sub = Subscription.objects.get(property=citizen.home)
    assert (sub.email, sub.sms, sub.whatsapp, sub.push, sub.events) == (
        True,
        True,
        False,
        False,
        ["bill_issued", "debt_notice"],
    )
    assert ConsentRecord.objects.filter(property=citizen.home, source="web").count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        alpha_client.post(url, {"action": "mobile", "mobile": "(11) 91234-5678"})
    follow = alpha_client.get(url).content.decode()
    assert "Confirmar celular" in follow
    assert alpha_client.post(url, {"action": "code", "code": _code(sms)}).status_code == 302
    assert "Celular confirmado: <strong>(11) 9****-5678</strong>" in alpha_client.get(url).content.decode()
    bad = alpha_client.post(url, {"action": "mobile", "mobile": "1234"})
    assert bad.status_code == 400 and "Informe um celular com DDD" in bad.content.decode()
    assert mail.outbox == []


def test_a_citizen_who_signed_in_with_the_matricula_alone_cannot_change_contacts(
    alpha_client: Client, citizen: Citizen
) -> None:
    from tests.portal.conftest import set_mode

    set_mode("account_check_digit")
    sign_in(alpha_client, citizen.home)
    url = f"/agencia/imoveis/{citizen.home.pk}/avisos/"
    answer = alpha_client.post(
        url, {"action": "preferences", "channels": ["email"], "events": ["bill_issued"]}
    )
    assert answer.status_code == 302 and not Subscription.objects.exists()
