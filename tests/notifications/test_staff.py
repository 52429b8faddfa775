"""The utility's staff see what was sent to whom (page and API) and the consent trail of a
matrícula; a profile without the function sees neither; the settings page changes what is offered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from modules.notifications import dispatch, services
from modules.notifications.models import NotificationSettings, Subscription
from tests.collection import factories as cf
from tests.conftest import bearer, make_user

from .conftest import Citizen


def _sent(citizen: Citizen, sms: Any) -> None:
    services.preferences_set(
        actor=_Actor(),
        prop=citizen.home,
        channels={"email": True, "sms": True},
        events=["bill_issued"],
        source="web",
    )
    Subscription.objects.filter(property=citizen.home).update(mobile="+5511987654321")
    bill = cf.bill(citizen.home, "61.00", dt.date(2025, 7, 10))
    for pk in dispatch.deliveries_create([dispatch._bill_fact(bill, "bill_issued")]):
        dispatch.delivery_send(pk)


class _Actor:
    pk = None

    def get_username(self) -> str:
        return "teste"


def test_staff_see_what_was_sent_to_whom_and_the_consents(
    alpha_client: Client, citizen: Citizen, sms: Any
) -> None:
    _sent(citizen, sms)
    make_user("alpha", "chefe", is_admin=True)
    headers = bearer(alpha_client, "chefe", "Senha-forte-123")
    rows = alpha_client.get(
        f"/api/v1/notifications/deliveries?account={citizen.home.account_number}", **headers
    ).json()
    got = sorted((r["channel"], r["destination"], r["status"], r["event"]) for r in rows["results"])
    assert got == [
        ("email", "ma***@example.com", "sent", "bill_issued"),
        ("sms", "(11) 9****-4321", "sent", "bill_issued"),
    ]
    consents = alpha_client.get(
        f"/api/v1/notifications/consents?account={citizen.home.account_number}", **headers
    ).json()
    assert sorted((c["code"], c["opted_in"]) for c in consents["results"]) == [
        ("bill_issued", True),
        ("email", True),
        ("sms", True),
    ]
    alpha_client.post("/conta/entrar/", {"username": "chefe", "password": "Senha-forte-123"})
    page = alpha_client.get(f"/notificacoes/?account={citizen.home.account_number}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sua conta de 06/2025 está disponível" in body and "(11) 9****-4321" in body
    assert "Consentimentos da matrícula" in body and "Aderiu" in body and "Canal: SMS" in body


def test_a_profile_without_the_function_sees_nothing(alpha_client: Client, citizen: Citizen) -> None:
    make_user("alpha", "leiturista")
    headers = bearer(alpha_client, "leiturista", "Senha-forte-123")
    assert alpha_client.get("/api/v1/notifications/deliveries", **headers).status_code == 403
    alpha_client.post("/conta/entrar/", {"username": "leiturista", "password": "Senha-forte-123"})
    assert alpha_client.get("/notificacoes/").status_code == 403


def test_the_settings_page_changes_what_is_offered(alpha_client: Client, tenant_alpha: Any) -> None:
    make_user("alpha", "chefe", is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "chefe", "password": "Senha-forte-123"})
    assert alpha_client.get("/notificacoes/configurar/").status_code == 200
    answer = alpha_client.post(
        "/notificacoes/configurar/",
        {
            "offered_events": ["bill_issued", "due_soon"],
            "due_soon_days": "5",
            "debt_notice_days": "10",
            "whatsapp_base_url": "",
            "whatsapp_token": "",
            "vapid_subject": "mailto:ti@alpha.example",
        },
    )
    assert answer.status_code == 302
    conf = NotificationSettings.current()
    assert (conf.offered_events, conf.due_soon_days, conf.debt_notice_days) == (
        ["bill_issued", "due_soon"],
        5,
        10,
    )
