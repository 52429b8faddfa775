"""The agency's and the totem's sign-in (web and API) count the client's real address (ADR 0013): a
forged X-Forwarded-For from an untrusted peer is ignored, so spraying from one address is stopped
however many addresses the attacker claims; a trusted proxy's forwarded address is counted."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tests.registry import factories as f

from .conftest import Citizen

FORMS = {
    "agency": ("/agencia/", False),
    "totem": ("/totem/", False),
    "api": ("/agencia/api/v1/auth/token", True),
}


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _fresh_counters(citizen: Citizen) -> None:
    """Account numbers repeat between rolled-back tests, and the cache is not rolled back."""
    from django.core.cache import cache

    cache.delete(f"portal:signin:acct:{citizen.home.account_base}")


def _post(client: Client, form: str, account: str, document: str, **meta: Any) -> int:
    path, is_api = FORMS[form]
    data = {"account": account, "document": document}
    if is_api:
        return client.post(path, data, content_type="application/json", **meta).status_code
    return client.post(path, data, **meta).status_code


@pytest.mark.parametrize("form", FORMS)
def test_forged_forwarded_addresses_are_all_counted_as_the_peer(
    form: str, settings: Any, alpha_client: Client, citizen: Citizen
) -> None:
    settings.PORTAL_SIGN_IN_LIMIT = 3
    _fresh_counters(citizen)
    peer = _address()
    # a different unknown account each time: only the per-address limit can stop this
    statuses = [
        _post(
            alpha_client,
            form,
            f"{90000000 + uuid.uuid4().int % 9999999}-0",
            f.cpf(),
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=_address(),
        )
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    ok = _post(
        alpha_client,
        form,
        citizen.home.account_number,
        citizen.cpf,
        REMOTE_ADDR=_address(),
        HTTP_X_FORWARDED_FOR=peer,
    )
    assert ok in {201, 302}  # the forged header did not make the limited address this client's


def test_a_trusted_proxy_forwards_the_client_that_is_counted(
    settings: Any, alpha_client: Client, citizen: Citizen
) -> None:
    settings.PORTAL_SIGN_IN_LIMIT = 3
    settings.TRUSTED_PROXIES = ["10.251.0.0/16"]
    _fresh_counters(citizen)
    client_address = _address().replace("10.", "172.", 1)
    statuses = [
        _post(
            alpha_client,
            "agency",
            f"{90000000 + uuid.uuid4().int % 9999999}-0",
            f.cpf(),
            REMOTE_ADDR="10.251.3.4",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_address}",
        )
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    other = _post(
        alpha_client,
        "agency",
        citizen.home.account_number,
        citizen.cpf,
        REMOTE_ADDR="10.251.3.4",
        HTTP_X_FORWARDED_FOR=_address().replace("10.", "172.", 1),
    )
    assert other == 302
