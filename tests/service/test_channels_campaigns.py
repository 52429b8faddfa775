"""Campanhas ativas (3.2.16.4) through the API and the local dialer: the filter builds a call list
as long as its query, the dialer receives one call per target, outcomes come back and are kept;
a provider failure marks only that target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from fakes.channels import FakeDialer
from modules.billing.models import Bill
from modules.service.models import CampaignTarget, ChannelSettings
from modules.service.services.campaigns import campaign_properties
from tests.conftest import bearer, make_user
from tests.registry import factories as rf

PASSWORD = "Senha-forte-123"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 4, 17, 13, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def dialer(tenant_alpha):
    server = FakeDialer(token="dialer-alpha").start()
    ChannelSettings.objects.update_or_create(
        pk=1, defaults={"dialer_base_url": server.url, "dialer_token": "dialer-alpha", "default_ddd": "11"}
    )
    yield server
    server.stop()


@pytest.fixture
def api(tenant_alpha, alpha_client):
    make_user("alpha", "cobranca", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "cobranca", PASSWORD)

    class Api:
        def get(self, path: str):
            return alpha_client.get(path, **headers)

        def post(self, path: str, body: dict | None = None):
            return alpha_client.post(path, body or {}, content_type="application/json", **headers)

    return Api()


def overdue(prop, due: dt.date) -> None:
    Bill.objects.create(
        property=prop, reference=dt.date(2026, 1, 1), due_date=due, total=Decimal("80.00"), status="released"
    )


def test_a_debt_reminder_dials_the_overdue_properties_and_keeps_the_outcomes(dialer, api) -> None:
    centro = rf.neighbourhood("Centro Campanha")
    debtors = []
    for index, phone in enumerate(["(11) 98888-0001", "98888-0002", "(11) 3222-0003"]):
        holder = rf.customer(f"Devedor {index}", phone=phone)
        prop = rf.prop(holder=holder, neighbourhood=centro, number=str(10 + index))
        overdue(prop, dt.date(2026, 2, 10))
        debtors.append(prop)
    recent = rf.prop(holder=rf.customer("Em dia", phone="(11) 98888-0009"), neighbourhood=centro, number="99")
    overdue(recent, dt.date(2026, 4, 10))  # only 7 days late
    rf.prop(holder=rf.customer("Sem telefone"), neighbourhood=centro, number="98")
    no_phone = rf.prop(holder=rf.customer("Sem telefone 2"), neighbourhood=centro, number="97")
    overdue(no_phone, dt.date(2026, 2, 10))
    filters = {"neighbourhoods": [centro.pk], "overdue_days": 30}
    dialer.outcomes = {"+5511988880001": ("answered", ""), "+551132220003": ("no_answer", "")}
    dialer.refuse_to = {"+5511988880002"}

    created = api.post(
        "/api/v1/cti/campaigns",
        {
            "name": "Lembrete abril",
            "kind": "debt",
            "message": "Sua conta está em atraso.",
            "filters": filters,
        },
    )
    assert created.status_code == 201, created.content
    campaign = created.json()
    # the call list is the filter's query less the property with no phone
    selected = campaign_properties(filters, dt.date(2026, 4, 17)).count()
    assert selected == 4 and campaign["summary"]["targets"] == 3 == selected - 1

    started = api.post(f"/api/v1/cti/campaigns/{campaign['id']}/start").json()
    assert started["campaign_status"] == "dialing"
    assert sorted(c["to"] for c in dialer.calls.values()) == ["+551132220003", "+5511988880001"]
    assert all(c["message"] == "Sua conta está em atraso." for c in dialer.calls.values())
    assert api.post(f"/api/v1/cti/campaigns/{campaign['id']}/start").status_code == 409  # never twice

    done = api.post(f"/api/v1/cti/campaigns/{campaign['id']}/refresh").json()
    assert done["campaign_status"] == "done"
    assert {k: done["summary"][k] for k in ("targets", "attempts", "answered", "no_answer", "failed")} == {
        "targets": 3,
        "attempts": 3,
        "answered": 1,
        "no_answer": 1,
        "failed": 1,
    }
    detail = api.get(f"/api/v1/cti/campaigns/{campaign['id']}").json()
    assert {t["phone"]: t["outcome"] for t in detail["targets"]} == {
        "+5511988880001": "answered",
        "+5511988880002": "failed",
        "+551132220003": "no_answer",
    }


def test_a_survey_keeps_the_keypad_answer_and_waits_for_open_calls(dialer, api) -> None:
    holder = rf.customer("Cliente Pesquisa", phone="(11) 97777-1234")
    prop = rf.prop(holder=holder)
    campaign = api.post(
        "/api/v1/cti/campaigns",
        {
            "name": "Satisfação",
            "kind": "survey",
            "message": "Tecle de 1 a 5.",
            "filters": {"streets": [prop.street_id]},
        },
    ).json()
    api.post(f"/api/v1/cti/campaigns/{campaign['id']}/start")
    assert api.post(f"/api/v1/cti/campaigns/{campaign['id']}/refresh").json()["campaign_status"] == "dialing"
    call_id = next(iter(dialer.calls))
    dialer.calls[call_id].update(status="answered", answer="4")
    api.post(f"/api/v1/cti/campaigns/{campaign['id']}/refresh")
    target = CampaignTarget.objects.get(campaign_id=campaign["id"])
    assert (target.outcome, target.answer, target.property_id) == ("answered", "4", prop.pk)


def test_bad_filters_and_a_missing_dialer_are_refused_naming_the_field(tenant_alpha, api) -> None:
    bad = api.post(
        "/api/v1/cti/campaigns", {"name": "x", "kind": "debt", "message": "m", "filters": {"bairro": [1]}}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "filters"
    ok = api.post(
        "/api/v1/cti/campaigns", {"name": "x", "kind": "preventive", "message": "m", "filters": {}}
    ).json()
    refused = api.post(f"/api/v1/cti/campaigns/{ok['id']}/start")
    assert refused.status_code == 400 and refused.json()["code"] == "provider_not_configured"
    assert api.get(f"/api/v1/cti/campaigns/{ok['id']}").json()["campaign_status"] == "draft"
