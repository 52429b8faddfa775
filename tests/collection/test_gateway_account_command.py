"""`manage.py gateway_account`: a utility's Pagar.me account configured from an environment variable,
the webhook URL and credentials printed once to register in Pagar.me, kept on re-runs, audited
without secrets, and bad input refused with a message that says what is wrong."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from modules.collection.models import GatewayAccount
from modules.common.models import AuditEntry
from modules.common.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _run(capsys, monkeypatch, key: str | None, *args: str) -> str:
    if key is None:
        monkeypatch.delenv("PAGARME_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("PAGARME_SECRET_KEY", key)
    call_command("gateway_account", "alpha", *args)
    return capsys.readouterr().out


def test_configures_the_account_and_prints_the_webhook_once(capsys, monkeypatch) -> None:
    out = _run(capsys, monkeypatch, "sk_test_primeira")
    with tenant_context("alpha"):
        account = GatewayAccount.objects.get(provider="pagarme")
        audit = AuditEntry.objects.filter(action="collection.gateway_account_configure").get()
    assert (account.secret_key, account.base_url, account.active) == (
        "sk_test_primeira",
        "https://api.pagar.me",
        True,
    )
    assert f"https://alpha.localhost/webhooks/pagarme/{account.webhook_token}" in out
    assert f"usuário {account.webhook_username}" in out
    assert account.webhook_password in out and len(account.webhook_password) >= 24
    assert "sk_test_primeira" not in str(audit.after) and account.webhook_password not in str(audit.after)

    # a new key keeps the webhook already registered in Pagar.me, and its password is not shown again
    out = _run(capsys, monkeypatch, "sk_test_segunda")
    with tenant_context("alpha"):
        again = GatewayAccount.objects.get(provider="pagarme")
    assert again.secret_key == "sk_test_segunda"
    assert (again.webhook_token, again.webhook_password) == (account.webhook_token, account.webhook_password)
    assert account.webhook_password not in out
    assert account.webhook_token not in out and "<segredo já cadastrado>" in out

    out = _run(capsys, monkeypatch, None, "--rotate-webhook")
    with tenant_context("alpha"):
        rotated = GatewayAccount.objects.get(provider="pagarme")
        assert AuditEntry.objects.filter(action="collection.gateway_account_configure").count() == 3
    assert rotated.secret_key == "sk_test_segunda"
    assert rotated.webhook_token != account.webhook_token and rotated.webhook_password in out


def test_refuses_a_missing_or_malformed_key_and_an_unknown_utility(capsys, monkeypatch) -> None:
    with pytest.raises(CommandError, match="PAGARME_SECRET_KEY"):
        _run(capsys, monkeypatch, None)
    with pytest.raises(CommandError, match="começa com 'sk_'"):
        _run(capsys, monkeypatch, "pk_publica")
    monkeypatch.setenv("PAGARME_SECRET_KEY", "sk_test_x")
    with pytest.raises(CommandError, match="schema 'nenhuma' não encontrada"):
        call_command("gateway_account", "nenhuma")
    with tenant_context("alpha"):
        assert not GatewayAccount.objects.exists()


def test_other_utilities_are_untouched(capsys, monkeypatch) -> None:
    _run(capsys, monkeypatch, "sk_test_alpha")
    with tenant_context("beta"):
        assert not GatewayAccount.objects.exists()
