"""Serve the local fake Pagar.me (fakes/pagarme.py) on a port, with each active
utility's webhook routed to its own host, as Pagar.me does per account. Ctrl-C stops it."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from fakes.pagarme import FakePagarme
from modules.common.tenancy import active_tenant_schemas, tenant_context


class Command(BaseCommand):
    help = "Sobe o Pagar.me falso (API v5 local) para desenvolvimento e demonstração."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.PAGARME_FAKE_PORT)
        parser.add_argument(
            "--web-port",
            type=int,
            default=int(os.environ.get("DEMO_PORT", "8000")),
            help="porta do servidor web que recebe os webhooks",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        fake = FakePagarme(opts["host"], opts["port"])
        routed = self._routes(fake, opts["port"], opts["web_port"])
        fake.start()
        self.stdout.write(
            f"Pagar.me falso em {fake.url} · webhooks de {routed} concessionária(s) para a porta "
            f"{opts['web_port']} · pague uma cobrança com POST {fake.url}/_fake/charges/<id>/pay · "
            "cartão no checkout: 4000 0000 0000 0010 aprova, 4000 0000 0000 0002 recusa"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()

    def _routes(self, fake: FakePagarme, port: int, web_port: int) -> int:
        from modules.collection.models import GatewayAccount

        count = 0
        for schema in active_tenant_schemas():
            with tenant_context(schema) as tenant:
                account = GatewayAccount.objects.filter(provider="pagarme", active=True).first()
                domain = tenant.get_primary_domain()
                if account is None or domain is None or not account.base_url.endswith(f":{port}"):
                    continue
                fake.route(
                    account.secret_key,
                    f"http://127.0.0.1:{web_port}/webhooks/pagarme/{account.webhook_token}",
                    host=f"{domain.domain}:{web_port}",
                    auth=(account.webhook_username, account.webhook_password)
                    if account.webhook_username
                    else None,
                )
                count += 1
        return count
