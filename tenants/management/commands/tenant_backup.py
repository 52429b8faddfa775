from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modules.common.errors import DomainError
from tenants.backup.services import tenant_backup


class Command(BaseCommand):
    help = (
        "Grava o backup de uma concessionária (esquema, linhas no esquema público, arquivos) "
        "num único arquivo."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("schema")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = tenant_backup(schema=opts["schema"], path=opts["file"], say=self.stdout.write)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        figures = manifest["figures"]
        size = opts["file"].stat().st_size
        self.stdout.write(
            f"{opts['file']}: {size / 1e6:.1f} MB, {len(figures['tables'])} tabelas, "
            f"{sum(figures['tables'].values())} linhas, {manifest['media_files']} arquivos; "
            + ", ".join(f"{name} R$ {value}" for name, value in figures["money"].items())
        )
