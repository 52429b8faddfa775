"""Sign-in limits of staff and vendor users (ADR 0013), on every form: the staff web sign-in, the staff
API token, the ops console sign-in and the ops API token. Failures are counted per client address
and per account, in a time window; the client address is REMOTE_ADDR unless the peer is a trusted
proxy, so a forged X-Forwarded-For changes neither the counted address nor the login records.

The cache is not rolled back between tests: every test uses its own addresses and account names."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from django.test import Client

from modules.access.models import LoginAttempt, PasswordPolicy, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

THROTTLED = "Muitas tentativas de entrada. Aguarde alguns minutos e tente novamente."


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _name() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


FORMS = {
    "staff-api": ("alpha.localhost", "/api/v1/auth/token", "alpha"),
    "staff-web": ("alpha.localhost", "/conta/entrar/", "alpha"),
    "ops-api": ("localhost", "/ops/api/v1/auth/token", "public"),
    "ops-web": ("localhost", "/ops/conta/entrar/", "public"),
}


def _try(form: str, username: str, password: str, **meta: Any) -> Any:
    host, path, _ = FORMS[form]
    client = Client(HTTP_HOST=host)
    if form.endswith("api"):
        return client.post(
            path, {"username": username, "password": password}, content_type="application/json", **meta
        )
    return client.post(path, {"username": username, "password": password}, **meta)


def _signed_in(form: str) -> int:
    """A good sign-in answers the token (API) or the redirect to the next page (web form)."""
    return 200 if form.endswith("api") else 302


def _throttled(form: str, response: Any) -> bool:
    if response.status_code != 429:
        return False
    if form.endswith("api"):
        return bool(response.json() == {"code": "throttled", "detail": THROTTLED})
    return THROTTLED in response.content.decode()


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.SIGN_IN_ADDRESS_LIMIT = 3
    settings.SIGN_IN_ACCOUNT_LIMIT = 5
    settings.SIGN_IN_WINDOW_SECONDS = 60
    return settings


@pytest.mark.parametrize("form", FORMS)
def test_spraying_passwords_from_one_address_is_stopped(form: str, limits: Any) -> None:
    _, _, schema = FORMS[form]
    address = _address()
    victim = _name()
    make_user(schema, victim, "Senha-forte-123")
    sprayed = [_try(form, _name(), "Senha123", REMOTE_ADDR=address).status_code for _ in range(3)]
    assert sprayed == [401, 401, 401]
    # past the limit even the right password is refused, without being checked
    refused = _try(form, victim, "Senha-forte-123", REMOTE_ADDR=address)
    assert _throttled(form, refused)
    assert _try(form, victim, "Senha-forte-123", REMOTE_ADDR=_address()).status_code == _signed_in(form)


@pytest.mark.parametrize("form", FORMS)
def test_a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing(form: str, limits: Any) -> None:
    _, _, schema = FORMS[form]
    address = _address()
    user = make_user(schema, _name(), "Senha-forte-123")
    statuses = [
        _try(form, _name(), "x", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=_address()).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]  # every forged address was counted as the peer's
    with _schema(schema):
        recorded = set(
            LoginAttempt.objects.filter(ip__isnull=False).order_by("-id").values_list("ip", flat=True)[:4]
        )
    assert recorded == {address}
    ok = _try(
        form, user.username, "Senha-forte-123", REMOTE_ADDR=_address(), HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert ok.status_code == _signed_in(form)
    with _schema(schema):
        assert User.objects.get(pk=user.pk).last_login_ip != "203.0.113.9"


def test_a_trusted_proxy_is_believed_as_far_as_the_chain_of_trusted_proxies(limits: Any) -> None:
    limits.TRUSTED_PROXIES = ["10.250.0.0/16"]
    client_address = "198.51.100.77"
    user = make_user("alpha", _name(), "Senha-forte-123")
    # the client forged the left part; the ingress (10.250.0.5) appended what it saw
    forwarded = f"6.6.6.6, {client_address}"
    statuses = [
        _try("staff-api", _name(), "x", REMOTE_ADDR="10.250.0.5", HTTP_X_FORWARDED_FOR=forwarded).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # another client behind the same ingress is a different address, so it is not limited
    ok = _try(
        "staff-api",
        user.username,
        "Senha-forte-123",
        REMOTE_ADDR="10.250.0.5",
        HTTP_X_FORWARDED_FOR="198.51.100.78",
    )
    assert ok.status_code == 200
    with _schema("alpha"):
        assert User.objects.get(pk=user.pk).last_login_ip == "198.51.100.78"
        assert set(
            LoginAttempt.objects.filter(success=False).order_by("-id").values_list("ip", flat=True)[:3]
        ) == {client_address}


def test_many_addresses_against_one_account_meet_the_account_limit_for_a_window_only(
    limits: Any, tenant_alpha: Any
) -> None:
    # the policy's own lockout is out of the way here: it is tested in test_sign_in.py
    PasswordPolicy.objects.update(max_failed_attempts=1000)
    limits.SIGN_IN_WINDOW_SECONDS = 2
    user = make_user("alpha", _name(), "Senha-forte-123")
    statuses = [
        _try("staff-api", user.username, "errada", REMOTE_ADDR=_address()).status_code for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    assert _throttled(
        "staff-api", _try("staff-api", user.username, "Senha-forte-123", REMOTE_ADDR=_address())
    )
    # another account is not affected, and the limited one signs in again once the window is over
    other = make_user("alpha", _name(), "Senha-forte-123")
    assert _try("staff-api", other.username, "Senha-forte-123", REMOTE_ADDR=_address()).status_code == 200
    time.sleep(2.2)
    assert _try("staff-api", user.username, "Senha-forte-123", REMOTE_ADDR=_address()).status_code == 200
    assert LoginAttempt.objects.filter(username=user.username, reason="throttled").count() == 2


def test_successful_sign_ins_from_one_office_address_are_not_limited(limits: Any) -> None:
    address = _address()
    user = make_user("alpha", _name(), "Senha-forte-123")
    statuses = [
        _try("staff-web", user.username, "Senha-forte-123", REMOTE_ADDR=address).status_code for _ in range(6)
    ]
    assert statuses == [302] * 6


def _schema(schema: str) -> Any:
    from contextlib import nullcontext

    from django.db import connection

    from modules.common.tenancy import tenant_context

    if schema == "public":
        connection.set_schema_to_public()
        return nullcontext()
    return tenant_context(schema)
