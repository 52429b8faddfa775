"""tenant_backup and tenant_restore: one utility out of a deployment and back into this or another.

The restore writes nothing a failure could leave half-done: the schema is loaded under a staging
name in one psql transaction, checked against the manifest, and only then, in one database
transaction, renamed to its final name with the utility's public rows written beside it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, NotFound
from modules.common.errors import ErrorCode as CommonCode
from tenants import provisioning
from tenants.errors import ErrorCode
from tenants.extensions import SCHEMA as EXTENSIONS_SCHEMA
from tenants.models import Domain, Tenant

from . import archive, postgres
from .archive import ArchiveRefused, Figures

Say = Callable[[str], None]


class _Encoder(DjangoJSONEncoder):  # type: ignore[misc]  # Django is untyped here
    """Django's encoder cuts datetimes to milliseconds; a restore must give back what was stored."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _quiet(_: str) -> None:
    pass


# --- backup --------------------------------------------------------------------------------------


def _applied_migrations(schema: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _public_rows(tenant: Tenant) -> dict[str, list[dict[str, Any]]]:
    """Every public row of the utility, by column (attname: value), parents first."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for label in archive.PUBLIC_MODELS:
        model = apps.get_model(label)
        if model is Tenant:
            queryset = Tenant.objects.filter(pk=tenant.pk)
        elif label == "sla.InvoiceLine":
            queryset = model.objects.filter(invoice__tenant=tenant)
        else:
            queryset = model.objects.filter(tenant=tenant)
        names = [field.attname for field in model._meta.concrete_fields]
        rows[label] = list(queryset.order_by("pk").values(*names).iterator(chunk_size=5000))
    return rows


def _media_files(schema: str) -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT) / schema
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield archive.MEDIA_PREFIX + path.relative_to(root).as_posix(), path


def tenant_backup(*, schema: str, path: Path, say: Say = _quiet) -> dict[str, Any]:
    """Writes the utility's archive to `path` and answers its manifest.

    The dump, the public rows and the figures all read one snapshot: a REPEATABLE READ transaction
    exports it and pg_dump imports it, so a bill issued meanwhile is in all of them or in none."""
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").first()
    if tenant is None:
        raise NotFound(f"Concessionária {schema!r} não encontrada.", code=ErrorCode.TENANT_NOT_FOUND)
    with tempfile.TemporaryDirectory(prefix="manancial-backup-") as scratch:
        work = Path(scratch)
        dump, public = work / archive.SCHEMA_DUMP, work / archive.PUBLIC_ROWS
        # the outermost transaction: SET TRANSACTION must be its first statement
        with transaction.atomic(durable=True):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            with gzip.open(dump, "wb", compresslevel=6) as out:
                say(f"Copiando o esquema {schema} (pg_dump)…")
                # pg_dump writes to a pipe we compress; the snapshot keeps it on our transaction's view
                with tempfile.TemporaryFile() as raw:
                    postgres.dump_schema(schema, raw, snapshot=snapshot)
                    raw.seek(0)
                    shutil.copyfileobj(raw, out, 1 << 20)
            rows = _public_rows(tenant)
            tables, money = archive.schema_figures(schema)
            migrations = {"schema": _applied_migrations(schema), "public": _applied_migrations("public")}
        public.write_text(json.dumps(rows, cls=_Encoder, ensure_ascii=False))
        members = {archive.SCHEMA_DUMP: dump, archive.PUBLIC_ROWS: public, **dict(_media_files(schema))}
        figures = Figures(tables, {label: len(items) for label, items in rows.items()}, money)
        manifest = {
            "format": archive.FORMAT,
            "product": "manancial",
            "schema": schema,
            "tenant": tenant.name,
            "domains": [d["domain"] for d in rows["tenants.Domain"]],
            "created_at": timezone.now().isoformat(),
            "postgres": connection.pg_version,
            "migrations": migrations,
            "latest_migrations": {app: names[-1] for app, names in migrations["schema"].items()},
            "media_files": len(members) - 2,
            "figures": figures.as_json(),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        archive.write_archive(path, members, manifest)
    return manifest


# --- restore -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestorePlan:
    source_schema: str
    schema: str
    domains: list[str]
    force: bool
    copy_beside_original: bool  # the archived utility still lives here under its own name


@dataclass(frozen=True)
class Reconciliation:
    expected: Figures
    restored: Figures

    def lines(self) -> list[tuple[str, str, str, bool]]:
        out: list[tuple[str, str, str, bool]] = []
        for kind, want, got in (
            ("tabela", self.expected.tables, self.restored.tables),
            ("público", self.expected.public, self.restored.public),
            ("valor", self.expected.money, self.restored.money),
        ):
            for name in sorted(set(want) | set(got)):
                a, b = want.get(name, "—"), got.get(name, "—")
                out.append((f"{kind} {name}", str(a), str(b), a == b))
        return out

    @property
    def ok(self) -> bool:
        return all(same for *_, same in self.lines())


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = []
    for scope in ("schema", "public"):
        for app, names in manifest["migrations"][scope].items():
            unknown += [f"{app}.{name}" for name in names if (app, name) not in known]
    return sorted(set(unknown))


def _schema_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        return cursor.fetchone() is not None


def plan_restore(
    manifest: dict[str, Any], *, schema: str | None, domain: str | None, force: bool
) -> RestorePlan:
    """Every refusal a restore can meet before it writes anything, each with its pt-BR reason."""
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise ArchiveRefused(
            "Este backup foi gerado por uma versão mais nova do Manancial (migrações desconhecidas aqui: "
            f"{', '.join(unknown[:5])}{'…' if len(unknown) > 5 else ''}). "
            "Atualize esta instalação antes de restaurar."
        )
    source = manifest["schema"]
    target = (schema or source).strip()
    if not provisioning.SCHEMA_RE.match(target) or target in provisioning.RESERVED_SCHEMAS:
        raise ArchiveRefused(f"Nome de esquema inválido: {target!r}.", field="schema")
    if domain is not None and not provisioning.HOST_RE.match(domain.strip().lower()):
        raise ArchiveRefused(f"Domínio inválido: {domain!r}.", field="domain")
    domains = [domain.strip().lower()] if domain else list(manifest["domains"])
    existing = Tenant.objects.filter(schema_name=target).first()
    if (existing is not None or _schema_exists(target)) and not force:
        raise Conflict(
            f"O esquema {target!r} já existe nesta instalação. Use --force para substituí-lo "
            "(os dados atuais dele serão apagados) ou --schema para restaurar com outro nome.",
            field="schema",
            code=ErrorCode.SCHEMA_EXISTS,
        )
    taken = Domain.objects.filter(domain__in=domains)
    if existing is not None:
        taken = taken.exclude(tenant=existing)
    if taken.exists():
        hosts = ", ".join(sorted(taken.values_list("domain", flat=True)))
        raise Conflict(
            f"Domínio já usado por outra concessionária: {hosts}. Use --domain para dar outro endereço.",
            field="domain",
            code=CommonCode.DUPLICATE,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm' AND n.nspname = %s",
            [EXTENSIONS_SCHEMA],
        )
        if cursor.fetchone() is None:
            raise ArchiveRefused(
                f"Esta instalação não tem o esquema {EXTENSIONS_SCHEMA!r} com pg_trgm: "
                "rode `manage.py migrate_schemas --shared` antes de restaurar."
            )
    beside = target != source and Tenant.objects.filter(schema_name=source).exists()
    return RestorePlan(source, target, domains, force, beside)


def _load_schema(tar: Any, source: str, staging: str) -> None:
    member = tar.extractfile(archive.SCHEMA_DUMP)
    with gzip.open(member, "rb") as dump:
        postgres.psql_load(postgres.rename_schema(dump, source, staging))


def drop_schema(schema: str) -> None:
    """Drops a schema and everything in it, if it exists. `schema` must be a validated name."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _restore_public_rows(rows: dict[str, list[dict[str, Any]]], plan: RestorePlan) -> dict[str, int]:
    """Writes the public rows with new primary keys (the target's sequences decide) and foreign keys
    mapped to them. Must run inside the restore's transaction."""
    new_ids: dict[str, dict[Any, Any]] = {}
    written: dict[str, int] = {}
    # A copy beside its original must not be invoiced twice nor own the original's chamados: their
    # numbers are the vendor's record of the original and unique across the deployment.
    skipped = {"sla.Incident", "sla.VendorInvoice", "sla.InvoiceLine"} if plan.copy_beside_original else set()
    for label in archive.PUBLIC_MODELS:
        model = apps.get_model(label)
        new_ids[label] = {}
        if label in skipped:
            written[label] = 0
            continue
        items = rows.get(label, [])
        if label == "tenants.Domain":
            items = _domains_for(items, plan)
        for item in items:
            instance = _instance(model, item, new_ids, plan)
            instance.save(force_insert=True)
            new_ids[label][item["id"]] = instance.pk
        written[label] = len(items)
    return written


def _domains_for(items: list[dict[str, Any]], plan: RestorePlan) -> list[dict[str, Any]]:
    if [d["domain"] for d in items] == plan.domains:
        return items
    tenant_id = items[0]["tenant_id"] if items else None
    return [
        {"id": f"new{i}", "domain": host, "tenant_id": tenant_id, "is_primary": i == 0}
        for i, host in enumerate(plan.domains)
    ]


def _instance(
    model: type[models.Model], item: dict[str, Any], new_ids: dict[str, dict[Any, Any]], plan: RestorePlan
) -> models.Model:
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname not in item:
            continue
        value = item[field.attname]
        if field.is_relation and value is not None:
            related = field.related_model._meta.label
            value = new_ids[related][value]
        elif value is not None:
            value = field.to_python(value)
        values[field.attname] = value
    if model is Tenant:
        values["schema_name"] = plan.schema
    return model(**values)


def _restored_figures(schema: str, public_counts: dict[str, int]) -> Figures:
    tables, money = archive.schema_figures(schema)
    return Figures(tables, public_counts, money)


def _expected_figures(manifest: dict[str, Any], plan: RestorePlan) -> Figures:
    expected = Figures.from_json(manifest["figures"])
    if plan.copy_beside_original:
        public = {**expected.public, "sla.Incident": 0, "sla.VendorInvoice": 0, "sla.InvoiceLine": 0}
        expected = Figures(expected.tables, public, expected.money)
    if plan.domains != manifest["domains"]:
        expected = Figures(
            expected.tables, {**expected.public, "tenants.Domain": len(plan.domains)}, expected.money
        )
    return expected


def tenant_restore(
    *,
    actor: Actor,
    path: Path,
    schema: str | None = None,
    domain: str | None = None,
    force: bool = False,
    say: Say = _quiet,
) -> tuple[Tenant, Reconciliation]:
    """Restores the archive at `path` as `schema` (default: its own) answering on `domain`
    (default: its own hosts). Raises ArchiveRefused or Conflict, with nothing written, for a
    truncated or altered archive, one from a newer version, a schema that exists without `force`,
    a host another utility uses, or figures that do not reconcile."""
    connection.set_schema_to_public()
    tar, manifest = archive.open_archive(path)
    try:
        plan = plan_restore(manifest, schema=schema, domain=domain, force=force)
        rows = json.loads(tar.extractfile(archive.PUBLIC_ROWS).read())  # type: ignore[union-attr]
        staging = f"restore_{uuid.uuid4().hex[:12]}"
        media_staging = Path(settings.MEDIA_ROOT) / f".{staging}"
        try:
            say(f"Carregando o esquema em {staging} (psql, uma transação)…")
            _load_schema(tar, plan.source_schema, staging)
            _extract_media(tar, manifest, media_staging)
            expected = _expected_figures(manifest, plan)
            with transaction.atomic(durable=True):
                existing = Tenant.objects.filter(schema_name=plan.schema).first()
                if existing is not None:
                    _delete_public_rows(existing)
                drop_schema(plan.schema)
                with connection.cursor() as cursor:
                    cursor.execute(f'ALTER SCHEMA "{staging}" RENAME TO "{plan.schema}"')
                written = _restore_public_rows(rows, plan)
                restored = _restored_figures(plan.schema, written)
                result = Reconciliation(expected, restored)
                if not result.ok:
                    raise ArchiveRefused(_mismatch_message(result))
                tenant = Tenant.objects.get(schema_name=plan.schema)
                audit_record(
                    actor=actor,
                    action="tenants.tenant_restore",
                    target=tenant,
                    after={
                        "archive": path.name,
                        "from_schema": plan.source_schema,
                        "domains": plan.domains,
                        "created_at": manifest["created_at"],
                        "replaced": existing is not None,
                    },
                )
            _move_media(media_staging, plan.schema)
        except BaseException:
            drop_schema(staging)
            shutil.rmtree(media_staging, ignore_errors=True)
            raise
    finally:
        tar.close()
    _migrate_if_older(manifest, plan.schema, say)
    return tenant, result


def _mismatch_message(result: Reconciliation) -> str:
    wrong = [
        f"{name}: arquivo {want}, restaurado {got}" for name, want, got, same in result.lines() if not same
    ]
    return "A restauração não confere com o manifesto; nada foi gravado. " + "; ".join(wrong[:10])


def _delete_public_rows(tenant: Tenant) -> None:
    """The replaced utility's public rows, children first. Must run inside the restore's transaction."""
    for label in reversed(archive.PUBLIC_MODELS):
        model = apps.get_model(label)
        if model is Tenant:
            continue
        if label == "sla.InvoiceLine":
            model.objects.filter(invoice__tenant=tenant).delete()
        else:
            model.objects.filter(tenant=tenant).delete()
    Tenant.objects.filter(pk=tenant.pk).delete()


def _extract_media(tar: Any, manifest: dict[str, Any], into: Path) -> None:
    for name in manifest["members"]:
        if not name.startswith(archive.MEDIA_PREFIX):
            continue
        relative = Path(name[len(archive.MEDIA_PREFIX) :])
        if relative.is_absolute() or ".." in relative.parts:
            raise ArchiveRefused(f"Caminho de arquivo inválido no backup: {name}.")
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with tar.extractfile(name) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)


def _move_media(staging: Path, schema: str) -> None:
    final = Path(settings.MEDIA_ROOT) / schema
    if final.exists():
        shutil.rmtree(final)
    if staging.exists():
        staging.replace(final)


def _migrate_if_older(manifest: dict[str, Any], schema: str, say: Say) -> None:
    """An archive from an older version is brought up to this one's migrations."""
    from django.core.management import call_command

    known = MigrationLoader(None, ignore_no_migrations=True)
    tenant_apps = {config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS}
    archived = {(app, name) for app, names in manifest["migrations"]["schema"].items() for name in names}
    pending = [key for key in known.disk_migrations if key[0] in tenant_apps and key not in archived]
    if pending:
        say(f"O backup é de uma versão anterior: aplicando {len(pending)} migrações em {schema}…")
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        connection.set_schema_to_public()
