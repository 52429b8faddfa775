"""Configure a utility's Pagar.me account and print what to paste into Pagar.me's dashboard.

    PAGARME_SECRET_KEY=sk_... python manage.py gateway_account <schema> [--base-url URL]

The secret key is read from an environment variable (`--secret-key-env`, default
PAGARME_SECRET_KEY), never from the command line, so it stays out of shell history and `ps`. The
webhook's URL secret and basic-auth password are generated on the first run and kept on later runs
(`--rotate-webhook` makes new ones); when it makes them, the command prints the webhook URL, user
and password to register in Pagar.me, once (docs/agency-deployment.md, "Retorno de pagamentos").
Audited, without secrets.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import get_tenant_model

from modules.common.audit import SystemActor, audit_record
from modules.common.tenancy import tenant_context


class Command(BaseCommand):
    help = "Configura a conta Pagar.me de uma concessionária e mostra o webhook a cadastrar no Pagar.me."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("schema", help="schema da concessionária (ex.: querencia)")
        parser.add_argument("--secret-key-env", default="PAGARME_SECRET_KEY")
        parser.add_argument("--base-url", default="https://api.pagar.me")
        parser.add_argument("--webhook-user", default="manancial")
        parser.add_argument("--rotate-webhook", action="store_true", help="gera novo segredo e senha")
        parser.add_argument("--disable", action="store_true", help="desativa a conta (sem pagamento online)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from modules.collection.models import GatewayAccount

        secret_key = os.environ.get(opts["secret_key_env"], "").strip()
        if secret_key and not secret_key.startswith("sk_"):
            raise CommandError(f"{opts['secret_key_env']}: a chave secreta do Pagar.me começa com 'sk_'.")
        if not get_tenant_model().objects.filter(schema_name=opts["schema"]).exists():
            raise CommandError(f"Concessionária com schema '{opts['schema']}' não encontrada.")
        with tenant_context(opts["schema"]) as tenant, transaction.atomic(durable=True):
            account = GatewayAccount.objects.select_for_update().filter(provider="pagarme").first()
            if account is None and not secret_key:
                raise CommandError(
                    f"Defina a variável de ambiente {opts['secret_key_env']} com a chave secreta "
                    "(sk_...) da conta Pagar.me da concessionária."
                )
            account = account or GatewayAccount(provider="pagarme")
            before = {"base_url": account.base_url, "active": account.active} if account.pk else {}
            if secret_key:
                account.secret_key = secret_key
            account.base_url = opts["base_url"]
            account.active = not opts["disable"]
            rotated = opts["rotate_webhook"] or not account.webhook_token
            if rotated:
                account.webhook_token = secrets.token_urlsafe(32)
                account.webhook_username = opts["webhook_user"]
                account.webhook_password = secrets.token_urlsafe(24)
            account.save()
            audit_record(
                actor=SystemActor("gateway_account"),
                action="collection.gateway_account_configure",
                target=account,
                before=before,
                after={
                    "base_url": account.base_url,
                    "active": account.active,
                    "secret_key_changed": bool(secret_key),
                    "webhook_rotated": rotated,
                },
            )
            host = tenant.primary_domain
        self.stdout.write(f"Conta Pagar.me de {tenant.name}: {'ativa' if account.active else 'desativada'}.")
        if rotated:
            # shown once, as the password: the URL secret authenticates the webhook too (ADR 0012)
            self.stdout.write(
                f"Webhook a cadastrar no Pagar.me: https://{host}/webhooks/pagarme/{account.webhook_token}"
            )
        else:
            self.stdout.write(
                f"Webhook: https://{host}/webhooks/pagarme/<segredo já cadastrado> "
                "(o segredo não é mostrado de novo; use --rotate-webhook para gerar outro)."
            )
        self.stdout.write(f"Autenticação básica do webhook: usuário {account.webhook_username}")
        if rotated:
            self.stdout.write(
                f"Senha do webhook (guarde agora; não é mostrada de novo): {account.webhook_password}"
            )
        else:
            self.stdout.write("Senha do webhook: a mesma de antes (use --rotate-webhook para gerar outra).")
