"""Fakes of the notices' providers as alpha's settings: the SMS gateway, the WhatsApp provider and
the push service, each a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fakes.channels import FakeSmsGateway
from fakes.push import FakePushService
from fakes.whatsapp import FakeWhatsApp
from modules.notifications.models import NotificationSettings
from modules.service.models import ChannelSettings
from tests.portal.conftest import Citizen, citizen, stranger  # noqa: F401


@pytest.fixture
def sms(tenant_alpha: Any) -> Iterator[FakeSmsGateway]:
    server = FakeSmsGateway(token="sms-alpha").start()
    conf = ChannelSettings.current()
    conf.sms_base_url, conf.sms_token, conf.sms_sender = server.url, "sms-alpha", "AGUA"
    conf.save()
    yield server
    server.stop()


@pytest.fixture
def whatsapp(tenant_alpha: Any) -> Iterator[FakeWhatsApp]:
    server = FakeWhatsApp(token="wa-alpha").start()
    conf = NotificationSettings.current()
    conf.whatsapp_base_url, conf.whatsapp_token = server.url, "wa-alpha"
    conf.save()
    yield server
    server.stop()


@pytest.fixture
def push_service(tenant_alpha: Any) -> Iterator[FakePushService]:
    server = FakePushService().start()
    yield server
    server.stop()


def citizen_token(client: Any, who: Citizen) -> dict[str, str]:
    response = client.post(
        "/agencia/api/v1/auth/token",
        {"account": who.home.account_number, "document": who.cpf},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
