"""3.2.15.1, .4 and .8 on the totem and in the app's API: the e-mail (with the letters keyboard) and
the mobile number (with the keypad) registered at the kiosk, the unit's service orders and the last
and forecast reading dates reached from the totem's menu."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail
from django.test import Client

from modules.reading.models import Reading, ReadingSchedule
from modules.registry.models import BillingGroup
from modules.service.services import orders
from tests.portal.conftest import sign_in
from tests.service import factories as sf

from .conftest import Citizen, citizen_token


def _totem(citizen: Citizen) -> Client:
    totem = Client(HTTP_HOST="alpha.localhost")
    assert sign_in(totem, citizen.home, citizen.cpf, prefix="/totem/").status_code == 302
    return totem


def test_the_totem_registers_the_email_and_the_mobile_with_its_own_keys(
    citizen: Citizen, sms: Any, django_capture_on_commit_callbacks: Any
) -> None:
    totem = _totem(citizen)
    base = f"/totem/imoveis/{citizen.home.pk}/"
    home = totem.get(base).content.decode()
    assert f'href="{base}email/"' in home and f'href="{base}avisos/"' in home
    page = totem.get(f"{base}email/").content.decode()
    assert 'data-key="@"' in page and 'data-key=".com.br"' in page and "data-keypad-target" in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = totem.post(f"{base}email/", {"email": "maria.nova@example.com"})
    assert sent.status_code == 302
    link = re.search(r"https?://\S+/agencia/email/confirmar/\S+/", mail.outbox[-1].body)
    assert link and mail.outbox[-1].to == ["maria.nova@example.com"]
    citizen.customer.refresh_from_db()
    assert citizen.customer.email == "maria@example.com"  # only after the link
    assert Client(HTTP_HOST="alpha.localhost").get(link.group(0)).status_code == 200
    citizen.customer.refresh_from_db()
    assert citizen.customer.email == "maria.nova@example.com"
    # the mobile number, typed on the keypad, confirmed by the code
    notices = totem.get(f"{base}avisos/").content.decode()
    assert 'name="mobile"' in notices and "data-keypad-target" in notices and 'data-key="9"' in notices
    with django_capture_on_commit_callbacks(execute=True):
        totem.post(f"{base}avisos/", {"action": "mobile", "mobile": "11912345678"})
    code = re.search(r"é (\d{6})\.", sms.messages[-1]["text"]).group(1)  # type: ignore[union-attr]
    assert totem.post(f"{base}avisos/", {"action": "code", "code": code}).status_code == 302
    citizen.customer.refresh_from_db()
    assert citizen.customer.phone == "+5511912345678"


def test_the_app_api_changes_the_email_only_after_the_link(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, django_capture_on_commit_callbacks: Any
) -> None:
    auth = citizen_token(alpha_client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        sent = alpha_client.post(
            "/agencia/api/v1/contacts/email",
            {"email": "maria.app@example.com"},
            content_type="application/json",
            **auth,
        )
    assert sent.status_code == 202 and sent.json() == {"email": "maria.app@example.com", "confirmed": False}
    link = re.search(r"https?://\S+/agencia/email/confirmar/\S+/", mail.outbox[-1].body)
    assert link
    same = alpha_client.post(
        "/agencia/api/v1/contacts/email", {"email": "maria.app@example.com"}, content_type="application/json"
    )
    assert same.status_code == 401
    bad = alpha_client.post(
        "/agencia/api/v1/contacts/email", {"email": "não é e-mail"}, content_type="application/json", **auth
    )
    assert bad.status_code == 400
    Client(HTTP_HOST="alpha.localhost").get(link.group(0))
    citizen.customer.refresh_from_db()
    assert citizen.customer.email == "maria.app@example.com"


def test_the_totem_shows_the_units_orders_and_the_last_and_forecast_reading_dates(citizen: Citizen) -> None:
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=True):
        group, _ = BillingGroup.objects.get_or_create(code=32, defaults={"name": "Grupo 32"})
        type(citizen.home).objects.filter(pk=citizen.home.pk).update(billing_group=group)
        ReadingSchedule.objects.create(
            group=group,
            reference=dt.date(2026, 7, 1),
            reading_start=dt.date(2026, 7, 7),
            reading_end=dt.date(2026, 7, 11),
            billing_date=dt.date(2026, 7, 14),
            due_date=dt.date(2026, 7, 28),
        )
        Reading.objects.create(
            property=citizen.home,
            reference=dt.date(2026, 6, 1),
            read_on=dt.date(2026, 6, 9),
            value=120,
            consumption_kind="measured",
            consumption_m3=12,
            actor="teste",
        )
        sf.code("VAZ02", description="Conserto de vazamento no cavalete")
        opened = orders.order_open(actor=sf.ACTOR, code="VAZ02", property_id=citizen.home.pk)
        totem = _totem(citizen)
        base = f"/totem/imoveis/{citizen.home.pk}/"
        home = totem.get(base).content.decode()
        assert f'href="{base}ordens/"' in home and f'href="{base}cadastro/"' in home
        listing = totem.get(f"{base}ordens/").content.decode()
        assert opened.label in listing and "Conserto de vazamento no cavalete" in listing
        registry = totem.get(f"{base}cadastro/").content.decode()
        assert "<dt>Última leitura</dt><dd>09/06/2026</dd>" in registry
        assert "<dt>Próxima leitura</dt><dd>entre 07/07/2026 e 11/07/2026</dd>" in registry
