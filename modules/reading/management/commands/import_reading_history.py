"""manage.py import_reading_history --schema X DIR: occurrences.csv, readings.csv (any present)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from modules.common.audit import SystemActor
from modules.common.clock import tenant_today
from modules.common.tenancy import tenant_context
from modules.reading.services.legacy import import_reading_files

FILES = ("occurrences", "readings")


class Command(BaseCommand):
    help = "Importa as ocorrências de leitura e o histórico de leituras do sistema legado (S12.8-01)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schema", required=True, help="esquema da concessionária")
        parser.add_argument("directory")
        parser.add_argument("--json", action="store_true", help="relatório em JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        folder = Path(opts["directory"])
        files = {n: (folder / f"{n}.csv").read_bytes() for n in FILES if (folder / f"{n}.csv").exists()}
        if not files:
            raise CommandError(f"Nenhum arquivo {', '.join(f + '.csv' for f in FILES)} em {folder}.")
        with tenant_context(opts["schema"]):
            reports = import_reading_files(
                actor=SystemActor("import_reading_history"), files=files, today=tenant_today()
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
