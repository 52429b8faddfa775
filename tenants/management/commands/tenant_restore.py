from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modules.common.audit import SystemActor
from modules.common.errors import DomainError
from tenants.backup.services import tenant_restore


class Command(BaseCommand):
    help = (
        "Restaura o backup de uma concessionária, com o mesmo nome ou outro (--schema, --domain); "
        "recusa substituir um esquema existente sem --force."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--schema", help="restaurar com outro nome de esquema")
        parser.add_argument("--domain", help="endereço (host) da concessionária restaurada")
        parser.add_argument("--force", action="store_true", help="substituir o esquema, se existir")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            tenant, result = tenant_restore(
                actor=SystemActor("tenant_restore"),
                path=opts["file"],
                schema=opts["schema"],
                domain=opts["domain"],
                force=opts["force"],
                say=self.stdout.write,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        width = max(len(name) for name, *_ in result.lines())
        self.stdout.write(f"{'conferência'.ljust(width)}  {'backup':>16}  {'restaurado':>16}")
        for name, want, got, same in result.lines():
            self.stdout.write(f"{name.ljust(width)}  {want:>16}  {got:>16}  {'ok' if same else 'DIFERENTE'}")
        if not result.ok:  # reconciled inside the transaction already; a difference here is a bug
            raise CommandError("A conferência encontrou diferenças.")
        hosts = ", ".join(tenant.domains.values_list("domain", flat=True))
        self.stdout.write(self.style.SUCCESS(f"{tenant.schema_name}: restaurada, atende em {hosts}"))
