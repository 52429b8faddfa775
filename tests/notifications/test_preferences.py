"""The citizen's choice of notices and channels (issue 23 fixed point), its consent trail (LGPD)
and the refusals in pt-BR."""

from __future__ import annotations

from typing import Any

from django.test import Client

from modules.notifications.models import ConsentRecord, NotificationSettings, Subscription

from .conftest import Citizen, citizen_token

URL = "/agencia/api/v1/notifications/preferences"
CHOICE = {
    "channels": {"email": True, "sms": False, "whatsapp": True, "push": False},
    "events": ["bill_issued", "due_soon", "payment_confirmed"],
}


def test_the_choice_posted_is_the_choice_read_back_with_a_consent_row_per_opt_in(
    alpha_client: Client, citizen: Citizen
) -> None:
    auth = citizen_token(alpha_client, citizen)
    assert alpha_client.get(URL, **auth).json() == {
        "channels": {"email": False, "sms": False, "whatsapp": False, "push": False},
        "events": [],
    }
    posted = alpha_client.post(URL, CHOICE, content_type="application/json", **auth)
    assert posted.status_code == 200, posted.content
    assert posted.json() == CHOICE
    assert alpha_client.get(URL, **auth).json() == CHOICE
    consents = sorted(
        (c.subject, c.code, c.opted_in, c.source) for c in ConsentRecord.objects.filter(property=citizen.home)
    )
    assert consents == [
        ("channel", "email", True, "api"),
        ("channel", "whatsapp", True, "api"),
        ("event", "bill_issued", True, "api"),
        ("event", "due_soon", True, "api"),
        ("event", "payment_confirmed", True, "api"),
    ]
    assert all(c.at is not None and c.ip for c in ConsentRecord.objects.filter(property=citizen.home))

    # the same choice again records nothing; an opt-out is recorded with its channel and time
    alpha_client.post(URL, CHOICE, content_type="application/json", **auth)
    assert ConsentRecord.objects.filter(property=citizen.home).count() == 5
    less = {"channels": {"whatsapp": False}, "events": ["bill_issued"]}
    answer = alpha_client.post(URL, less, content_type="application/json", **auth).json()
    assert answer["channels"] == {"email": True, "sms": False, "whatsapp": False, "push": False}
    assert answer["events"] == ["bill_issued"]
    outs = ConsentRecord.objects.filter(property=citizen.home, opted_in=False)
    assert sorted(c.code for c in outs) == ["due_soon", "payment_confirmed", "whatsapp"]


def test_an_event_the_utility_does_not_offer_is_refused_in_portuguese_and_nothing_is_written(
    alpha_client: Client, citizen: Citizen
) -> None:
    conf = NotificationSettings.current()
    conf.offered_events = ["bill_issued", "payment_confirmed"]
    conf.save()
    auth = citizen_token(alpha_client, citizen)
    refused = alpha_client.post(URL, CHOICE, content_type="application/json", **auth)
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "event_not_offered" and body["field"] == "events"
    assert body["detail"] == (
        "O aviso “due_soon” (Conta perto do vencimento) não é oferecido por esta concessionária."
    )
    unknown = alpha_client.post(
        URL, {"channels": {"fax": True}, "events": []}, content_type="application/json", **auth
    )
    assert unknown.status_code == 400
    assert not Subscription.objects.filter(property=citizen.home).exists()
    assert not ConsentRecord.objects.exists()


def test_without_a_token_the_preferences_answer_401(alpha_client: Client, citizen: Citizen) -> None:
    assert alpha_client.get(URL).status_code == 401
    assert alpha_client.post(URL, CHOICE, content_type="application/json").status_code == 401


def test_the_choice_of_one_utility_is_not_seen_on_another(
    alpha_client: Client, beta_client: Client, citizen: Citizen, tenant_beta: Any
) -> None:
    auth = citizen_token(alpha_client, citizen)
    alpha_client.post(URL, CHOICE, content_type="application/json", **auth)
    # alpha's token means nothing on beta's host
    assert beta_client.get(URL, **auth).status_code == 401
    assert not Subscription.objects.exists()  # tenant_beta's schema
