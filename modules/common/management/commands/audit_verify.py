"""Recompute the audit hash chain of every utility (or of --schema X) and name the first broken row
of each (ADR 0240). Exit status 1 when any chain is broken, for a nightly job that pages someone.

    python manage.py audit_verify [--schema sorocaba]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model

from modules.common.audit_chain import audit_chain_verify


class Command(BaseCommand):
    help = "Verifica a cadeia de integridade da auditoria de cada concessionária."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="só este schema")

    def handle(self, *args: Any, **opts: Any) -> None:
        public = get_public_schema_name()
        tenants = get_tenant_model().objects.order_by("schema_name")
        if opts["schema"]:
            tenants = tenants.filter(schema_name=opts["schema"])
            if not tenants.exists():
                raise CommandError(f"schema {opts['schema']} não existe")
        broken = 0
        for tenant in tenants:
            connection.set_tenant(
                tenant
            ) if tenant.schema_name != public else connection.set_schema_to_public()
            report = audit_chain_verify()
            if report.ok:
                self.stdout.write(
                    f"{tenant.schema_name}: íntegra ({report.checked} registro(s), até {report.tip_seq})"
                )
            else:
                broken += 1
                brk = report.first_break
                assert brk is not None
                self.stdout.write(
                    f"{tenant.schema_name}: QUEBRADA na sequência {brk.seq} "
                    f"(registro {brk.entry_id}): {brk.message}"
                )
        connection.set_schema_to_public()
        if broken:
            raise CommandError(f"{broken} cadeia(s) quebrada(s)", returncode=1)
