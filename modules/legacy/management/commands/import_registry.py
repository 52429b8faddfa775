"""manage.py import_registry --schema X DIR: customers.csv, properties.csv, meters.csv (any present)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.tenancy import tenant_context
from modules.legacy.services.files import FILES, import_directory_files


class Command(BaseCommand):
    help = "Importa o cadastro legado (clientes, imóveis, hidrômetros) de um diretório de CSVs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schema", required=True, help="esquema da concessionária")
        parser.add_argument("directory")
        parser.add_argument("--json", action="store_true", help="relatório em JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        folder = Path(opts["directory"])
        files = {
            name: (folder / f"{name}.csv").read_bytes() for name in FILES if (folder / f"{name}.csv").exists()
        }
        if not files:
            raise CommandError(f"Nenhum arquivo {', '.join(f + '.csv' for f in FILES)} em {folder}.")
        with tenant_context(opts["schema"]):
            reports = import_directory_files(
                actor=SystemActor("import_registry"), files=files, today=tenant_today()
            )
        if opts["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
        for r in reports:
            state = "ACEITO" if r.ok else "RECUSADO (nada gravado)"
            self.stdout.write(
                f"{r.entity}.csv: {state} · lidas {r.read} · criadas {r.created} · alteradas {r.updated} · "
                f"sem alteração {r.unchanged} · recusadas {r.rejected} {r.details or ''}"
            )
            for e in r.errors:
                self.stdout.write(f"  linha {e.line}, campo {e.field}: {e.reason}")
        if any(not r.ok for r in reports):
            raise CommandError("Há arquivos recusados; corrija as linhas indicadas e importe de novo.")
