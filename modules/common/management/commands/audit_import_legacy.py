"""Import a legacy log file into a utility's legacy audit table (S6.2-03; mapping in
modules/common/audit_legacy.py).

    python manage.py audit_import_legacy --schema sorocaba --source GSAN log.csv
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django_tenants.utils import get_tenant_model

from modules.common.audit import SystemActor
from modules.common.audit_legacy import legacy_audit_import
from modules.common.errors import DomainError


class Command(BaseCommand):
    help = "Importa o log do sistema anterior para a auditoria legada de uma concessionária."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--schema", required=True)
        parser.add_argument("--source", required=True, help="sistema de origem (ex.: GSAN)")

    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = get_tenant_model().objects.filter(schema_name=opts["schema"]).first()
        if tenant is None:
            raise CommandError(f"schema {opts['schema']} não existe")
        path = Path(opts["file"])
        connection.set_tenant(tenant)
        try:
            batch = legacy_audit_import(
                actor=SystemActor("importacao-log-legado"),
                source=opts["source"],
                file_name=path.name,
                content=path.read_bytes(),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            connection.set_schema_to_public()
        self.stdout.write(f"{batch.rows} registro(s) importado(s) de {path.name} ({batch.source}).")
