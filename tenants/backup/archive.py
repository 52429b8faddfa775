"""The archive of one utility: a tar whose last member, manifest.json, lists every other member with
its size and SHA-256, the migrations the data is at, and the figures a restore must reproduce.

Members: `schema.sql.gz` (plain pg_dump of the schema), `public.json` (the utility's rows in the
public schema, by column), `media/…` (its files). Manifest last, so a copy cut short has none, and
every member is checked against it before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import connection

from modules.common.errors import ValidationFailed
from tenants.errors import ErrorCode

FORMAT = 1
MANIFEST = "manifest.json"
SCHEMA_DUMP = "schema.sql.gz"
PUBLIC_ROWS = "public.json"
MEDIA_PREFIX = "media/"

# The utility's rows in the public schema, parents first (the order they are written back in).
PUBLIC_MODELS = (
    "tenants.Tenant",
    "tenants.Domain",
    "sla.Contract",
    "sla.MaintenanceWindow",
    "sla.ProbeResult",
    "sla.Outage",
    "sla.ProbeMonitor",
    "sla.Incident",
    "sla.VendorInvoice",
    "sla.InvoiceLine",
)

# Money the utility's staff would check first after a restore. Each query reads one schema;
# a table an older version did not have yet counts as zero.
MONEY_SQL = {
    "faturas_total": ("billing_bill", "SELECT coalesce(sum(total), 0) FROM {t}"),
    "faturas_em_aberto": (
        "billing_bill",
        "SELECT coalesce(sum(total), 0) FROM {t} WHERE status = 'released'",
    ),
    "pagamentos_baixados": (
        "collection_payment",
        "SELECT coalesce(sum(amount), 0) FROM {t} WHERE status = 'applied'",
    ),
    "pagamentos_total": ("collection_payment", "SELECT coalesce(sum(amount), 0) FROM {t}"),
}


class ArchiveRefused(ValidationFailed):
    code = ErrorCode.ARCHIVE_REFUSED


@dataclass(frozen=True)
class Figures:
    """What reconciliation compares: rows per table (schema and public) and money totals."""

    tables: dict[str, int]
    public: dict[str, int]
    money: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {"tables": self.tables, "public": self.public, "money": self.money}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        return cls(dict(data["tables"]), dict(data["public"]), dict(data["money"]))


def schema_figures(schema: str) -> tuple[dict[str, int], dict[str, str]]:
    """Exact row counts of every table in `schema` and its money totals, on Django's connection (so
    inside the caller's transaction and snapshot). `schema` was validated by the caller."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        names = [row[0] for row in cursor.fetchall()]
        tables: dict[str, int] = {}
        for name in names:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{name}"')  # noqa: S608 - names from pg_tables
            tables[name] = cursor.fetchone()[0]
        money: dict[str, str] = {}
        for label, (table, sql) in MONEY_SQL.items():
            if table not in tables:
                money[label] = "0.00"
                continue
            cursor.execute(sql.format(t=f'"{schema}"."{table}"'))
            money[label] = str(Decimal(cursor.fetchone()[0]).quantize(Decimal("0.01")))
    return tables, money


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def write_archive(path: Path, members: dict[str, Path], manifest: dict[str, Any]) -> None:
    """Members first, then the manifest naming each with its size and digest; written beside the
    target and renamed at the end, so a failed backup never leaves a file that looks whole."""
    listed: dict[str, dict[str, Any]] = {}
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        for name, source in members.items():
            with source.open("rb") as stream:
                listed[name] = {"bytes": source.stat().st_size, "sha256": sha256_of(stream)}
            tar.add(str(source), arcname=name, recursive=False)
        body = json.dumps({**manifest, "members": listed}, indent=2, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    partial.replace(path)


def open_archive(path: Path) -> tuple[tarfile.TarFile, dict[str, Any]]:
    """The archive and its manifest, after checking that every member is there, whole and unchanged.
    Refuses (ArchiveRefused, pt-BR) a file that is not an archive, cut short or altered."""
    if not path.is_file():
        raise ArchiveRefused(f"Arquivo não encontrado: {path}.")
    try:
        tar = tarfile.open(path, "r:")  # noqa: SIM115 - handed to the caller, who closes it
        members = {m.name: m for m in tar.getmembers()}
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveRefused(
            f"O arquivo {path.name} está incompleto ou não é um backup do Manancial ({exc})."
        ) from exc
    if MANIFEST not in members:
        tar.close()
        raise ArchiveRefused(
            f"O arquivo {path.name} está incompleto: falta o manifesto (cópia interrompida?)."
        )
    try:
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())  # type: ignore[union-attr]
    except (ValueError, tarfile.TarError, OSError) as exc:
        tar.close()
        raise ArchiveRefused(f"O manifesto de {path.name} está corrompido ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        tar.close()
        raise ArchiveRefused(
            f"Formato de backup {manifest.get('format')!r} desconhecido nesta versão (esperado {FORMAT})."
        )
    for name, expected in manifest.get("members", {}).items():
        member = members.get(name)
        if member is None or member.size != expected["bytes"]:
            tar.close()
            raise ArchiveRefused(
                f"O arquivo {path.name} está incompleto: o item {name} falta ou foi truncado."
            )
        try:
            digest = sha256_of(tar.extractfile(member))  # type: ignore[arg-type]
        except (tarfile.TarError, EOFError, OSError) as exc:
            tar.close()
            raise ArchiveRefused(
                f"O arquivo {path.name} está incompleto: o item {name} não pôde ser lido ({exc})."
            ) from exc
        if digest != expected["sha256"]:
            tar.close()
            raise ArchiveRefused(
                f"O item {name} de {path.name} não confere com o manifesto (arquivo alterado)."
            )
    for required in (SCHEMA_DUMP, PUBLIC_ROWS):
        if required not in manifest.get("members", {}):
            tar.close()
            raise ArchiveRefused(f"O manifesto de {path.name} não lista {required}.")
    return tar, manifest
