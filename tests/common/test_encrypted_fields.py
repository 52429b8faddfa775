"""Secrets encrypted at rest (ADR 0012): the columns hold Fernet tokens, a database dump holds no
clear secret, the key rotates without losing a value, and production refuses to start without it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyotp
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from modules.access.models import User
from modules.collection.models import GatewayAccount
from modules.common import fields
from modules.common.audit import snapshot
from modules.common.tenancy import tenant_context
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]


def _account(**overrides: Any) -> GatewayAccount:
    values = {
        "provider": "pagarme",
        "secret_key": f"sk_test_{secrets.token_hex(12)}",
        "webhook_token": secrets.token_urlsafe(32),
        "webhook_username": "manancial",
        "webhook_password": secrets.token_urlsafe(24),
    }
    values.update(overrides)
    return GatewayAccount.objects.create(**values)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_columns_hold_tokens_and_python_sees_the_clear_text(tenant_alpha: Any) -> None:
    account = _account()
    clear = (account.secret_key, account.webhook_token, account.webhook_password)
    stored = [
        _raw("collection_gatewayaccount", c, account.pk)
        for c in ("secret_key", "webhook_token", "webhook_password")
    ]
    assert all(s.startswith(fields.TOKEN_PREFIX) for s in stored)
    assert not set(clear) & set(stored)
    assert [fields.decrypt(s) for s in stored] == list(clear)
    again = GatewayAccount.objects.get(pk=account.pk)
    assert (again.secret_key, again.webhook_token, again.webhook_password) == clear
    # nothing readable: not repr, not the audit snapshot, not a serialization
    assert not any(c in repr(again) or c in str(again) for c in clear)
    audited = snapshot(again)
    assert {"secret_key", "webhook_token", "webhook_password"}.isdisjoint(audited)
    assert not any(c in str(audited) for c in clear)
    assert "webhook_username" in audited and "base_url" in audited
    # an empty secret stays empty (no token for "nothing configured")
    blank = User.objects.create(username="sem-totp", full_name="Sem TOTP")
    assert _raw("access_user", "totp_secret", blank.pk) == ""


@pytest.mark.django_db
def test_a_totp_secret_is_ciphertext_and_sign_in_still_checks_codes(
    tenant_alpha: Any, alpha_client: Any
) -> None:
    from modules.access.services.second_factor import totp_begin, totp_confirm

    user = make_user("alpha", "totp-maria")
    secret = totp_begin(user=user)
    totp_confirm(user=user, code=pyotp.TOTP(secret).now())
    stored = _raw("access_user", "totp_secret", user.pk)
    assert stored.startswith(fields.TOKEN_PREFIX) and secret not in stored
    assert "totp_secret" not in snapshot(User.objects.get(pk=user.pk), fields=["username", "totp_secret"])
    response = alpha_client.post(
        "/api/v1/auth/token",
        {"username": "totp-maria", "password": "Senha-forte-123", "otp": pyotp.TOTP(secret).now()},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert secret not in response.content.decode()


def test_a_dump_of_the_tenant_schema_holds_no_secret_in_the_clear(
    django_db_setup: Any, django_db_blocker: Any
) -> None:
    """pg_dump sees committed rows only: they are written outside the test transaction and removed."""
    with django_db_blocker.unblock(), tenant_context("alpha"):
        GatewayAccount.objects.filter(provider="pagarme").delete()
        account = _account()
        user = make_user("alpha", f"dump-{secrets.token_hex(4)}")
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
        db = connection.settings_dict
        try:
            dump = subprocess.run(
                [
                    "pg_dump",
                    "--schema=alpha",
                    "--data-only",
                    "-h",
                    db["HOST"] or "127.0.0.1",
                    "-p",
                    str(db["PORT"] or 5432),
                    "-U",
                    db["USER"] or "postgres",
                    db["NAME"],
                ],
                capture_output=True,
                check=True,
                text=True,
                env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
            ).stdout
        finally:
            GatewayAccount.objects.filter(pk=account.pk).delete()
            User.objects.filter(pk=user.pk).delete()
    assert user.username in dump  # the dump did include the rows
    for clear in (account.secret_key, account.webhook_token, account.webhook_password, user.totp_secret):
        assert clear not in dump


@pytest.mark.django_db
def test_rotation_re_encrypts_every_schema_and_the_old_key_can_go(
    tenant_alpha: Any, settings: Any, capsys: Any
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    development = fields.development_key(settings.SECRET_KEY)  # rows other tests committed
    settings.FIELD_ENCRYPTION_KEYS = old
    account = _account()
    clear = (account.secret_key, account.webhook_token, account.webhook_password)
    with tenant_context("beta"):
        beta_user = make_user("beta", "rot-beta")
        beta_user.totp_secret = pyotp.random_base32()
        beta_user.save(update_fields=["totp_secret"])
    before = _raw("collection_gatewayaccount", "secret_key", account.pk)

    settings.FIELD_ENCRYPTION_KEYS = f"{new},{old},{development}"
    call_command("rotate_encryption_key")
    first = capsys.readouterr().out
    call_command("rotate_encryption_key")
    second = capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = new  # the old keys are gone: every value still decrypts
    again = GatewayAccount.objects.get(pk=account.pk)
    assert (again.secret_key, again.webhook_token, again.webhook_password) == clear
    with tenant_context("beta"):
        assert User.objects.get(pk=beta_user.pk).totp_secret == beta_user.totp_secret
    assert _raw("collection_gatewayaccount", "secret_key", account.pk) != before
    alpha_line = next(line for line in first.splitlines() if line.startswith("alpha:"))
    assert int(alpha_line.split()[1]) >= 3
    assert next(line for line in first.splitlines() if line.startswith("beta:")).split()[1] != "0"
    # a second run finds everything under the first key already: nothing rewritten
    assert "Total: 0 segredo(s) recifrado(s)" in second
    assert all(" 0 segredo(s) recifrado(s)" in line for line in second.splitlines()[:-1])
    assert not any(c in first + second for c in clear)


@pytest.mark.django_db
def test_the_data_migration_encrypts_clear_rows_once(tenant_alpha: Any) -> None:
    from django.db import connection as conn

    account = _account()
    with conn.cursor() as cursor:  # a row as the previous release wrote it
        cursor.execute(
            "UPDATE collection_gatewayaccount SET secret_key = %s, webhook_password = '' WHERE id = %s",
            ["sk_live_antiga", account.pk],
        )
    with conn.schema_editor() as editor:
        changed = fields.encrypt_plaintext_rows(
            editor, "collection_gatewayaccount", ["secret_key", "webhook_token", "webhook_password"]
        )
        unchanged = fields.encrypt_plaintext_rows(
            editor, "collection_gatewayaccount", ["secret_key", "webhook_token", "webhook_password"]
        )
    assert (changed, unchanged) == (1, 0)
    stored = _raw("collection_gatewayaccount", "secret_key", account.pk)
    assert stored.startswith(fields.TOKEN_PREFIX)
    again = GatewayAccount.objects.get(pk=account.pk)
    assert (again.secret_key, again.webhook_password) == ("sk_live_antiga", "")


def _production(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "saas.settings.production",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
        "SECRET_KEY": "x" * 64,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/manancial",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_production_refuses_to_start_without_the_encryption_keys() -> None:
    refused = _production({})
    assert refused.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set in production" in refused.stderr
    started = _production({"FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()})
    assert (started.returncode, started.stdout.strip()) == (0, "ok")
